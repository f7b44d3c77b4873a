"""The loader reads valid content exactly and refuses, with located problems, what it cannot read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conftest import write_tree
from sample import FINANCE, SITE, VILLAGE, files

from sitegen.loader import load_site


def load(tmp_path, **overrides):
    root = write_tree(tmp_path / "content", files(**overrides))
    return load_site(root)


def codes(problems):
    return [(p.path.split("content/", 1)[-1], p.line, p.code) for p in problems]


def test_minimal_site_loads_exactly(tmp_path):
    site, problems = load(tmp_path)
    assert problems == []
    (village,) = site.villages
    assert village.committee == "东滩村村民委员会"  # the contract's default issuing body
    (statement,) = village.of("finance")
    assert statement.opening_balance == Decimal("100.10")
    # 0.10 + 0.20 is 0.30000000000000004 in binary floats; money must stay exact
    assert statement.income_total == Decimal("0.30")
    assert statement.computed_closing == statement.closing_balance == Decimal("100.30")
    assert statement.posted == dt.date(2026, 11, 5)
    assert statement.review.reviewers == ("刘秀英",)
    (item,) = village.of("affairs")
    assert item.tables[0].rows == (("王某某", "第三组", "3", "1260.00"),)
    assert item.body.startswith("依据有关规定公示。")
    assert item.body_line == 15


def test_unknown_key_is_refused_with_suggestion(tmp_path):
    site, problems = load(tmp_path, finance=FINANCE.replace("opening_balance:", "opening_balanse:"))
    # a file with problems keeps its readable fields for the rules, but is never published
    (statement,) = site.villages[0].of("finance")
    assert statement.unreadable == {("opening_balance",)} and not statement.published
    assert statement.readable("income", 0, "amount") and not statement.readable("opening_balance")
    messages = [p for p in problems if p.code == "schema"]
    assert any("opening_balanse" in p.message and "opening_balance" in p.message and p.line == 5 for p in messages)
    # the now-missing required field is reported too, all at once
    assert any("缺少必填字段 opening_balance" in p.message for p in messages)


def test_malformed_yaml_is_located(tmp_path):
    broken = FINANCE.replace("summary: 本月收入为土地发包费。", "summary: 本月: 收入: 为")
    site, problems = load(tmp_path, finance=broken)
    assert site.villages[0].of("finance") == ()
    assert codes(problems) == [("dongtan/finance/2026-10.yaml", 3, "yaml-syntax")]
    assert problems[0].col > 1


def test_gbk_file_gets_encoding_advice(tmp_path):
    site, problems = load(tmp_path, village=None)
    root = tmp_path / "content"
    (root / "dongtan/village.yaml").write_bytes(VILLAGE.encode("gb18030"))
    site, problems = load_site(root)
    assert site.villages == ()
    (problem,) = problems
    assert problem.code == "encoding" and problem.line == 1
    assert "UTF-8" in problem.message and "GBK" in problem.message


def test_money_with_three_decimals_is_refused(tmp_path):
    site, problems = load(tmp_path, finance=FINANCE.replace("amount: 0.20", "amount: 0.205"))
    assert codes(problems) == [("dongtan/finance/2026-10.yaml", 17, "amount-format")]


def test_amount_as_string_with_comma_is_refused(tmp_path):
    site, problems = load(tmp_path, finance=FINANCE.replace("opening_balance: 100.10", 'opening_balance: "1,100.10"'))
    assert codes(problems) == [("dongtan/finance/2026-10.yaml", 5, "amount-format")]


def test_period_must_match_file_name(tmp_path):
    site, problems = load(tmp_path, finance=FINANCE.replace("period: 2026-10", "period: 2026-09"))
    assert codes(problems) == [("dongtan/finance/2026-10.yaml", 1, "period-mismatch")]


def test_wrong_type_names_field_and_value(tmp_path):
    site, problems = load(tmp_path, finance=FINANCE.replace("posted: 2026-11-05", "posted: 2026/11/05"))
    (problem,) = problems
    assert (problem.line, problem.code) == (2, "schema")
    assert "posted" in problem.message and "2026/11/05" in problem.message


def test_unknown_files_and_bad_slugs(tmp_path):
    extra = {"dongtan/notes.txt": "x", "Dongtan-2/village.yaml": VILLAGE, "dongtan/major/Road.md": "---\n---\n",
             "dongtan/files/scan.pdf": "%PDF-1.4\n%%EOF\n", "dongtan/.gitkeep": ""}
    root = write_tree(tmp_path / "content", {**files(), **extra})
    site, problems = load_site(root)
    assert sorted(codes(problems)) == [
        ("Dongtan-2", 1, "slug"),
        ("dongtan/major/Road.md", 1, "slug"),
        ("dongtan/notes.txt", 1, "unknown-file"),
    ]


def test_symlink_leaving_content_is_refused(tmp_path):
    outside = tmp_path / "secret.yaml"
    outside.write_text(FINANCE.replace("2026-10", "2026-09"), encoding="utf-8")
    root = write_tree(tmp_path / "content", files())
    (root / "dongtan/finance/2026-09.yaml").symlink_to(outside)
    site, problems = load_site(root)
    assert codes(problems) == [("dongtan/finance/2026-09.yaml", 1, "slug")]


def test_front_matter_errors_point_into_the_markdown_file(tmp_path):
    from sample import AFFAIRS

    site, problems = load(tmp_path, affairs=AFFAIRS.replace("posted_until: 2026-10-15", "posted_untill: 2026-10-15"))
    assert codes(problems) == [("dongtan/affairs/2026-Q3/dibao.md", 6, "schema")]
    assert "posted_until" in problems[0].message


def test_table_row_width_must_match_columns(tmp_path):
    from sample import AFFAIRS

    site, problems = load(tmp_path, affairs=AFFAIRS.replace("[王某某, 第三组, 3, 1260.00]", "[王某某, 第三组, 3]"))
    assert codes(problems) == [("dongtan/affairs/2026-Q3/dibao.md", 13, "schema")]


def test_anchors_and_aliases_are_refused(tmp_path):
    site, problems = load(tmp_path, site=SITE + "county: &a 沾化区\ntownship: *a\n")
    assert [p.code for p in problems] == ["yaml-syntax"]


def test_missing_site_yaml(tmp_path):
    site, problems = load(tmp_path, site=None)
    assert site is None and codes(problems) == [("site.yaml", 1, "schema")]

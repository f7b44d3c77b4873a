"""The published record (contract §12): version ids, the version store, silent changes, old versions online."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import write_tree
from helpers import soup
from sample import files
from test_posters import qr_codes
from test_site import tree_digest

from sitegen import cli, history, records, versions
from sitegen.loader import load_site
from sitegen.model import Disclosure, Question
from sitegen.build import build
from sitegen.rules import check_content
from sitegen.versions import STORE

BASE = "https://cwgk.example.gov.cn/ceshi/"
MONTH = "dongtan/finance/2026-10/"
FIRST, LATER = dt.date(2026, 11, 20), dt.date(2026, 11, 28)

FINANCE = """\
period: 2026-10
posted: 2026-11-05
summary: 本月收入为土地发包费。
review: {reviewers: [刘秀英], date: 2026-11-03, opinion: 同意公开。}
opening_balance: 1000.00
closing_balance: 1040.00
income:
  - date: 2026-10-08
    voucher: 记-01
    item: 土地发包收入
    category: 经营收入
    amount: 500.00
expense:
  - date: 2026-10-12
    voucher: 记-03
    item: 路灯电费
    category: 管理费用
    amount: 460.00
"""

CORRECTED = FINANCE.replace("amount: 460.00", "amount: 470.00").replace("closing_balance: 1040.00", "closing_balance: 1030.00").replace(
    "opening_balance:", "corrections:\n  - date: 2026-11-25\n    reason: 第1笔支出金额录入错误，由 460.00 更正为 470.00。\nopening_balance:"
)


def site(tmp_path: Path, finance: str = FINANCE) -> Path:
    return write_tree(tmp_path / "content", files(finance=finance))


def run(content: Path, out: Path, as_of: dt.date = FIRST, **options):
    options.setdefault("posters", False)
    return build(content, out, cache_dir=content.parent / "cache", as_of=as_of, **options)


def store(content: Path) -> list[dict]:
    path = content / STORE / "dongtan.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []


def edit(content: Path, text: str, name: str = "dongtan/finance/2026-10.yaml") -> None:
    (content / name).write_text(text, encoding="utf-8")


def codes(result) -> dict[str, list]:
    found: dict[str, list] = {}
    for problem in result.problems:
        found.setdefault(problem.code, []).append(problem)
    return found


def test_the_first_build_records_every_published_item_once(tmp_path):
    content = site(tmp_path)
    assert run(content, tmp_path / "out").ok
    lines = store(content)
    assert sorted(line["path"] for line in lines) == ["affairs/2026-Q3/dibao.md", "finance/2026-10.yaml", "major/2026-road.md"]
    # each version is dated from the content (its posting here), never by the build's date
    dated = {line["path"]: line["published"] for line in lines}
    assert dated["finance/2026-10.yaml"] == "2026-11-05" and dated["affairs/2026-Q3/dibao.md"] == "2026-10-08"
    assert FIRST.isoformat() not in dated.values() and all(line["correction"] is None for line in lines)
    before = (content / STORE / "dongtan.jsonl").read_bytes()
    again = run(content, tmp_path / "out", as_of=LATER)
    assert again.ok and (content / STORE / "dongtan.jsonl").read_bytes() == before


def test_a_silent_edit_is_refused_naming_the_field_and_both_values(tmp_path):
    content, out = site(tmp_path), tmp_path / "out"
    assert run(content, out).ok
    published, recorded = tree_digest(out), (content / STORE / "dongtan.jsonl").read_bytes()
    edit(content, FINANCE.replace("amount: 460.00", "amount: 470.00").replace("closing_balance: 1040.00", "closing_balance: 1030.00"))
    result = run(content, out, as_of=LATER)
    [problem] = codes(result)["silent-change"]
    assert problem.path == (content / "dongtan/finance/2026-10.yaml").as_posix()
    assert (problem.line, problem.col) == (6, 18)  # closing_balance: the first changed field in the file
    assert "expense[1].amount：460.00 → 470.00" in problem.message and "closing_balance：1040.00 → 1030.00" in problem.message
    assert "corrections" in problem.message
    assert tree_digest(out) == published and (content / STORE / "dongtan.jsonl").read_bytes() == recorded
    assert [p.code for p in check_content(content, LATER)[1]] == ["silent-change"]


def test_formatting_is_not_a_change_and_keeps_the_version_id(tmp_path):
    content, out = site(tmp_path), tmp_path / "out"
    assert run(content, out).ok
    shown = soup(out / MONTH / "index.html").select_one("code.version-id").text
    lines = FINANCE.splitlines()
    reordered = "\n".join(["# 十月账目（重新排版）", lines[1], lines[0], *lines[2:]]).replace("    amount: 460.00", "    amount:   460.00  # 电费")
    reordered = reordered.replace("  - date: 2026-10-12\n    voucher", "  -   date: 2026-10-12\n      voucher").replace(
        "\n    item: 路灯电费\n    category: 管理费用\n    amount:", "\n      item: 路灯电费\n      category: 管理费用\n      amount:"
    )
    edit(content, "\ufeff" + reordered.replace("\n", "\r\n") + "\r\n")
    result = run(content, out, as_of=LATER)
    assert result.ok, result.problems
    assert soup(out / MONTH / "index.html").select_one("code.version-id").text == shown
    assert len(store(content)) == 3


def test_a_question_and_its_answer_are_not_a_new_version_but_editing_one_is(tmp_path):
    # questions are read from the files by the questions work (§14.3); here they are set on the loaded item
    site_, _ = load_site(site(tmp_path), FIRST)
    village = site_.villages[0]
    asked = Question(asked=dt.date(2026, 11, 8), channel="民主日", question="电费为什么这么高？")

    def with_question(question: Question | None):
        items = tuple(dataclasses.replace(d, questions=(question,) if question else ()) if d.kind == "finance" else d for d in village.items)
        return dataclasses.replace(village, items=items)

    stored, problems = history.check(site_, with_question(asked), [])
    assert problems == []
    answered = dataclasses.replace(asked, answered=dt.date(2026, 11, 12), answer="含新增路段的电费。")
    pending, problems = history.check(site_, with_question(answered), stored)
    [before] = [e for e in stored if e.path == "finance/2026-10.yaml"]
    assert problems == [] and [(e.path, e.id, e.published) for e in pending] == [(before.path, before.id, before.published)]  # same version, answer kept
    edited = dataclasses.replace(answered, answer="是录入错误。")
    [problem] = history.check(site_, with_question(edited), [*stored, *pending])[1]
    assert problem.code == "silent-change" and "群众提问第1条" in problem.message
    [problem] = history.check(site_, with_question(None), stored)[1]
    assert problem.code == "silent-change" and "不能改动或删除" in problem.message


def test_a_correction_publishes_version_two_and_keeps_version_one_online(tmp_path):
    content, out = site(tmp_path), tmp_path / "out"
    assert run(content, out, posters=True).ok
    v1 = soup(out / MONTH / "index.html").select_one("code.version-id").text
    edit(content, CORRECTED)
    assert run(content, out, as_of=LATER, posters=True).ok
    page = soup(out / MONTH / "index.html")
    v2 = page.select_one("code.version-id").text
    assert v2 != v1 and "第2版" in page.select_one(".facts").text
    listed = page.select_one("#versions")
    assert [a["href"] for a in listed.select("a")] == [f"v/{v1}/"] and "460.00 更正为 470.00" in listed.text
    old = soup(out / MONTH / "v" / v1 / "index.html")
    notice = old.select_one(".superseded")
    assert "已被更正" in notice.text and notice.a["href"] == "../../"
    tables = " ".join(table.text for table in old.select("table"))
    assert "460.00" in tables and "470.00" not in tables
    assert old.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert BASE + MONTH + f"v/{v1}/" in (content / "published-urls.txt").read_text("utf-8")
    assert BASE + MONTH + f"v/{v1}/" not in (out / "sitemap.xml").read_text("utf-8")
    poster = out / MONTH / "v" / v1 / "poster.pdf"
    text = subprocess.run(["pdftotext", str(poster), "-"], check=True, capture_output=True, text=True).stdout
    assert "460.00" in text and v1 in text and "已被更正" in text
    assert [code for code, _ in qr_codes(poster)] == [BASE + MONTH + f"v/{v1}/"]
    data = json.loads((out / "dongtan/data.json").read_text("utf-8"))
    [entry] = [item for item in data["items"] if item["path"] == MONTH]
    assert [(v["number"], v["id"], v["current"]) for v in entry["versions"]] == [(1, v1, False), (2, v2, True)]
    assert entry["versions"][1]["correction"]["date"] == "2026-11-25" and entry["versions"][1]["published"] == "2026-11-25"

    fresh = tmp_path / "clone"
    shutil.copytree(content, fresh / "content")
    assert build(fresh / "content", fresh / "out", cache_dir=fresh / "cache", as_of=LATER).ok  # an empty cache
    for name in ("index.html", "poster.pdf"):
        assert (fresh / "out" / MONTH / "v" / v1 / name).read_bytes() == (out / MONTH / "v" / v1 / name).read_bytes()


def test_an_earlier_correction_edited_or_removed_is_an_error_at_the_corrections(tmp_path):
    content, out = site(tmp_path, CORRECTED), tmp_path / "out"
    assert run(content, out, as_of=LATER).ok
    edit(content, CORRECTED.replace("由 460.00 更正为 470.00", "由 460 更正为 470"))
    [problem] = codes(run(content, out, as_of=LATER))["correction-removed"]
    assert problem.line == 6 and "第1条更正" in problem.message
    edit(content, FINANCE.replace("amount: 460.00", "amount: 470.00").replace("closing_balance: 1040.00", "closing_balance: 1030.00"))
    [problem] = codes(run(content, out, as_of=LATER))["correction-removed"]
    assert problem.line == 1 and "只能在末尾添加" in problem.message


@pytest.mark.parametrize("day, why", [("2026-11-01", "早于公开日期"), ("2026-12-01", "晚于今天")])
def test_a_correction_dated_before_posting_or_after_the_as_of_date(tmp_path, day, why):
    content = site(tmp_path, CORRECTED.replace("2026-11-25", day))
    [problem] = codes(run(content, tmp_path / "out", as_of=LATER))["correction-date"]
    assert (problem.line, problem.col) == (6, 11) and why in problem.message and day in problem.message
    assert [p.code for p in check_content(content, LATER)[1]] == ["correction-date"]


def test_posted_changed_after_publication(tmp_path):
    content, out = site(tmp_path), tmp_path / "out"
    assert run(content, out).ok
    edit(content, CORRECTED.replace("posted: 2026-11-05", "posted: 2026-11-06"))
    [problem] = codes(run(content, out, as_of=LATER))["posted-changed"]
    assert (problem.line, problem.col) == (2, 9) and "2026-11-05" in problem.message and "2026-11-06" in problem.message


ROAD = "dongtan/major/2026-road.md"


def test_progress_only_grows_at_the_end_and_its_month_gets_the_poster_in_the_board_pack(tmp_path):
    content, out = site(tmp_path), tmp_path / "out"
    assert run(content, out, posters=True).ok
    road = (content / ROAD).read_text("utf-8")
    grown = road.replace("  - {date: 2026-06-01, text: 完成招标，中标价55.2万元。}\n",
                         "  - {date: 2026-06-01, text: 完成招标，中标价55.2万元。}\n  - {date: 2026-11-18, text: 路基完工，开始浇筑路面。}\n")
    edit(content, grown, ROAD)
    assert run(content, out, as_of=LATER, posters=True).ok  # an entry added: a new version, no correction needed
    ids = [line["id"] for line in store(content) if line["path"] == "major/2026-road.md"]
    assert len(ids) == 2 and (out / "dongtan/major/2026-road/v" / ids[0] / "index.html").is_file()
    pack = subprocess.run(["pdftotext", str(out / "dongtan/board/2026-11.pdf"), "-"], check=True, capture_output=True, text=True).stdout
    assert "村内主干道硬化工程" in pack and "路基完工" in pack and ids[1] in pack
    assert "村内主干道硬化工程" not in subprocess.run(
        ["pdftotext", str(out / "dongtan/board/2026-10.pdf"), "-"], check=True, capture_output=True, text=True).stdout
    edit(content, grown.replace("中标价55.2万元", "中标价56.2万元"), ROAD)
    [problem] = codes(run(content, out, as_of=LATER))["silent-change"]
    assert "progress 第1条" in problem.message and problem.line == (content / ROAD).read_text("utf-8").splitlines().index(
        "  - {date: 2026-06-01, text: 完成招标，中标价56.2万元。}") + 1


def damage(text: str, how: str) -> str:
    lines = text.splitlines(keepends=True)
    if how == "not json":
        lines[1] = lines[1][:40] + "\n"
    elif how == "wrong type":
        record = json.loads(lines[1])
        record["published"] = 20261120
        lines[1] = json.dumps(record, ensure_ascii=False) + "\n"
    elif how == "edited":
        lines[1] = lines[1].replace('"summary":"', '"summary":"（改）', 1)
    elif how == "removed":
        del lines[1]
    return "".join(lines)


@pytest.mark.parametrize("how, says", [("not json", "JSON"), ("wrong type", "类型"), ("edited", "校验值"), ("removed", "校验值")])
def test_a_damaged_store_is_a_located_error_never_a_reset(tmp_path, how, says):
    content, out = site(tmp_path), tmp_path / "out"
    assert run(content, out).ok
    path = content / STORE / "dongtan.jsonl"
    path.write_text(damage(path.read_text("utf-8"), how), encoding="utf-8")
    damaged, published = path.read_bytes(), tree_digest(out)
    result = run(content, out, as_of=LATER)
    [problem] = codes(result)["version-store"]
    assert (problem.path, problem.line) == (path.as_posix(), 2) and says in problem.message
    assert path.read_bytes() == damaged and tree_digest(out) == published
    assert "version-store" in [p.code for p in check_content(content, LATER)[1]]


def test_preview_and_check_never_write_the_store(tmp_path, capsys):
    content = site(tmp_path)
    assert run(content, tmp_path / "preview", record_urls=False).ok
    assert cli.main(["check", str(content), "--as-of", FIRST.isoformat()]) == 0
    assert not (content / STORE).exists()
    assert cli.main(["build", str(content), "-o", str(tmp_path / "out"), "--no-posters", "--as-of", FIRST.isoformat()]) == 0
    assert len(store(content)) == 3


def test_a_store_line_that_would_write_outside_its_page_is_refused(tmp_path):
    content, out = site(tmp_path), tmp_path / "out"
    assert run(content, out).ok
    path = content / STORE / "dongtan.jsonl"
    lines = path.read_text("utf-8").splitlines()
    record = json.loads(lines[-1])  # the last line: no later chain to recompute
    record["item"]["period" if "period" in record["item"] else "slug"] = "../../../escape"
    record["id"] = versions.version_id(records.loads(json.dumps({**record["item"], "source": {
        "@": "Source", "path": "x", "text": "", "node": None, "line_offset": 0}}).encode(), Disclosure))
    record["chain"] = versions._link(json.loads(lines[-2])["chain"], record)  # a forger can recompute the chain
    path.write_text("\n".join([*lines[:-1], json.dumps(record, ensure_ascii=False)]) + "\n", encoding="utf-8")
    [problem] = codes(run(content, out, as_of=LATER))["version-store"]
    assert problem.line == len(lines) and not (tmp_path / "escape").exists()

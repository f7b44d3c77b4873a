"""The points system (积分制, contract §14.2): the example's page, poster, CSV and village-home
section, and each error of a bad `points/<YYYY-Qn>.yaml`, located."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess

import pytest
import yaml
from conftest import EXAMPLE, write_tree
from helpers import decode_qr, rasterize_qr_svg, soup
from sample import files

from sitegen.build import build
from sitegen.cli import main
from sitegen.rules import check_content

Q3 = "dongtan/points/2026-Q3/"
SOURCE = EXAMPLE / "dongtan/points/2026-Q3.yaml"
PREVIOUS = EXAMPLE / "dongtan/points/2026-Q2.yaml"

# A small first quarter for the base fixture village (supervisors 刘秀英, 王建国); line numbers matter.
SMALL = """\
period: 2026-Q3
posted: 2026-10-10
summary: 本季度共评议4户。
review: {reviewers: [刘秀英], date: 2026-10-08}
rules:
  - {code: A1, text: 参加村内义务劳动, points: 5}
  - {code: C1, text: 乱堆乱放经劝阻不改, points: -10}
households:
  - household: 王某某
    group: 第一组
    points: 20
    changes:
      - {date: 2026-08-12, rule: A1, points: 5, reason: 参加清理沟渠}
  - household: 李某某
    group: 第一组
    points: 15
  - household: 张某某
    group: 第二组
    points: 15
    changes:
      - {date: 2026-09-01, rule: C1, points: -10, reason: 门前堆放柴草}
  - household: 赵某某
    group: 第二组
    points: 30
"""
# The next quarter of SMALL: 王某某 20 + 5 = 25, 李某某 15 (no change), 张某某 15 + 5 = 20.
NEXT = """\
period: 2026-Q4
posted: 2027-01-10
summary: 本季度共评议3户。
review: {reviewers: [刘秀英], date: 2027-01-08}
rules:
  - {code: A1, text: 参加村内义务劳动, points: 5}
households:
  - household: 王某某
    group: 第一组
    points: 25
    changes:
      - {date: 2026-11-12, rule: A1, points: 5, reason: 参加修路}
  - household: 李某某
    group: 第一组
    points: 15
  - household: 张某某
    group: 第二组
    points: 20
    changes:
      - {date: 2026-12-01, rule: A1, points: 5, reason: 参加修路}
"""


def _text(node) -> str:
    return re.sub(r"\s+", "", node.get_text())


def _raw(path):
    return yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)


def _competition_ranks(balances: list[int]) -> list[int]:
    """Ranks computed independently: one more than the number of higher balances."""
    return [1 + sum(other > b for other in balances) for b in balances]


# --- the example -----------------------------------------------------------------------------


def test_the_example_quarter_has_enough_households_and_chains_from_the_previous_one():
    now, before = _raw(SOURCE), _raw(PREVIOUS)
    assert len(now["households"]) >= 20
    previous = {(h["household"], h["group"]): int(h["points"]) for h in before["households"]}
    for h in now["households"]:
        change = sum(int(c["points"]) for c in h.get("changes", []))
        assert int(h["points"]) == previous[(h["household"], h["group"])] + change


def test_the_page_ranks_households_highest_first_with_shared_ranks(built):
    page = soup(built / Q3 / "index.html")
    rows = page.select("#ranking table tbody tr")
    data = _raw(SOURCE)["households"]
    assert len(rows) == len(data)
    shown = [(int(_text(r.select_one("td.rank"))), _text(r.find("th")), _text(r.select_one("td.points"))) for r in rows]
    balances = [int(points) for _, _, points in shown]
    assert balances == sorted(balances, reverse=True)
    assert [rank for rank, _, _ in shown] == _competition_ranks(balances)
    ranks = [rank for rank, _, _ in shown]
    assert len(set(ranks)) < len(ranks), "the example has a tie"
    tie = next(i for i in range(1, len(ranks)) if ranks[i] == ranks[i - 1])
    assert tie + 1 < len(ranks) and ranks[tie + 1] == tie + 2, "the rank after a tie skips"
    assert shown[0][0] == 1


def test_a_households_changes_are_under_its_anchor_with_dates_rules_and_reasons(built):
    page = soup(built / Q3 / "index.html")
    first = next(r for r in page.select("#ranking table tbody tr") if _text(r.select_one("td.rank")) == "1")
    anchor = first.find("a")["href"]
    household = page.select_one(anchor)
    data = _raw(SOURCE)["households"][int(anchor[2:]) - 1]
    assert _text(household.find("h4")).startswith(data["household"])
    assert household.find_previous("h3").get_text() == data["group"]
    items = household.select("ul.changes li")
    assert len(items) == len(data["changes"])
    for item, change in zip(items, data["changes"]):
        text = _text(item)
        assert change["reason"] in text and change["rule"] in text
        assert item.find("time")["datetime"] == change["date"]
        number = int(change["points"])
        assert text.startswith(f"+{number}" if number > 0 else f"−{-number}")
    before = int(data["points"]) - sum(int(c["points"]) for c in data["changes"])
    assert f"上季度结余{before}" in _text(household.select_one(".household-sum"))


def test_the_page_lists_the_rules_in_force_and_decodes_to_its_own_address(built, example_site):
    page = soup(built / Q3 / "index.html")
    rules = page.find("h2", id="rules-h").find_parent("section").select("tbody tr")
    expected = [(r["code"], r["text"], int(r["points"])) for r in _raw(SOURCE)["rules"]]
    assert [(_text(r.find_all("td")[0]), r.find_all("td")[1].get_text(), _text(r.find_all("td")[2])) for r in rules] == [
        (code, text, f"+{points}" if points > 0 else f"−{-points}") for code, text, points in expected
    ]
    svgs = [s for s in page.find_all("svg") if s.find("path")]
    assert decode_qr(rasterize_qr_svg(str(svgs[0]))) == [example_site.config.base_url + Q3]


def test_the_poster_is_one_a4_sheet_with_title_url_version_and_households(built, example_site):
    poster = built / Q3 / "poster.pdf"
    info = subprocess.run(["pdfinfo", str(poster)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info), "24 households and 10 rules fit one sheet"
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+", info), "A4"
    flat = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(poster), "-"], capture_output=True, text=True, check=True).stdout)
    dongtan = next(v for v in example_site.villages if v.slug == "dongtan")
    item = next(d for d in dongtan.disclosures if d.kind == "points" and d.period == "2026-Q3")
    assert "东滩村2026年第3季度积分公示" in flat
    assert example_site.config.base_url + Q3 in flat and f"版本{item.version}" in flat
    for household in _raw(SOURCE)["households"]:
        assert household["group"] in flat
    assert "胡某某" in flat and "积分细则" in flat and "露天焚烧秸秆、垃圾" in flat


def test_the_ranking_csv_and_its_data_package(built, example_site):
    raw = (built / Q3 / "ranking.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["名次", "户主", "组别", "积分", "本季变动"]
    data = _raw(SOURCE)["households"]
    by_key = {(h["household"], h["group"]): h for h in data}
    assert len(rows) == len(data) + 1
    balances = [int(r[3]) for r in rows[1:]]
    assert [int(r[0]) for r in rows[1:]] == _competition_ranks(balances) and balances == sorted(balances, reverse=True)
    for rank, household, group, points, change in rows[1:]:
        source = by_key[(household, group)]
        assert points == source["points"] and int(change) == sum(int(c["points"]) for c in source.get("changes", []))
    package = json.loads((built / Q3 / "datapackage.json").read_text("utf-8"))
    resource = package["resources"][0]
    assert resource["path"] == "ranking.csv" and resource["bytes"] == len(raw)
    assert [f["name"] for f in resource["schema"]["fields"]] == rows[0]
    assert [f["type"] for f in resource["schema"]["fields"]] == ["integer", "string", "string", "integer", "integer"]
    assert package["points"]["period"] == "2026-Q3" and len(package["points"]["rules"]) == len(_raw(SOURCE)["rules"])
    listed = json.loads((built / "dongtan/data.json").read_text("utf-8"))
    entry = next(i for i in listed["items"] if i["path"] == Q3)
    assert entry["kind"] == "points" and entry["csv"] == example_site.config.base_url + Q3 + "ranking.csv"
    page = soup(built / Q3 / "index.html")
    assert page.select_one('a[href="ranking.csv"]') and page.select_one('a[href="datapackage.json"]')


def test_the_village_home_shows_the_latest_quarters_top_households(built):
    home = soup(built / "dongtan/index.html")
    section = home.find("h2", id="kind-points-h").find_parent("section")
    assert "积分排行" in _text(section.find("h3")) and "2026年第3季度" in _text(section.find("h3"))
    rows = section.select("table tbody tr")
    data = _raw(SOURCE)["households"]
    balances = sorted((int(h["points"]) for h in data), reverse=True)
    shown = [int(_text(r.select_one("td.points"))) for r in rows]
    assert 5 <= len(rows) < len(data) and shown == balances[: len(rows)]
    assert all(int(_text(r.select_one("td.rank"))) <= 5 for r in rows)
    links = [a["href"] for a in section.find_all("a")]
    assert links[0] == "points/2026-Q3/#ranking" and "points/2026-Q2/" in links
    assert "points" in (built / "dongtan/feed.xml").read_text("utf-8")


# --- a small content folder ------------------------------------------------------------------


def _problems(tmp_path, tree: dict[str, str]):
    root = write_tree(tmp_path / "content", {**files(), **tree})
    _, problems = check_content(root)
    return [(p.path.split("content/", 1)[-1], p.line, p.col, p.code) for p in problems if p.severity == "error"], problems


def test_a_small_site_with_two_quarters_builds_and_ties_share_a_rank(tmp_path):
    root = write_tree(tmp_path / "content", {**files(), "dongtan/points/2026-Q3.yaml": SMALL, "dongtan/points/2026-Q4.yaml": NEXT})
    result = build(root, tmp_path / "out")
    assert result.ok, [str(p) for p in result.problems]
    page = soup(tmp_path / "out/dongtan/points/2026-Q3/index.html")
    rows = [(_text(r.select_one("td.rank")), _text(r.find("th"))) for r in page.select("#ranking tbody tr")]
    assert rows == [("1", "赵某某"), ("2", "王某某"), ("3", "李某某"), ("3", "张某某")]
    assert _text(page.select_one("#h3 ul.changes li")).startswith("−10")


def test_a_balance_that_does_not_chain_is_a_points_chain_error_at_the_points(tmp_path):
    shown, problems = _problems(tmp_path, {"dongtan/points/2026-Q3.yaml": SMALL, "dongtan/points/2026-Q4.yaml": NEXT.replace("points: 20\n", "points: 25\n")})
    assert shown == [("dongtan/points/2026-Q4.yaml", 18, 13, "points-chain")]
    message = next(p.message for p in problems if p.code == "points-chain")
    assert "25" in message and "15" in message and "+5" in message and "= 20" in message and "2026-Q3.yaml" in message


def test_without_a_previous_quarter_the_balance_is_not_checked(tmp_path):
    shown, _ = _problems(tmp_path, {"dongtan/points/2026-Q4.yaml": NEXT.replace("points: 20\n", "points: 99\n")})
    assert shown == []


def test_a_household_twice_in_one_group_is_a_points_chain_error_at_the_second(tmp_path):
    shown, _ = _problems(tmp_path, {"dongtan/points/2026-Q3.yaml": SMALL.replace("household: 李某某", "household: 王某某")})
    assert shown == [("dongtan/points/2026-Q3.yaml", 14, 16, "points-chain")]


def test_an_unknown_rule_code_is_a_points_rule_error_at_the_code(tmp_path):
    shown, problems = _problems(tmp_path, {"dongtan/points/2026-Q3.yaml": SMALL.replace("rule: A1, points: 5", "rule: A2, points: 5")})
    assert shown == [("dongtan/points/2026-Q3.yaml", 13, 34, "points-rule")]
    assert "A2" in problems[0].message and "A1、C1" in problems[0].message


def test_a_duplicate_rule_code_is_a_points_rule_error_at_the_second(tmp_path):
    shown, _ = _problems(tmp_path, {"dongtan/points/2026-Q3.yaml": SMALL.replace("{code: C1, text: 乱堆乱放", "{code: A1, text: 乱堆乱放")})
    assert shown == [("dongtan/points/2026-Q3.yaml", 7, 12, "points-rule"), ("dongtan/points/2026-Q3.yaml", 21, 34, "points-rule")], "C1 is gone too"


def test_a_change_worth_other_than_its_rule_is_a_points_rule_error_at_its_points(tmp_path):
    text = SMALL.replace("rule: A1, points: 5", "rule: A1, points: 8").replace("points: 20\n", "points: 23\n")
    shown, _ = _problems(tmp_path, {"dongtan/points/2026-Q3.yaml": text})
    assert shown == [("dongtan/points/2026-Q3.yaml", 13, 46, "points-rule")]


def test_a_change_outside_the_quarter_is_a_period_mismatch_at_its_date(tmp_path):
    shown, _ = _problems(tmp_path, {"dongtan/points/2026-Q3.yaml": SMALL.replace("date: 2026-09-01", "date: 2026-10-01")})
    assert shown == [("dongtan/points/2026-Q3.yaml", 21, 16, "period-mismatch")]


def test_a_period_that_is_not_the_file_name_is_a_period_mismatch(tmp_path):
    shown, _ = _problems(tmp_path, {"dongtan/points/2026-Q2.yaml": SMALL})
    assert shown == [("dongtan/points/2026-Q2.yaml", 1, 9, "period-mismatch")]


@pytest.mark.parametrize(
    "written, code",
    [("1.5", "amount-format"), ('"5"', "amount-format"), ("0x10", "amount-format"), ("1_000", "amount-format"),
     ("1e3", "amount-format"), ("０５", "amount-format"), ("1234567890123", "amount-format"), ("五分", "schema"), ("true", "schema")],
)
def test_points_are_plain_whole_numbers(tmp_path, written, code):
    shown, problems = _problems(tmp_path, {"dongtan/points/2026-Q3.yaml": SMALL.replace("    points: 15\n  - household: 张某某", f"    points: {written}\n  - household: 张某某")})
    assert shown == [("dongtan/points/2026-Q3.yaml", 16, 13, code)]
    assert "integer" not in problems[0].message and "积分" in problems[0].message


def test_a_stray_file_in_points_is_an_unknown_file(tmp_path):
    shown, _ = _problems(tmp_path, {"dongtan/points/2026-Q3 副本.yaml": SMALL})
    assert [(path, code) for path, _, _, code in shown] == [("dongtan/points/2026-Q3 副本.yaml", "unknown-file")]


def test_an_id_number_in_a_reason_is_refused_like_anywhere_else(tmp_path):
    shown, _ = _problems(tmp_path, {"dongtan/points/2026-Q3.yaml": SMALL.replace("参加清理沟渠", "参加清理沟渠 371603196503120025")})
    assert ("dongtan/points/2026-Q3.yaml", 13, 64, "privacy-id") in shown


def test_new_points_carries_the_previous_quarter_and_passes_check_once_filled(tmp_path, monkeypatch, capsys):
    root = write_tree(tmp_path / "content", {**files(), "dongtan/points/2026-Q3.yaml": SMALL})
    monkeypatch.chdir(tmp_path)
    assert main(["new", "points", "dongtan", "2026-Q4"]) == 0
    path = root / "dongtan/points/2026-Q4.yaml"
    text = path.read_text("utf-8")
    loaded = yaml.safe_load(text)
    assert [(h["household"], h["group"], h["points"], h["changes"]) for h in loaded["households"]] == [
        ("王某某", "第一组", 20, []), ("李某某", "第一组", 15, []), ("张某某", "第二组", 15, []), ("赵某某", "第二组", 30, []),
    ]
    assert loaded["rules"] == [{"code": "A1", "text": "参加村内义务劳动", "points": 5}, {"code": "C1", "text": "乱堆乱放经劝阻不改", "points": -10}]
    _, problems = check_content(root)
    assert {p.code for p in problems if p.path.endswith("2026-Q4.yaml")} == {"schema"}, "summary and review are left to fill"
    filled = text.replace("summary:                  # 待填写", "summary: 本季度共评议4户。  #").replace(
        "reviewers: []           # 待填写", "reviewers: [刘秀英]  #").replace("  date:                   # 待填写", "  date: 2027-01-08  #")
    path.write_text(filled.replace("    points: 20\n    changes: []", "    points: 25\n    changes:\n      - {date: 2026-11-02, rule: A1, points: 5, reason: 参加修路}"), "utf-8")
    _, problems = check_content(root)
    assert [str(p) for p in problems if p.severity == "error"] == []
    capsys.readouterr()
    assert main(["new", "points", "dongtan", "2026-Q4"]) == 1, "never overwrites"


def test_new_points_without_a_previous_quarter_writes_an_example_to_replace(tmp_path, monkeypatch):
    write_tree(tmp_path / "content", files())
    monkeypatch.chdir(tmp_path)
    assert main(["new", "points", "dongtan", "2026-Q1"]) == 0
    loaded = yaml.safe_load((tmp_path / "content/dongtan/points/2026-Q1.yaml").read_text("utf-8"))
    assert loaded["period"] == "2026-Q1" and loaded["posted"].isoformat() == "2026-04-10"
    assert len(loaded["rules"]) == 1 and len(loaded["households"]) == 1


def _many(count: int) -> str:
    """A first quarter of `count` households with distinct balances (rank i has 1000 - i)."""
    rows = "".join(f"  - {{household: 户{i:03d}, group: 第一组, points: {1000 - i}}}\n" for i in range(1, count + 1))
    return SMALL.split("households:\n")[0] + "households:\n" + rows


def test_a_long_ranking_prints_a_sheet_at_a_time_each_down_its_left_half_then_its_right(tmp_path):
    """60 households: the first sheet has 1-26 beside 27-52, the next 53-56 beside 57-60, so no
    sheet ever shows ranks that continue on another sheet's other half."""
    root = write_tree(tmp_path / "content", {**files(), "dongtan/points/2026-Q3.yaml": _many(60)})
    result = build(root, tmp_path / "out")
    assert result.ok, [str(p) for p in result.problems]
    poster = tmp_path / "out/dongtan/points/2026-Q3/poster.pdf"

    def page(number: int) -> list[int]:
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-layout", "-enc", "UTF-8", str(poster), "-"],
                              capture_output=True, text=True, check=True).stdout
        return [int(n) for n in re.findall(r"户(\d{3})", text)]

    first, second = page(1), page(2)
    assert sorted(first) == list(range(1, 53)) and sorted(second) == list(range(53, 61))
    assert first[:2] == [1, 27] and second[:2] == [53, 57], "each printed line: a left-half household, then its right-half one"


@pytest.mark.parametrize(
    "broken",
    [SMALL.split("households:")[0] + "households: 王某某\n",
     SMALL.replace("rules:\n  - {code: A1, text: 参加村内义务劳动, points: 5}\n  - {code: C1, text: 乱堆乱放经劝阻不改, points: -10}\n", "")],
    ids=["households-not-a-list", "rules-missing"],
)
def test_an_unreadable_list_is_one_schema_error_and_the_other_rules_still_run(tmp_path, broken):
    shown, _ = _problems(tmp_path, {"dongtan/points/2026-Q3.yaml": broken, "dongtan/points/2026-Q4.yaml": NEXT})
    assert [code for *_, code in shown] == ["schema"]

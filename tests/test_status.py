"""The clock (contract §13): states, due dates, overdue warnings, the inspection page and its data,
the village home's lines and `sitegen status`. Every test passes its as-of date explicitly."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import write_tree
from sample import files

from sitegen import status
from sitegen.build import build
from sitegen.cli import main
from sitegen.loader import load_site
from sitegen.rules import check_content
from sitegen.status_report import load_statuses, report, sample

D = dt.date.fromisoformat
KEEP = ("dibao", "cadre-pay", "village-rules")  # one quarterly, one yearly, one standing item
PROFILE = "items:\n" + "".join(
    f"  - {{code: {code}, remove: true}}\n"
    for code in ("party-affairs", "annual-plan", "tekun", "disability", "subsidy", "homestead", "charter", "power-list", "service-guide")
)
VILLAGE = files()["dongtan/village.yaml"].replace("since: 2026-11", "since: 2026-10")


def statement(period: str, posted: str) -> str:
    return (
        f"period: {period}\nposted: {posted}\nsummary: 本月无收支。\n"
        f"review: {{reviewers: [刘秀英], date: {posted}}}\nopening_balance: 100.00\nclosing_balance: 100.00\n"
    )


def standing(posted: str, until: str | None = None) -> str:
    until_line = f"posted_until: {until}\n" if until else ""
    return (
        f"---\ntitle: 东滩村村规民约\nitem: village-rules\nposted: {posted}\n{until_line}summary: 村规民约全文。\n"
        f"review: {{reviewers: [刘秀英], date: {posted}}}\n---\n本村村规民约。\n"
    )


def yearly(quarter: str, posted: str) -> str:
    return (
        f"---\ntitle: 村干部报酬公开\nperiod: {quarter}\nitem: cadre-pay\nposted: {posted}\nsummary: 村干部报酬。\n"
        f"review: {{reviewers: [刘秀英], date: {posted}}}\n---\n报酬标准。\n"
    )


def tree(root: Path, village: str = VILLAGE, **extra: str) -> Path:
    """The base site with a small catalogue (finance, dibao, cadre-pay, village-rules); `extra`
    adds files by path (dots in keyword names stand for slashes)."""
    content = {**files(), "profile.yaml": PROFILE, "dongtan/village.yaml": village}
    content.update({k.replace("__", "/"): v for k, v in extra.items()})
    return write_tree(root / "content", content)


def clock(root: Path, as_of: str) -> status.VillageStatus:
    site, problems = load_site(root, D(as_of))
    assert site is not None, problems
    return status.village_status(site, site.villages[0])


def state(result: status.VillageStatus, code: str, period: str) -> str:
    cell = result.cell(code, period)
    assert cell is not None, (code, period, result.cells)
    return cell.state


def codes(problems, code: str) -> list[str]:
    return [str(p) for p in problems if p.code == code]


# --- states and due dates ------------------------------------------------------------------


def test_the_due_date_is_on_time_and_the_next_day_late(tmp_path):
    on_time = tree(tmp_path / "a", **{"dongtan/finance/2026-10.yaml": statement("2026-10", "2026-11-15")})
    late = tree(tmp_path / "b", **{"dongtan/finance/2026-10.yaml": statement("2026-10", "2026-11-16")})
    assert state(clock(on_time, "2026-12-01"), "finance", "2026-10") == status.ON_TIME
    cell = clock(late, "2026-12-01").cell("finance", "2026-10")
    assert (cell.state, cell.due, cell.posted) == (status.LATE, D("2026-11-15"), D("2026-11-16"))


def test_missing_is_not_due_through_the_due_date_and_overdue_the_day_after(tmp_path):
    root = tree(tmp_path)  # no November statement
    assert state(clock(root, "2026-12-15"), "finance", "2026-11") == status.NOT_DUE
    assert state(clock(root, "2026-12-16"), "finance", "2026-11") == status.OVERDUE
    _, problems = check_content(root, D("2026-12-16"))
    since_line = VILLAGE.splitlines().index("since: 2026-10                 # the clock (§13) asks for disclosures from this month on") + 1
    found = [p for p in problems if p.code == "overdue" and "财务" in p.message]
    assert [(p.path.rsplit("content/", 1)[1], p.line, p.col, p.severity.value) for p in found] == [("dongtan/village.yaml", since_line, 8, "warning")]
    assert found[0].message == "2026年11月财务收支公开 已逾期（应于12月15日前公开）"
    _, earlier = check_content(root, D("2026-12-15"))
    assert not [p for p in earlier if p.code == "overdue" and "财务" in p.message]


def test_a_profile_with_other_deadlines(tmp_path):
    profile = PROFILE + "deadlines: {monthly: 10, quarterly: 5, yearly: 03-31}\n"
    root = tree(tmp_path, **{"profile.yaml": profile, "dongtan/finance/2026-10.yaml": statement("2026-10", "2026-11-11")})
    result = clock(root, "2027-01-10")
    assert result.cell("finance", "2026-10").due == D("2026-11-10")
    assert state(result, "finance", "2026-10") == status.LATE
    assert result.cell("dibao", "2026-Q4").due == D("2027-01-05")
    assert result.cell("cadre-pay", "2026").due == D("2027-03-31")
    bad = tree(tmp_path / "bad", **{"profile.yaml": PROFILE + "deadlines: {yearly: 02-30}\n"})
    _, problems = check_content(bad, D("2026-12-01"))
    assert [p.line for p in problems if p.code == "schema" and "profile.yaml" in p.path] == [PROFILE.count("\n") + 1]


def test_not_applicable_is_shown_with_its_reason_and_never_overdue(tmp_path):
    village = VILLAGE + "not_applicable:\n  dibao: 本村无低保对象\n"
    root = tree(tmp_path, village=village)
    result = clock(root, "2027-03-01")
    cell = result.cell("dibao", "2026-Q4")
    assert (cell.state, cell.reason) == (status.NOT_APPLICABLE, "本村无低保对象")
    _, problems = check_content(root, D("2027-03-01"))
    assert not [p for p in problems if p.code == "overdue" and "低保" in p.message]


def test_an_unknown_not_applicable_code_is_a_located_error(tmp_path):
    village = VILLAGE + "not_applicable:\n  diabo: 本村无低保对象\n  finance: 没有收支\n"
    root = tree(tmp_path, village=village)
    _, problems = check_content(root, D("2026-11-01"))
    lines = VILLAGE.count("\n")
    assert [(p.line, p.col) for p in problems if p.code == "unknown-item"] == [(lines + 2, 3), (lines + 3, 3)]


def test_since_starts_the_periods_and_defaults_to_the_earliest_disclosure(tmp_path):
    root = tree(tmp_path)
    result = clock(root, "2026-12-02")
    assert [c.period for c in result.of("finance")] == ["2026-10", "2026-11", "2026-12"]
    assert [c.period for c in result.of("dibao")] == ["2026-Q4"]
    plain = VILLAGE.replace("since: 2026-10                 # the clock (§13) asks for disclosures from this month on\n", "")
    default = clock(tree(tmp_path / "d", village=plain), "2026-12-02")
    assert default.since == "2026-07"  # the dibao list of 2026-Q3 is the earliest
    assert state(default, "dibao", "2026-Q3") == status.ON_TIME
    assert state(default, "finance", "2026-07") == status.OVERDUE


def test_a_finance_gap_is_an_error_at_the_later_month(tmp_path):
    root = tree(tmp_path, **{"dongtan/finance/2026-12.yaml": statement("2026-12", "2027-01-05")})
    _, problems = check_content(root, D("2027-01-10"))
    gaps = [p for p in problems if p.code == "finance-gap"]
    assert [(p.path.rsplit("content/", 1)[1], p.line, p.severity.value) for p in gaps] == [("dongtan/finance/2026-12.yaml", 1, "error")]
    assert "2026-11" in gaps[0].message


def test_quarterly_and_yearly_items(tmp_path):
    root = tree(tmp_path, **{"dongtan/affairs/2026-Q4/cadre-pay.md": yearly("2026-Q4", "2026-12-01")})
    result = clock(root, "2027-02-01")
    assert state(result, "cadre-pay", "2026") == status.ON_TIME
    assert state(result, "cadre-pay", "2027") == status.NOT_DUE
    assert result.cell("cadre-pay", "2027").due == D("2028-01-31")
    assert state(result, "dibao", "2026-Q4") == status.OVERDUE  # due 2027-01-20
    assert state(result, "dibao", "2027-Q1") == status.NOT_DUE


def test_a_standing_item_needs_a_current_version(tmp_path):
    current = tree(tmp_path / "a", **{"dongtan/standing/village-rules.md": standing("2026-11-01")})
    expired = tree(tmp_path / "b", **{"dongtan/standing/village-rules.md": standing("2026-11-01", "2026-11-30")})
    assert state(clock(current, "2026-12-20"), "village-rules", "standing") == status.ON_TIME
    assert state(clock(expired, "2026-11-20"), "village-rules", "standing") == status.ON_TIME
    assert state(clock(expired, "2026-12-20"), "village-rules", "standing") == status.OVERDUE
    assert clock(tree(tmp_path / "c"), "2026-11-15").cell("village-rules", "standing").state == status.NOT_DUE


# --- the inspection page, its data, the village home -------------------------------------


class _Cells(HTMLParser):
    """The summary table's numbers by (village row id, data-key)."""

    def __init__(self) -> None:
        super().__init__()
        self.row, self.key, self.found = None, None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and (attrs.get("id") or "").startswith("sum-"):
            self.row = attrs["id"][4:]
        if tag == "td" and self.row and "data-key" in attrs:
            self.key = attrs["data-key"]

    def handle_data(self, data):
        if self.key:
            self.found[(self.row, self.key)] = data.strip()
            self.key = None


@pytest.fixture
def built_site(tmp_path):
    root = tree(tmp_path, **{"dongtan/standing/village-rules.md": standing("2026-11-01")})
    out = tmp_path / "out"
    result = build(root, out, posters=False, record_urls=False, as_of=D("2027-01-25"))
    assert result.ok, result.problems
    return root, out


def test_the_status_page_counts_equal_status_json(built_site):
    _, out = built_site
    data = json.loads((out / "status/status.json").read_text("utf-8"))
    assert data["as_of"] == "2027-01-25"
    summary = data["villages"][0]
    parser = _Cells()
    page = (out / "status/index.html").read_text("utf-8")
    parser.feed(page)
    shown = {key: value for (row, key), value in parser.found.items() if row == "dongtan"}
    assert shown["overdue"] == str(summary["overdue"]) == "3"  # finance 2026-11, 2026-12; dibao 2026-Q4
    assert shown["late"] == str(summary["late"])
    assert shown["on_time_share"] == f"{summary['on_time_share']}%"
    assert shown["unanswered_questions"] == str(summary["unanswered_questions"])
    assert "<script" not in page and 'name="robots"' not in page
    for word in ("按时公开", "已逾期", "未到期"):
        assert word in page
    index = (out / "index.html").read_text("utf-8")
    assert 'href="status/"' in index


def test_the_csv_and_data_package_describe_the_same_records(built_site):
    _, out = built_site
    raw = (out / "status/status.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    records = json.loads((out / "status/status.json").read_text("utf-8"))["records"]
    assert rows == records
    assert {"village": "dongtan", "item": "finance", "period": "2026-11", "state": "overdue", "due": "2026-12-15", "posted": ""}.items() <= rows[1].items()
    package = json.loads((out / "status/datapackage.json").read_text("utf-8"))
    resource = package["resources"][0]
    assert resource["path"] == "status.csv" and resource["bytes"] == len(raw)
    assert resource["hash"] == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert [f["name"] for f in resource["schema"]["fields"]] == list(rows[0])


def test_the_village_home_says_what_is_overdue_and_when_next_due(built_site):
    _, out = built_site
    text = re.sub(r"<[^>]+>", "", (out / "dongtan/index.html").read_text("utf-8"))
    text = re.sub(r"\s+", " ", text)
    assert "2026年11月财务收支公开 已逾期（应于2026年12月15日前公开）" in text
    assert "下次公开：2月15日前" in text  # January's statement
    assert "下次公开：4月20日前" in text  # the 2027-Q1 dibao list
    assert "最近公开：2026年10月，2026年11月5日" in text  # the finance statement
    assert "最近公开：2026年第三季度，2026年10月8日" in text  # the dibao list, before `since`


# --- the command line, reproducibility, --fail-on-overdue -----------------------------------


def test_sitegen_status_prints_the_page_counts_and_a_reproducible_sample(built_site, capsys):
    root, out = built_site
    assert main(["status", str(root), "--as-of", "2027-01-25", "--sample", "1"]) == 0
    printed = capsys.readouterr().out
    summary = json.loads((out / "status/status.json").read_text("utf-8"))["villages"][0]
    assert f"东滩村（dongtan）：按时公开率 {summary['on_time_share']}%，逾期未公开 {summary['overdue']}，" in printed
    assert "  逾期  2026年12月财务收支公开 已逾期（应于1月15日前公开）" in printed
    assert "2027年1月：东滩村（无照片）" in printed
    main(["status", str(root), "--as-of", "2027-01-25", "--sample", "1"])
    assert capsys.readouterr().out == printed
    slugs = [f"v{n}" for n in range(20)]
    drawn = sample("测试镇", "2026-11", slugs, 3)
    assert drawn == sample("测试镇", "2026-11", slugs, 3) and len(drawn) == 3
    assert drawn != sample("测试镇", "2026-12", slugs, 3) or drawn != sample("别的镇", "2026-11", slugs, 3)


@pytest.mark.parametrize("jobs", [1, 2])
def test_sitegen_status_loads_one_village_at_a_time_and_agrees_with_the_whole_site(tmp_path, jobs):
    """The report reads villages one by one (in workers with jobs > 1): the rows, their order
    and the problems are those of the whole site loaded at once, a broken file and a village
    whose village.yaml is unusable included."""
    import shutil

    root = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parents[1] / "content", root)
    (root / "beihe/village.yaml").write_text("name: [北河\n", "utf-8")  # unusable: the village is left out
    statement = sorted((root / "dongtan/finance").glob("*.yaml"))[-1]
    statement.write_text(statement.read_text("utf-8").replace("period:", "period: [", 1), "utf-8")
    as_of = D("2026-12-20")
    site, problems = load_site(root, as_of)
    rows_site, rows, found = load_statuses(root, as_of, jobs)
    assert [r.slug for r in rows] == [v.slug for v in site.villages] and "beihe" not in [r.slug for r in rows]
    assert rows == [status.village_status(site, village) for village in site.villages]
    assert found == problems and any(p.path.endswith(statement.name) for p in found)
    assert report(rows_site, rows, 2).splitlines()[1:] and "北河" not in report(rows_site, rows, 2)


def test_the_same_as_of_is_byte_identical_and_another_changes_only_status_parts(tmp_path):
    root = tree(tmp_path, **{"dongtan/standing/village-rules.md": standing("2026-11-01")})

    def output(name: str, as_of: str) -> dict[str, bytes]:
        out = tmp_path / name
        assert build(root, out, posters=False, record_urls=False, as_of=D(as_of), cache_dir=tmp_path / f"cache-{name}").ok
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    first, again, later = output("a", "2026-12-20"), output("b", "2026-12-20"), output("c", "2027-01-25")
    assert first == again
    changed = {path for path in first if first[path] != later.get(path)}
    assert changed == {"dongtan/index.html", "status/index.html", "status/status.json", "status/status.csv", "status/datapackage.json"}


def test_fail_on_overdue_makes_check_and_build_fail(tmp_path, capsys):
    root = tree(tmp_path)
    assert main(["check", str(root), "--as-of", "2027-01-25"]) == 0
    assert main(["check", str(root), "--as-of", "2027-01-25", "--fail-on-overdue"]) == 1
    assert "error[overdue]" in capsys.readouterr().err
    out = tmp_path / "out"
    result = build(root, out, posters=False, record_urls=False, as_of=D("2027-01-25"), fail_on_overdue=True)
    assert not result.ok and not out.exists()
    assert build(root, out, posters=False, record_urls=False, as_of=D("2026-11-14"), fail_on_overdue=True).ok


def test_no_overdue_warning_for_a_village_whose_files_have_errors(tmp_path):
    """A file with an error is left out of the model; it must not also be reported overdue."""
    broken = files()["dongtan/finance/2026-10.yaml"].replace("opening_balance: 100.10", "opening_balance: 一百")
    root = tree(tmp_path, **{"dongtan/finance/2026-10.yaml": broken})
    _, problems = check_content(root, D("2026-12-01"))
    assert codes(problems, "amount-format") and not codes(problems, "overdue")
    fixed = tree(tmp_path / "fixed", **{"dongtan/finance/2026-10.yaml": statement("2026-10", "2026-11-05")})
    _, problems = check_content(fixed, D("2027-01-01"))
    assert codes(problems, "overdue")


def test_a_clerks_reason_that_excel_would_run_is_inert_in_status_csv(tmp_path):
    """A not_applicable reason is the clerk's text: in the CSV the public opens with a double-click
    it must not start a formula; status.json keeps it as written."""
    village = VILLAGE + "not_applicable:\n  dibao: \"=HYPERLINK(\\\"http://x.example\\\",\\\"低保\\\")\"\n"
    root = tree(tmp_path, village=village)
    out = tmp_path / "out"
    assert build(root, out, posters=False, record_urls=False, as_of=D("2027-01-25")).ok
    rows = list(csv.DictReader(io.StringIO((out / "status/status.csv").read_text("utf-8-sig"))))
    reasons = {row["reason"] for row in rows if row["item"] == "dibao"}
    assert reasons == {"'=HYPERLINK(\"http://x.example\",\"低保\")"}
    records = json.loads((out / "status/status.json").read_text("utf-8"))["records"]
    assert {r["reason"] for r in records if r["item"] == "dibao"} == {"=HYPERLINK(\"http://x.example\",\"低保\")"}

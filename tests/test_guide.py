"""Every message the clerk guide shows is what the real program prints today.

Each sample block in docs/clerk-guide.md is marked `<!-- sitegen-check: NAME -->`; the scenario
of the same name below builds the broken content that the sample describes (from a copy of the
example `content/`), runs the real CLI and the block must equal the printed lines exactly.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT
from sitegen import clock
from sitegen.cli import main
from sitegen.profile import baseline
from sitegen.versions import STORE

GUIDE = ROOT / "docs" / "clerk-guide.md"
MARK = re.compile(r"<!-- sitegen-check: ([\w-]+) -->\n+```[^\n]*\n(.*?)\n```", re.S)
FILE = re.compile(r"<!-- sitegen-file: ([\w/.-]+) -->\n+```[^\n]*\n(.*?)\n```", re.S)
PROBLEM = re.compile(r"^\S+:\d+:\d+: (error|warning)\[[\w-]+\]: |^检查通过|^sitegen: |^已新建 |^已导入 ")

Edit = Callable[[Path], None]


def samples() -> dict[str, list[str]]:
    """The marked sample blocks of the guide, by name."""
    found: dict[str, list[str]] = {}
    for name, body in MARK.findall(GUIDE.read_text("utf-8")):
        assert name not in found, f"two blocks are marked {name}"
        found[name] = body.splitlines()
    return found


def replace(relative: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / relative
        text = path.read_text("utf-8")
        assert old in text, f"{old!r} not in {relative}: the scenario is stale"
        path.write_text(text.replace(old, new, 1), "utf-8")
    return edit


def write(relative: str, text: str | bytes) -> Edit:
    def edit(root: Path) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return edit


def copy(source: str, target: str) -> Edit:
    return lambda root: shutil.copyfile(root / source, root / target)


def delete(relative: str) -> Edit:
    return lambda root: (root / relative).unlink()


NOV = "dongtan/finance/2026-11.yaml"


def templates() -> dict[str, str]:
    """The guide's copyable files, marked `<!-- sitegen-file: PATH -->`, by path under content/."""
    return {path: body + "\n" for path, body in FILE.findall(GUIDE.read_text("utf-8"))}


NOVEMBER = templates()[NOV]  # the filled-in month of section 1: scenarios break it one way each
JOURNAL = """\
日期,凭证号,摘要,科目,收入,支出
2026-11-03,记-01,收机动地承包费,经营收入,"36,000.00",
2026-11-08,记-02,支付保洁员工资,公益支出,,3300.00
2026-11-20,记-03,购买办公用品,管理费用,,460.50
2026-11-25,记-04,收光伏发电收益,投资收益,5472.18,
合计,,,,41472.18,3760.50
"""
ROAD = "dongtan/major/2026-road.md"
CANAL = "xiwang/major/2026-canal.md"
DIBAO = "dongtan/affairs/2026-Q3/dibao.md"
AS_OF = "2026-12-08"  # the example's date: every check passes it, so no sample depends on the calendar (§13)
CHECK = ("check", "content", "--as-of", AS_OF)

# name -> (edits applied to a copy of content/, command line)
SCENARIOS: dict[str, tuple[tuple[Edit, ...], tuple[str, ...]]] = {
    "passed": ((), CHECK),
    "copied-month": ((copy("dongtan/finance/2026-10.yaml", NOV),), CHECK),
    "forgot-balance": ((write(NOV, NOVEMBER.replace("opening_balance: 347302.11", "opening_balance: 285791.13")
                               .replace("date: 2026-11-10", "date: 2026-10-08")),), CHECK),
    "balance": ((write(NOV, NOVEMBER.replace("closing_balance: 373674.29", "closing_balance: 373764.29")),), CHECK),
    "url-removed": ((replace("site.yaml", "  dongtan/major/road/: dongtan/major/2026-road/\n", ""),), CHECK),
    "redirect-path": ((replace("site.yaml", "  dongtan/major/road/: dongtan/major/2026-road/", "  /dongtan/major/road/: dongtan/major/2026-road"),), CHECK),
    "redirect-target": ((replace("site.yaml", "dongtan/major/2026-road/", "dongtan/major/2026road/"),), CHECK),
    "withdrawn-still-there": ((replace("site.yaml", "withdrawn:                       # 撤回的公开内容：原地址显示撤回日期和原因\n",
                                        "withdrawn:                       # 撤回的公开内容：原地址显示撤回日期和原因\n"
                                        "  dongtan/affairs/2026-Q3/subsidy/:\n    date: 2026-11-20\n    reason: 名单有误，已撤回，核实后重新公开\n"),), CHECK),
    "misspelt-key": ((write(NOV, NOVEMBER.replace("summary:", "sumary:")),), CHECK),
    "tab-indent": ((write(NOV, NOVEMBER.replace("    voucher: 记-02", "\tvoucher: 记-02")),), CHECK),
    "gbk": ((write(NOV, NOVEMBER.encode("gb18030")),), CHECK),
    "thousands": ((write(NOV, NOVEMBER.replace("amount: 5472.18", "amount: 5,472.18")),), CHECK),
    "category": ((write(NOV, NOVEMBER.replace("category: 补助收入", "category: 补贴收入")),), CHECK),
    "voucher": ((write(NOV, NOVEMBER.replace("voucher: 记-05", "voucher: 记-04")),), CHECK),
    "review-late": ((write(NOV, NOVEMBER.replace("date: 2026-12-05", "date: 2026-12-08")),), CHECK),
    "posting-late": ((write(NOV, NOVEMBER.replace("posted: 2026-12-07", "posted: 2026-12-20")),), CHECK),
    "unreviewed": ((write(NOV, NOVEMBER.replace("review:\n  reviewers: [刘秀英, 王建国, 赵敏]\n  date: 2026-12-05\n  opinion: 经审核，收支真实，凭证齐全，同意公开。\n", "")),), CHECK),
    "posting-period": ((replace("dongtan/affairs/2026-Q3/dibao.md", "posted_until: 2026-10-16", "posted_until: 2026-10-10"),), CHECK),
    "quorum": ((replace("dongtan/major/2026-road.md", "members: 35, present: 31, for: 29", "members: 35, present: 22, for: 20"),), CHECK),
    "stray-file": ((copy("dongtan/finance/2026-10.yaml", "dongtan/finance/2026-10 (1).yaml"),), CHECK),
    "privacy": ((replace("dongtan/affairs/2026-Q3/subsidy.md", "[刘德海, 第一组, 8.60, 1087.90]", "[刘德海 371603196503120025, 第一组, 8.60, 1087.90]"),
                 replace("dongtan/affairs/2026-Q3/subsidy.md", "[张建军, 第一组, 6.40, 809.60]", "[张建军, 13853412345, 6222021234567890128, 809.60]")), CHECK),
    "attachments": ((replace("dongtan/affairs/2026-Q3/dibao.md", "表中月保障金", "![公开栏照片](../../files/board.png)\n\n表中月保障金"),
                     write("dongtan/files/dibao-list.xlsx", b"PK\x03\x04")), CHECK),
    "reviewer": ((replace("dongtan/major/2026-road.md", "reviewers: [刘秀英, 王建国, 赵敏]", "reviewers: [刘秀英, 张三, 赵敏]"),), CHECK),
    "new-finance": ((), ("new", "finance", "dongtan", "2026-11")),
    "new-refused": ((write(NOV, NOVEMBER),), ("new", "finance", "dongtan", "2026-11")),
    "new-unknown-item": ((), ("new", "affairs", "dongtan", "2026-Q4", "diba")),
    "import": ((write("../东滩村11月.csv", JOURNAL),), ("import", "finance", "dongtan", "东滩村11月.csv")),
    "import-bad": ((write("../bad.csv", JOURNAL.replace("公益支出", "招待费").replace("460.50", "四百六")),),
                   ("import", "finance", "dongtan", "bad.csv")),
    "import-reviewed": ((write("../东滩村10月.csv", JOURNAL.replace("2026-11", "2026-10")),), ("import", "finance", "dongtan", "东滩村10月.csv")),
    "majority": ((replace(ROAD, "present: 31, for: 29, against: 1, abstain: 1", "present: 31, for: 15, against: 10, abstain: 6"),), CHECK),
    "votes-too-many": ((replace(ROAD, "present: 31, for: 29, against: 1, abstain: 1", "present: 31, for: 29, against: 2, abstain: 1"),), CHECK),
    "village-meeting-members": ((replace(CANAL, "meeting: 村民会议, adults: 968", "meeting: 村民会议, members: 968"),), CHECK),
    "vote-skipped": ((replace(ROAD, "  - {step: party-review, date: 2026-03-10, members: 45, present: 41, for: 39, against: 1, abstain: 1}\n", ""),), CHECK),
    "steps-reversed": ((replace(ROAD, "  - {step: proposal, date: 2026-03-02}\n  - {step: deliberation, date: 2026-03-05}",
                                "  - {step: deliberation, date: 2026-03-02}\n  - {step: proposal, date: 2026-03-05}"),), CHECK),
    "affairs-unknown-item": ((replace(DIBAO, "item: dibao", "item: diabo"),), CHECK),
    "affairs-no-until": ((replace(DIBAO, "posted_until: 2026-10-16\n", ""),), CHECK),
    "affairs-short-row": ((replace(DIBAO, "[张桂芝, 第一组, 2, 980.00]", "[张桂芝, 2, 980.00]"),), CHECK),
    "affairs-wrong-quarter": ((replace(DIBAO, "period: 2026-Q3", "period: 2026-Q4"),), CHECK),
    "question-date": ((replace("dongtan/finance/2026-10.yaml", "answered: 2026-11-12", "answered: 2026-11-02"),), CHECK),
    "reply-overdue": ((), ("check", "content", "--as-of", "2026-12-09")),  # the pond question, asked 2026-11-28
}
POINTS = "dongtan/points/2026-Q3.yaml"
SCENARIOS["points-chain"] = ((replace(POINTS, "group: 第一组\n    points: 102", "group: 第一组\n    points: 105"),), CHECK)
SCENARIOS["points-rule"] = ((replace(POINTS, "rule: A3, points: 3, reason: 垃圾分类月度评比合格", "rule: A6, points: 3, reason: 垃圾分类月度评比合格"),), CHECK)
SCENARIOS["points-decimal"] = ((replace(POINTS, "{code: A1, text: 参加村内义务劳动（清理沟渠、修补道路等）, points: 5}",
                                        "{code: A1, text: 参加村内义务劳动（清理沟渠、修补道路等）, points: 2.5}"),), CHECK)
SCENARIOS["silent-change"] = ((replace("dongtan/finance/2026-10.yaml", "    amount: 470.00\n", "    amount: 480.00\n"),
                                replace("dongtan/finance/2026-10.yaml", "closing_balance: 347302.11", "closing_balance: 347312.11")), CHECK)
WITH_STORE = {"silent-change"}  # the others show one rule alone, as in a file not yet published
# the clock (§16): what is overdue depends on the date, so these name theirs
SCENARIOS["overdue"] = ((), ("check", "content", "--as-of", "2026-12-20"))
SCENARIOS["finance-gap"] = ((delete("dongtan/finance/2026-09.yaml"),), CHECK)
SCENARIOS["status-report"] = ((), ("status", "content", "--as-of", "2026-12-20", "--sample", "2"))
SCENARIOS["quorum-short"] = SCENARIOS["quorum"]  # section 4 lists it among the real examples, section 11 explains it
POSTING = "xiwang/postings/2026-11.yaml"
SCENARIOS.update({  # section 15: board photos
    "new-postings": ((), ("new", "postings", "xiwang", "2026-12")),
    "postings-file-missing": ((replace(POSTING, "files/board-2026-11-b.jpg", "files/board-2026-11-c.jpg"),), CHECK),
    "postings-date": ((replace(POSTING, "date: 2026-11-10", "date: 2026-12-01"),), CHECK),
})


@pytest.fixture(scope="module")
def guide_samples() -> dict[str, list[str]]:
    return samples()


def test_every_shown_message_is_marked_and_every_mark_has_a_scenario(guide_samples):
    text = GUIDE.read_text("utf-8")
    marked = {line for body in guide_samples.values() for line in body}
    fenced = re.findall(r"```[^\n]*\n(.*?)\n```", text, re.S)
    shown = {line for block in fenced for line in block.splitlines() if PROBLEM.match(line)}
    assert shown - marked == set(), "messages in the guide without a sitegen-check mark"
    assert set(guide_samples) == set(SCENARIOS)


def unpublished(content: Path) -> None:
    """The example as before its first build with a version store: no store, and none of the
    old versions' addresses the store keeps online. Most samples break a published item to show
    one rule; a clerk meets that rule alone in a new file (a published one adds silent-change)."""
    shutil.rmtree(content / STORE)
    ledger = content / "published-urls.txt"
    ledger.write_text("".join(line for line in ledger.read_text("utf-8").splitlines(keepends=True) if "/v/" not in line), "utf-8")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_guide_shows_what_sitegen_prints(name, guide_samples, tmp_path, monkeypatch, capsys):
    edits, argv = SCENARIOS[name]
    shutil.copytree(ROOT / "content", tmp_path / "content")
    if name not in WITH_STORE:
        unpublished(tmp_path / "content")
    for edit in edits:
        edit(tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(clock, "today", lambda: dt.date.fromisoformat(AS_OF))  # `new` and `import` check as of today
    capsys.readouterr()
    main(list(argv))
    captured = capsys.readouterr()
    printed = (captured.err + captured.out).splitlines()
    assert printed == guide_samples.get(name)


@pytest.mark.parametrize("path", sorted(templates()))
def test_each_copyable_file_passes_the_check(path, tmp_path, monkeypatch, capsys):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    write(path, templates()[path])(tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    assert main(list(CHECK)) == 0
    printed = capsys.readouterr().err.splitlines()
    assert len(printed) == 1 and printed[0].startswith("检查通过") and "提醒" not in printed[0], printed



def code_rows(subsection: str) -> list[list[str]]:
    """The rows of a guide table under `### subsection` whose first cell is one code."""
    text = GUIDE.read_text("utf-8").split(f"### {subsection}", 1)[1].split("###", 1)[0]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in text.splitlines() if line.startswith("| `")]
    return [[row[0].strip("`"), *row[1:]] for row in rows if re.fullmatch(r"`[a-z0-9-]+`", row[0])]


def test_the_catalogue_table_is_the_built_in_catalogue():
    """Section 10's table of item codes: names, cadence, minimum posting days, personal data."""
    cadence = {"quarterly": "每季度", "yearly": "每年", "event": "随时", "monthly": "每月", "standing": "长期"}
    assert code_rows("事项代码") == [
        [i.code, i.name, cadence[i.cadence], f"{i.min_posting_days} 天" if i.min_posting_days else "", "有" if i.personal_data else ""]
        for i in baseline().items
    ]


def test_the_procedure_table_is_the_built_in_procedure():
    """Section 11's table of steps: codes and names in procedure order."""
    assert [row[:2] for row in code_rows("步骤 steps")] == [[step.code, step.name] for step in baseline().steps]

"""`sitegen import finance VILLAGE FILE`: a month's statement from the bookkeeping agent's export.

Nothing is written unless every row reads; then the statement gets the previous month's
closing balance as its opening balance and a computed closing balance, and the same checks as
`sitegen check` run over the village. A reviewed statement is never overwritten: once the
supervision committee has signed it, a change is a correction the clerk writes by hand.
"""

from __future__ import annotations

import collections
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import atomic, scaffold
from .journal import read_journal
from .new import NewError, find_village, make_folder, previous_closing, previous_month
from .oserrors import reason
from .problems import Problem, error
from .rules import check_content
from .spreadsheet import SpreadsheetError, read_sheet


@dataclass(frozen=True)
class Imported:
    """What the import did: the statement written (None when refused) and every problem found,
    in the spreadsheet (nothing written) or, after writing, by the checks."""

    path: Path | None
    problems: tuple[Problem, ...]
    replaced_draft: bool = False
    entries: int = 0


def reviewed(path: Path) -> bool:
    """Whether the statement at `path` has a review: then it is the committee's, not ours.
    A file that cannot be read as YAML counts as reviewed: what it says cannot be known."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return True
    review = data.get("review") if isinstance(data, dict) else None
    if not isinstance(review, dict):
        return review not in (None, "", [], {})
    return any(review.get(key) not in (None, "", []) for key in ("reviewers", "date"))


def _refuse_reviewed(target: Path) -> None:
    if target.exists() and reviewed(target):
        raise NewError(f"{target} 已经审核（有 review），不会覆盖：审核后的修改请直接改这个文件，并在 corrections 里写明更正原因")


def _period(lines, forced: str | None, shown: str) -> tuple[str | None, list[Problem]]:
    """The month of the entries: `forced`, else the one month all entries fall in."""
    months = collections.Counter(line.date.strftime("%Y-%m") for line in lines)
    period = forced or (months.most_common(1)[0][0] if months else None)
    if period is None:
        return None, [error(shown, 1, 1, "schema", "表中没有收支明细；没有收支的月份请用 --period YYYY-MM 指明月份")]
    if len(months) > 1 and not forced:
        listed = "、".join(sorted(months))
        return None, [error(shown, lines[0].row, 1, "period-mismatch", f"表中的日期跨了几个月（{listed}）：一次导入一个月，可用 --period YYYY-MM 指定")]
    return period, [
        error(shown, line.row, 1, "period-mismatch", f"日期 {line.date} 不在 {period} 月内")
        for line in lines
        if line.date.strftime("%Y-%m") != period
    ]


def import_finance(content: Path, slug: str, source: Path, period: str | None = None, shown: str | None = None) -> Imported:
    """Read `source`, write `<village>/finance/<period>.yaml` if it all reads; NewError when the
    village is unknown or the statement is reviewed."""
    shown = shown or str(source)
    place = find_village(content, slug)
    profile = place.profile
    if period:  # refused before reading: no point in fixing a sheet that cannot be imported
        _refuse_reviewed(place.folder / "finance" / f"{period}.yaml")
    try:
        sheet = read_sheet(source)
    except SpreadsheetError as exc:
        return Imported(None, (error(shown, 1, 1, exc.code, str(exc)),))
    journal = read_journal(sheet, shown, profile.income_categories, profile.expense_categories)
    if journal.problems:
        return Imported(None, journal.problems)
    month, problems = _period(journal.lines, period, shown)
    if problems:
        return Imported(None, tuple(problems))

    target = place.folder / "finance" / f"{month}.yaml"
    exists = target.exists()
    _refuse_reviewed(target)
    opening = previous_closing(place, month)
    text = scaffold.finance_statement(
        month, profile, opening=opening, previous=previous_month(month), set_posted=True,
        entries=(journal.entries(True), journal.entries(False)),
    )
    make_folder(target.parent)
    try:
        atomic.write_bytes(target, text.encode("utf-8"))
    except OSError as exc:
        raise NewError(f"无法写入 {target}（{reason(exc)}）") from exc
    _, checked = check_content(content)
    folder = f"{os.path.normpath(content)}/{slug}/".replace(os.sep, "/")
    return Imported(target, tuple(p for p in checked if p.path.startswith(folder)), exists, len(journal.lines))

"""The points system (积分制, 文明银行, contract §14.2): `points/<YYYY-Qn>.yaml`.

A quarter's rules (积分细则) and every household's balance at its end, with what changed. The
balance chains from the previous quarter's file; the checks are in `points_rules.py`, the open
data in `points_data.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from .. import periods
from .. import schema as s
from ..model import Disclosure, Profile
from ..money import MAX_INTEGER_DIGITS, number_issue
from ..reading import QUARTER, Reader, period_matches
from . import points_data, points_rules
from .base import Kind
from .shared import COMMON, period_files

TOP_ON_HOME = 5  # households the village home shows of the latest quarter
# The poster's ranking: in two halves side by side past ONE_COLUMN households, a page's worth at a
# time, so a reader goes down the left half, then the right, on each sheet (rows of an A4 sheet at
# 13 pt: the first has the head and summary, the next ones only the ranking and the rules).
ONE_COLUMN, FIRST_SHEET_ROWS, SHEET_ROWS = 12, 26, 38


@dataclass(frozen=True)
class Rule:
    """One scoring rule (积分细则): its code, what it is for, and the points it gives or takes."""

    code: str
    text: str
    points: int


@dataclass(frozen=True)
class Change:
    """One change of a household's points this quarter, under a rule, and why."""

    date: dt.date
    rule: str
    points: int
    reason: str


@dataclass(frozen=True)
class Household:
    """A household (by its head's name, masked names are fine) and its balance at the period's end."""

    household: str
    group: str
    points: int
    changes: tuple[Change, ...] = ()

    @property
    def change(self) -> int:
        """The sum of this quarter's changes."""
        return sum(c.points for c in self.changes)

    @property
    def before(self) -> int:
        """The balance the quarter started from."""
        return self.points - self.change


@dataclass(frozen=True)
class Ranked:
    rank: int
    index: int  # its position in the file: the page's anchor
    household: Household


@dataclass(frozen=True, kw_only=True)
class PointsQuarter(Disclosure):
    kind: ClassVar[str] = "points"
    period: str  # YYYY-Qn
    rules: tuple[Rule, ...] = ()
    households: tuple[Household, ...] = ()

    @property
    def slug(self) -> str:
        return self.period

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def quarter(self) -> int:
        return int(self.period[-1])

    @property
    def ranking(self) -> tuple[Ranked, ...]:
        """Highest balance first; a tie shares its rank and the next rank skips (1, 2, 2, 4);
        tied households keep the clerk's order."""
        order = sorted(range(len(self.households)), key=lambda i: -self.households[i].points)
        ranked: list[Ranked] = []
        for position, index in enumerate(order):
            tied = ranked and ranked[-1].household.points == self.households[index].points
            ranked.append(Ranked(ranked[-1].rank if tied else position + 1, index, self.households[index]))
        return tuple(ranked)

    @property
    def top(self) -> tuple[Ranked, ...]:
        """The village home's few: every household ranked within the first TOP_ON_HOME."""
        return tuple(r for r in self.ranking if r.rank <= TOP_ON_HOME)

    @property
    def groups(self) -> tuple[tuple[str, tuple[tuple[int, Household], ...]], ...]:
        """The households by group, groups in order of first appearance: how a villager looks
        for his own."""
        by_group: dict[str, list[tuple[int, Household]]] = {}
        for index, household in enumerate(self.households):
            by_group.setdefault(household.group, []).append((index, household))
        return tuple((group, tuple(members)) for group, members in by_group.items())

    @property
    def added(self) -> int:
        return sum(c.points for h in self.households for c in h.changes if c.points > 0)

    @property
    def deducted(self) -> int:
        return -sum(c.points for h in self.households for c in h.changes if c.points < 0)

    def rule(self, code: str) -> Rule | None:
        return next((r for r in self.rules if r.code == code), None)


def poster_blocks(quarter: PointsQuarter) -> tuple[tuple[tuple[Ranked, Ranked | None], ...], ...]:
    """The poster's ranking as blocks of rows (left, right), one block per sheet; with few
    households one block whose rows have no right half."""
    ranking = quarter.ranking
    if len(ranking) <= ONE_COLUMN:
        return ((tuple((r, None) for r in ranking)),) if ranking else ()
    blocks, start, rows = [], 0, FIRST_SHEET_ROWS
    while start < len(ranking):
        chunk = ranking[start : start + 2 * rows]
        half = (len(chunk) + 1) // 2
        blocks.append(tuple((chunk[i], chunk[half + i] if half + i < len(chunk) else None) for i in range(half)))
        start, rows = start + len(chunk), SHEET_ROWS
    return tuple(blocks)


# --- schema and files ---------------------------------------------------------------------

_LIMIT = 10**MAX_INTEGER_DIGITS


def points(ctx: s.Ctx, value: Any, keys: tuple) -> Any:
    """A whole number of points, negative for a deduction, written as a plain number: `1.5`,
    `"5"`, `0x10` and `1_000` are refused (`amount-format`), never converted."""
    what = s.describe(keys)
    if isinstance(value, bool) or isinstance(value, (dict, list, dt.date)) or value is None:
        return ctx.fail(keys, "schema", f"{what} 应为积分（整数，扣分写负数，如 5 或 -10）")
    if isinstance(value, int):
        if abs(value) >= _LIMIT:
            return ctx.fail(keys, "amount-format", f"{what} 太大：积分最多 {MAX_INTEGER_DIGITS} 位数字")
        return value
    if not isinstance(value, str):  # a Decimal: 1.5, 5.0
        return ctx.fail(keys, "amount-format", f"{what} 应为整数积分，不能有小数点，实际为“{value}”")
    issue = number_issue(value)
    if issue is None and re.fullmatch(r"\s*[-+]?\d+\s*", value):
        issue = "积分直接写数字，不要加引号"
    if issue is not None:
        return ctx.fail(keys, "amount-format", f"{what} 应为整数积分：{issue}，实际为“{value}”")
    return ctx.fail(keys, "schema", f"{what} 应为积分（整数，扣分写负数，如 5 或 -10），实际为“{value}”")


rule = s.record(Rule, {"code": s.req(s.text), "text": s.req(s.text), "points": s.req(points)}, "积分细则 rules")
change = s.record(
    Change,
    {"date": s.req(s.date), "rule": s.req(s.text), "points": s.req(points), "reason": s.req(s.text)},
    "积分变动 changes",
)
household = s.record(
    Household,
    {"household": s.req(s.text), "group": s.req(s.text), "points": s.req(points), "changes": s.opt(s.list_of(change), ())},
    "农户 households",
)

POINTS = {
    "period": s.req(s.pattern(QUARTER, "季度，格式 YYYY-Qn（如 2026-Q3）", "period-mismatch")),
    **COMMON,
    "rules": s.req(s.list_of(rule, allow_empty=False)),
    "households": s.req(s.list_of(household, allow_empty=False)),
}


def load(reader: Reader, folder: Path, village: str) -> list[PointsQuarter]:
    """The quarters of one village's `points/` folder: one `YYYY-Qn.yaml` per quarter."""
    result = []
    for period, values, source in period_files(reader, folder, QUARTER, "按季度命名的文件，如 2026-Q3.yaml", POINTS, "积分制公开"):
        if not period_matches(reader, values, source, period, f"文件名 {period}.yaml"):
            continue
        # a required list that could not be read (reported) holds None: the rules see none
        lists = {key: values[key] or () for key in ("rules", "households")}
        result.append(PointsQuarter(village=village, source=source, **{**values, **lists}))
    return result


# --- what it shows -------------------------------------------------------------------------


def _title(quarter: PointsQuarter, strings: dict[str, str]) -> str:
    return strings["points_title"].format(year=quarter.year, quarter=quarter.quarter)


def _texts(quarter: PointsQuarter):
    """What the poster prints: the ranking and the rules."""
    for index, each in enumerate(quarter.rules):
        yield ("rules", index, "code"), each.code
        yield ("rules", index, "text"), each.text
    for index, each in enumerate(quarter.households):
        yield ("households", index, "household"), each.household
        yield ("households", index, "group"), each.group


def _due(quarter: PointsQuarter, profile: Profile) -> dt.date:
    """Due, like a quarter's affairs, by the profile's day of the month after the quarter."""
    return periods.due(profile, quarter.period)


KIND = Kind(
    name="points",
    model=PointsQuarter,
    load=load,
    order=lambda quarter: (quarter.period,),
    path=lambda quarter: f"{quarter.village}/points/{quarter.period}/",
    source_dir=lambda quarter: f"{quarter.village}/points",
    markdown=lambda quarter: (None, 1),
    title=_title,
    texts=_texts,
    posting_days=lambda quarter, profile: None,
    due=_due,
    rules=(points_rules.check,),
    bulk={"rules": (), "households": ()},
    home="_points_home.html",
    poster_context=lambda quarter: {"blocks": poster_blocks(quarter), "paired": len(quarter.households) > ONE_COLUMN},
    files=points_data.EXPORT.files,
    data_entry=points_data.EXPORT.data_entry,
    page_links=points_data.EXPORT.page_links,
)

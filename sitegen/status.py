"""The clock (contract §13): for one village as of a date, each required (item, period) and its state.

Pure: from the loaded model and `Site.as_of` to values; the rule (`rules/timeliness.py`), the
inspection page, its data files, the village home and `sitegen status` all read these. Which item
fulfils which requirement is each kind's answer (`Kind.covers`), never a test of its kind here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from . import periods
from .kinds import kind_of
from .model import Disclosure, Profile, Site, Village
from .periods import FINANCE, STANDING

ON_TIME, LATE, OVERDUE, NOT_DUE, NOT_APPLICABLE = "on-time", "late", "overdue", "not-due", "not-applicable"
STATES = (ON_TIME, LATE, OVERDUE, NOT_DUE, NOT_APPLICABLE)
REQUIRED_CADENCES = (periods.MONTHLY, periods.QUARTERLY, periods.YEARLY, STANDING)
FINANCE_NAME = "财务收支公开"
_QUARTERS = "一二三四"


@dataclass(frozen=True)
class Requirement:
    """Something a village must disclose on time: the finance statement or a catalogue item."""

    code: str
    name: str
    cadence: str


@dataclass(frozen=True)
class Cell:
    """One required (item, period) of a village and its state as of the build's date."""

    code: str
    period: str
    state: str
    due: dt.date
    posted: dt.date | None = None  # its first posting (for a standing item: of the current version)
    reason: str | None = None  # why it does not apply (not_applicable)


@dataclass(frozen=True)
class VillageStatus:
    """A village's row on the inspection page; small and plain, so the build cache can keep it."""

    slug: str
    name: str
    since: str
    as_of: dt.date
    requirements: tuple[Requirement, ...]
    cells: tuple[Cell, ...]
    corrections: int = 0
    unanswered: int = 0
    photo_months: tuple[str, ...] = ()  # months with a board photo (postings, §14.4)
    latest: tuple[tuple[str, str, dt.date], ...] = ()  # (code, period, posted): each requirement's newest posting, before `since` too

    def count(self, state: str) -> int:
        return self._counts.get(state, 0)

    @cached_property
    def _counts(self) -> dict[str, int]:
        """Cells per state, counted once: the status page asks each row up to nine times."""
        return dict(Counter(cell.state for cell in self.cells))

    @property
    def on_time_share(self) -> int | None:
        """Per cent of the decided cells (on time, late, overdue) that were on time; None if none is."""
        decided = self.count(ON_TIME) + self.count(LATE) + self.count(OVERDUE)
        return round(100 * self.count(ON_TIME) / decided) if decided else None

    def cell(self, code: str, period: str) -> Cell | None:
        return next((c for c in self.cells if c.code == code and c.period == period), None)

    def of(self, code: str) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.code == code)


def requirements(profile: Profile) -> tuple[Requirement, ...]:
    """The finance statement first, then the catalogue's periodic and standing items in its order."""
    items = tuple(Requirement(i.code, i.name, i.cadence) for i in profile.items if i.cadence in REQUIRED_CADENCES)
    return (Requirement(FINANCE, FINANCE_NAME, periods.MONTHLY), *items)


def since(site: Site, village: Village) -> str:
    """village.yaml's `since`, else the month of its earliest disclosure (its first period, or for
    a standing item its posting), else the as-of month: a village with nothing has nothing overdue yet."""
    if village.since:
        return village.since
    months = [
        periods.month_key(item.posted.year, item.posted.month) if period == STANDING else periods.months(period)[0]
        for item in _published(village)
        for _, period in kind_of(item).covers(item, site.profile)
    ]
    return min(months, default=periods.month_key(site.as_of.year, site.as_of.month))


def village_status(site: Site, village: Village) -> VillageStatus:
    as_of, profile, first = site.as_of, site.profile, since(site, village)
    covering: dict[tuple[str, str], list[Disclosure]] = {}
    for item in _published(village):
        if item.posted <= as_of:  # an item posted after the as-of date was not on the board yet
            for key in kind_of(item).covers(item, profile):
                covering.setdefault(key, []).append(item)
    excused = dict(village.not_applicable)
    cells = []
    for requirement in requirements(profile):
        for period in periods.since_periods(requirement.cadence, first, as_of):
            due = periods.due(profile, period, first)
            items = covering.get((requirement.code, period), [])
            if requirement.code in excused:
                cells.append(Cell(requirement.code, period, NOT_APPLICABLE, due, reason=excused[requirement.code]))
            else:
                cells.append(_cell(requirement.code, period, due, items, as_of))
    items = _published(village)
    return VillageStatus(
        village.slug, village.name, first, as_of, requirements(profile), tuple(cells),
        corrections=sum(len(item.corrections) for item in items),
        unanswered=sum(1 for item in items for q in item.questions if q.answered is None and q.asked <= as_of),
        photo_months=tuple(sorted({p.month for p in village.of("postings") if getattr(p, "photos", ())})),
        latest=_newest(covering),
    )


def steady_until(site: Site, village: Village, result: VillageStatus) -> dt.date:
    """The last as-of date, from `site.as_of` on, for which `village_status` gives `result` but
    its date, and the home page the same clock lines: the day before a month begins (new periods,
    a new year in `day_label`, `since` by default), a due date passes (a cell turns overdue), an
    item goes up or a standing one comes down (`posted`, `posted_until`) or a question is asked. Conservative:
    every due date still ahead counts, posted or not (the build cache relies on this, §13)."""
    as_of = site.as_of
    year, month = periods.add_months(as_of.year, as_of.month, 1)
    ends = [dt.date(year, month, 1) - _DAY]
    ends += [cell.due for cell in result.cells if cell.due >= as_of]
    for item in _published(village):
        if item.posted > as_of:
            ends.append(item.posted - _DAY)
        standing = any(period == STANDING for _, period in kind_of(item).covers(item, site.profile))
        if standing and item.posted_until is not None and item.posted_until >= as_of:  # `_cell` reads it of these alone
            ends.append(item.posted_until)
        ends += [q.asked - _DAY for q in item.questions if q.asked > as_of]
    return min(ends)


_DAY = dt.timedelta(days=1)


def _cell(code: str, period: str, due: dt.date, items: list[Disclosure], as_of: dt.date) -> Cell:
    """On time when first posted by the due date, late after it; a standing item counts only
    while a version of it is on the board (not past `posted_until`), dated by that version."""
    first = min((item.posted for item in items), default=None)
    if period == STANDING:
        current = [item for item in items if item.posted_until is None or item.posted_until >= as_of]
        if not current:
            first = None
        else:
            posted = max(item.posted for item in current)
            return Cell(code, period, ON_TIME if first <= due else LATE, due, posted)
    if first is not None:
        return Cell(code, period, ON_TIME if first <= due else LATE, due, first)
    return Cell(code, period, OVERDUE if as_of > due else NOT_DUE, due)


def _newest(covering: dict[tuple[str, str], list[Disclosure]]) -> tuple[tuple[str, str, dt.date], ...]:
    """Each requirement's newest period posted (a standing item: its newest version)."""
    newest: dict[str, tuple[str, str, dt.date]] = {}

    def key(entry: tuple[str, str, dt.date]) -> tuple[dt.date, dt.date]:
        _, period, posted = entry
        return (posted if period == STANDING else periods.start(period), posted)

    for (code, period), found in covering.items():
        entry = (code, period, max(item.posted for item in found))
        if code not in newest or key(entry) > key(newest[code]):
            newest[code] = entry
    return tuple(sorted(newest.values()))


def _published(village: Village) -> list[Disclosure]:
    return [item for item in village.items if item.published]


@dataclass(frozen=True)
class HomeLine:
    """What a village home says of one requirement, in plain words near the top (§13)."""

    requirement: Requirement
    latest: tuple[str, str, dt.date] | None  # (code, period, posted) of the newest period posted
    next_due: dt.date | None  # 下次公开: the earliest due date still ahead
    overdue: tuple[str, ...]  # each overdue period, as overdue_text says it
    reason: str | None = None  # not applicable, and why


def home_lines(result: VillageStatus) -> tuple[HomeLine, ...]:
    lines = []
    for requirement in result.requirements:
        cells = result.of(requirement.code)
        if not cells:
            continue
        latest = next((entry for entry in result.latest if entry[0] == requirement.code), None)
        ahead = [c.due for c in cells if c.state == NOT_DUE]
        overdue = tuple(overdue_text(requirement, c, result.as_of) for c in cells if c.state == OVERDUE)
        reason = cells[0].reason if cells[0].state == NOT_APPLICABLE else None
        lines.append(HomeLine(requirement, latest, min(ahead, default=None), overdue, reason))
    return tuple(lines)


def period_label(period: str) -> str:
    """How a clerk says the period: 2026年10月, 2026年第三季度, 2026年度, 长期公开."""
    cadence = periods.cadence_of(period)
    if cadence == STANDING:
        return "长期公开"
    if cadence == periods.YEARLY:
        return f"{period}年度"
    if cadence == periods.QUARTERLY:
        return f"{period[:4]}年第{_QUARTERS[int(period[-1]) - 1]}季度"
    return f"{int(period[:4])}年{int(period[5:7])}月"


def day_label(day: dt.date, as_of: dt.date | None = None) -> str:
    """11月15日 within the as-of year, else 2027年1月31日."""
    same_year = as_of is not None and day.year == as_of.year
    return f"{day.month}月{day.day}日" if same_year else f"{day.year}年{day.month}月{day.day}日"


def overdue_text(requirement: Requirement, cell: Cell, as_of: dt.date) -> str:
    """“2026年10月财务收支公开 已逾期（应于11月15日前公开）”; a standing item has no period."""
    what = requirement.name if cell.period == STANDING else f"{period_label(cell.period)}{requirement.name}"
    return f"{what} 已逾期（应于{day_label(cell.due, as_of)}前公开）"

"""Disclosure periods and their due dates (contract §13): one calendar for the kinds and the clock.

A period is named as its files are: a month `2026-10`, a quarter `2026-Q3`, a year `2026`, and
`standing` for items that are always on the board. Deadlines are the profile's (local rules,
domain notes §2.2); the due date itself is on time, the day after it is late.
"""

from __future__ import annotations

import datetime as dt
import re

from .model import Profile

FINANCE = "finance"  # the requirement code of the monthly finance statement (not a catalogue code)
STANDING = "standing"
MONTHLY, QUARTERLY, YEARLY = "monthly", "quarterly", "yearly"


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + count
    return index // 12, index % 12 + 1


def cadence_of(period: str) -> str:
    """Which cadence a period key belongs to."""
    if period == STANDING:
        return STANDING
    if re.fullmatch(r"\d{4}", period):
        return YEARLY
    return QUARTERLY if "Q" in period else MONTHLY


def months(period: str) -> tuple[str, ...]:
    """The months a period covers, in order (none for `standing`)."""
    cadence = cadence_of(period)
    if cadence == STANDING:
        return ()
    year = int(period[:4])
    if cadence == YEARLY:
        return tuple(month_key(year, m) for m in range(1, 13))
    if cadence == QUARTERLY:
        first = (int(period[-1]) - 1) * 3 + 1
        return tuple(month_key(year, m) for m in range(first, first + 3))
    return (period,)


def start(period: str) -> dt.date:
    first = months(period)[0]
    return dt.date(int(first[:4]), int(first[5:7]), 1)


def quarter_of(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def since_periods(cadence: str, since: str, as_of: dt.date) -> tuple[str, ...]:
    """Every period of `cadence` from the one holding month `since` to the one holding `as_of`
    (begun periods only: the current one is listed, and is not due yet)."""
    if cadence == STANDING:
        return (STANDING,) if since <= month_key(as_of.year, as_of.month) else ()
    year, month = int(since[:4]), int(since[5:7])
    keys: list[str] = []
    while (year, month) <= (as_of.year, as_of.month):
        key = month_key(year, month)
        key = {MONTHLY: key, QUARTERLY: quarter_of(key), YEARLY: key[:4]}[cadence]
        if key not in keys:
            keys.append(key)
        year, month = add_months(year, month, 1)
    return tuple(keys)


def due(profile: Profile, period: str, since: str | None = None) -> dt.date:
    """The last day a period's disclosure is on time: monthly by the profile's day of the next
    month, quarterly by its day of the month after the quarter, yearly by its month and day of the
    next year. A standing item is due like the finance of its village's first month (`since`)."""
    cadence = cadence_of(period)
    if cadence == STANDING:
        period = since or ""
    if cadence == YEARLY:
        month, day = profile.yearly_deadline
        return dt.date(int(period) + 1, month, day)
    last = months(period)[-1]
    year, month = add_months(int(last[:4]), int(last[5:7]), 1)
    day = profile.quarterly_deadline if cadence == QUARTERLY else profile.monthly_deadline
    return dt.date(year, month, day)

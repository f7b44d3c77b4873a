"""The build's date (`--as-of`): the one place sitegen reads the calendar.

Everything that depends on "today" (due, late, overdue, unanswered questions, corrections dated
in the future) takes the as-of date from the `Site`, so a build for one as-of date is
byte-identical whenever it runs. The default is today in China Standard Time, where the boards are.
"""

from __future__ import annotations

import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8))


def today() -> dt.date:
    """Today's date in China (UTC+8), whatever the machine's time zone: CI runs in UTC."""
    return dt.datetime.now(CHINA).date()


def parse(text: str) -> dt.date:
    """An `--as-of` value, YYYY-MM-DD; ValueError (with a Chinese message) otherwise."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"日期应写成 YYYY-MM-DD（如 2026-11-30），而不是 {text}") from None

"""Files that sitegen writes for a clerk to fill in, from templates shipped as package data.

A template marks what sitegen fills in as @NAME@ (plain replacement: the CI templates are full
of `${{ }}` and `$VAR`); what the clerk fills in is an empty value with a `# 待填写` comment,
so `sitegen check` names every place left empty. `sitegen init` uses these, and so can a later
`sitegen new`.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources

from .. import __version__
from ..profile import baseline

_MARK = re.compile(r"@[A-Z_]+@")


def render(name: str, **values: str) -> str:
    """The template `name` with every @KEY@ replaced; a mark left over is a bug, not output."""
    text = resources.files(__name__).joinpath(name).read_text("utf-8")
    for key, value in {"VERSION": __version__, **values}.items():
        text = text.replace(f"@{key}@", value)
    left = _MARK.search(text)
    if left:
        raise ValueError(f"template {name}: nothing fills {left.group()}")
    return text


def finance_statement(period: str) -> str:
    """A month's statement with the period set, the profile's categories listed in comments, and
    the posting date, summary, review and balances left for the clerk."""
    year, month = map(int, period.split("-"))
    first = dt.date(year, month, 1)
    posted = (first + dt.timedelta(days=40)).replace(day=5)  # the 5th of the next month
    profile = baseline()
    return render(
        "finance.yaml",
        PERIOD=period,
        POSTED=posted.isoformat(),
        FIRST_DAY=first.isoformat(),
        INCOME="、".join(profile.income_categories),
        EXPENSE="、".join(profile.expense_categories),
    )

"""Files that sitegen writes for a clerk to fill in, from templates shipped as package data.

A template marks what sitegen fills in as @NAME@ (plain replacement: the CI templates are full
of `${{ }}` and `$VAR`); what the clerk fills in is an empty value with a `# 待填写` comment,
so `sitegen check` names every place left empty. `sitegen init` uses these, and so can a later
`sitegen new`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from importlib import resources

import yaml

from .. import __version__
from ..model import Profile
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


_INCOME_EXAMPLE = """ []                # 逐笔填写；没有收入就保持 []
#  - date: @FIRST_DAY@
#    voucher: 记-01         # 凭证号，本月内不能重复
#    item: 收集体机动地承包费   # 摘要
#    category: @INCOME_FIRST@
#    amount: 8400.00"""
_EXPENSE_EXAMPLE = """ []
#  - date: @FIRST_DAY@
#    voucher: 记-02
#    item: 支付保洁员工资
#    category: @EXPENSE_FIRST@
#    amount: 3300.00"""


def yaml_text(value: str) -> str:
    """`value` as a YAML scalar that loads back as exactly this text: plain when it can be."""
    plain = not re.search(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|: | #|[\s:]$|[\x00-\x1f\\]", value)
    if plain:
        try:
            plain = yaml.safe_load(value) == value
        except yaml.YAMLError:
            plain = False
    return value if plain else json.dumps(value, ensure_ascii=False)


def _entries(entries: Sequence) -> str:
    """Entries (objects with date, voucher, item, category, amount) as a YAML block list."""
    return "".join(
        f"\n  - date: {e.date.isoformat()}\n    voucher: {yaml_text(e.voucher)}\n    item: {yaml_text(e.item)}"
        f"\n    category: {yaml_text(e.category)}\n    amount: {e.amount:.2f}"
        for e in entries
    )


def _example(usual: str, categories: Sequence[str]) -> str:
    """The category the commented example entry shows: the usual one, if this profile has it."""
    return usual if usual in categories else categories[0]


def suggested_posting(period: str) -> dt.date:
    """The 5th of the month after `period`: well before the profile's usual deadline (the 15th)."""
    year, month = map(int, period.split("-"))
    return (dt.date(year, month, 1) + dt.timedelta(days=40)).replace(day=5)


def finance_statement(
    period: str,
    profile: Profile | None = None,
    *,
    opening: Decimal | None = None,
    previous: str | None = None,
    set_posted: bool = False,
    entries: tuple[Sequence, Sequence] | None = None,
) -> str:
    """A month's statement: the period set, the profile's categories listed in comments, and
    what sitegen cannot know (summary, review; the posting date unless `set_posted`) left for
    the clerk. `opening` is the previous month's closing balance when there is one; with
    `entries` (income, expense) the closing balance is computed from them."""
    profile = profile or baseline()
    posted = suggested_posting(period).isoformat()
    if opening is None:
        opening_line = "opening_balance:          # 待填写：期初余额（上月的期末余额）"
    else:
        opening_line = f"opening_balance: {opening:.2f}   # 上月（{previous}）的期末余额"
    if entries is None or opening is None:
        closing_line = "closing_balance:          # 待填写：期末余额 = 期初余额 + 收入合计 − 支出合计"
    else:
        closing = opening + sum(e.amount for e in entries[0]) - sum(e.amount for e in entries[1])
        closing_line = f"closing_balance: {closing:.2f}   # 期初余额 + 收入合计 − 支出合计"
    text = render(
        "finance.yaml",
        PERIOD=period,
        POSTED_LINE=f"posted: {posted}        # 上墙并在网上公开的日期，按实际改" if set_posted
        else f"posted:                   # 待填写：上墙并在网上公开的日期，如 {posted}",
        OPENING_LINE=opening_line,
        CLOSING_LINE=closing_line,
        INCOME_ENTRIES="\0income" if entries else _INCOME_EXAMPLE,
        EXPENSE_ENTRIES="\0expense" if entries else _EXPENSE_EXAMPLE,
        FIRST_DAY=f"{period}-01",
        INCOME_FIRST=_example("经营收入", profile.income_categories),
        EXPENSE_FIRST=_example("公益支出", profile.expense_categories),
        INCOME="、".join(profile.income_categories),
        EXPENSE="、".join(profile.expense_categories),
    )
    if entries:  # the clerk's texts go in last, so an @WORD@ in a 摘要 is never taken for a mark
        text = text.replace("\0income", _entries(entries[0]) or " []").replace("\0expense", _entries(entries[1]) or " []")
    return text


def points_quarter(period: str, previous=None) -> str:
    """A quarter of the points system. With `previous` (the last quarter, loaded), its rules and
    households with their balances carried and `changes: []`; else one example of each."""
    year, quarter = int(period[:4]), int(period[-1])
    posted = dt.date(year + quarter // 4, quarter % 4 * 3 + 1, 10)
    if previous is None:
        rules = "\n  - {code: A1, text: 参加村内义务劳动, points: 5}   # 待填写：按村里通过的积分细则改写"
        households = "\n  - {household: 王某某, group: 第一组, points: 0}     # 待填写：每户一行"
        rules_note, households_note = "第一次公示：请照村里的细则填写", "第一次公示：请逐户填写"
    else:
        rules = "".join(f"\n  - {{code: {yaml_text(r.code)}, text: {yaml_text(r.text)}, points: {r.points}}}" for r in previous.rules)
        households = "".join(
            f"\n  - household: {yaml_text(h.household)}\n    group: {yaml_text(h.group)}\n    points: {h.points}\n    changes: []"
            for h in previous.households
        )
        rules_note = households_note = f"照抄上季度 {previous.period}"
    first_rule = previous.rules[0] if previous is not None else None
    text = render(
        "points.yaml",
        PERIOD=period,
        POSTED=posted.isoformat(),
        RULES_NOTE=rules_note,
        HOUSEHOLDS_NOTE=households_note,
        FIRST_DAY=dt.date(year, quarter * 3 - 2, 15).isoformat(),
        FIRST_RULE=first_rule.code if first_rule else "A1",
        FIRST_POINTS=str(first_rule.points) if first_rule else "5",
        RULES="\0rules",
        HOUSEHOLDS="\0households",
    )
    # the clerk's texts go in last, so an @WORD@ in a rule is never taken for a mark
    return text.replace("\0rules", rules).replace("\0households", households)

"""The disclosure catalogue: the national baseline, overridden and extended by a local profile.yaml.

Deadlines, posting periods and item lists are local rules (domain notes §2.2), so they are
data: a county ships its profile, and sitegen's rules read everything from it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from . import schema as s
from .model import CatalogueItem, ProcedureStep, Profile

DOMAINS = ("党务", "村务", "财务", "政务", "服务")
CADENCES = ("monthly", "quarterly", "yearly", "event", "standing")
VOTE_RULES = ("party", "meeting")
_CODE = s.pattern(r"[a-z0-9][a-z0-9-]{0,47}", "小写字母、数字和连字符组成的代码（如 dibao）")


def _vote(ctx: s.Ctx, value: Any, keys: tuple) -> Any:
    return None if value in (None, "none") else s.choice(*VOTE_RULES)(ctx, value, keys)


def _reply_days(ctx: s.Ctx, value: Any, keys: tuple) -> Any:
    """Days a question may wait for its answer (§14.3): a whole number from 1 on."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return ctx.fail(keys, "schema", f"{s.describe(keys)} 应为答复期限的天数（1 或更大的整数，如 10），实际为{s._shown(value)}")
    return value


ITEM_FIELDS = {
    "code": s.req(_CODE),
    "name": s.opt(s.text),
    "domain": s.opt(s.choice(*DOMAINS)),
    "cadence": s.opt(s.choice(*CADENCES)),
    "min_posting_days": s.opt(s.count),
    "personal_data": s.opt(s.boolean),
    "remove": s.opt(s.boolean, False),
}
STEP_FIELDS = {"code": s.req(_CODE), "name": s.req(s.text), "vote": s.opt(_vote)}
FINANCE_FIELDS = {
    "income": s.opt(s.list_of(s.text, allow_empty=False)),
    "expense": s.opt(s.list_of(s.text, allow_empty=False)),
    "min_posting_days": s.opt(s.count),
}


def _month_day(ctx: s.Ctx, value: Any, keys: tuple) -> Any:
    """A yearly deadline, MM-DD of the next year (01-31); 29 February is refused: not every year has it."""
    text = s.text(ctx, value, keys)
    if text is s.INVALID:
        return text
    try:
        if not re.fullmatch(r"\d{2}-\d{2}", text) or text == "02-29":
            raise ValueError
        day = dt.date(2001, int(text[:2]), int(text[3:]))
    except ValueError:
        return ctx.fail(keys, "schema", f"{s.describe(keys)} 应为次年的月和日，格式 MM-DD（如 01-31），实际为“{text}”")
    return (day.month, day.day)


DEADLINE_FIELDS = {"monthly": s.opt(s.day_of_month), "quarterly": s.opt(s.day_of_month), "yearly": s.opt(_month_day)}
PROFILE = {
    "items": s.opt(s.list_of(lambda c, v, k: s.fields(c, v, k, ITEM_FIELDS, "事项 items")), ()),
    "finance": s.opt(lambda c, v, k: s.fields(c, v, k, FINANCE_FIELDS, "finance"), {}),
    "procedure": s.opt(s.list_of(s.record(ProcedureStep, STEP_FIELDS, "程序步骤 procedure"), allow_empty=False)),
    "deadlines": s.opt(lambda c, v, k: s.fields(c, v, k, DEADLINE_FIELDS, "deadlines"), {}),
    "reviewers": s.opt(s.names),
    "reply_days": s.opt(_reply_days),
}


@lru_cache(maxsize=1)
def baseline() -> Profile:
    """The national baseline (contract §8), shipped as sitegen/baseline.yaml."""
    data = yaml.safe_load(resources.files("sitegen").joinpath("baseline.yaml").read_text("utf-8"))
    return Profile(
        items=tuple(CatalogueItem(**item) for item in data["items"]),
        income_categories=tuple(data["finance"]["income"]),
        expense_categories=tuple(data["finance"]["expense"]),
        steps=tuple(ProcedureStep(**step) for step in data["procedure"]),
        reviewers=tuple(data.get("reviewers") or ()),
    )


def apply(base: Profile, values: dict, ctx: s.Ctx) -> Profile:
    """Merge a parsed local profile over `base`: items by code, lists replaced whole."""
    items = {item.code: item for item in base.items}
    for index, entry in enumerate(values["items"]):
        code = entry["code"]
        changes = {k: v for k, v in entry.items() if v is not None and k not in ("code", "remove")}
        if entry["remove"]:
            items.pop(code, None)
        elif code in items:
            items[code] = dataclasses.replace(items[code], **changes)
        elif missing := [key for key in ("name", "domain", "cadence") if key not in changes]:
            ctx.fail(("items", index), "schema", f"新事项 {code} 缺少 {'、'.join(missing)}")
        else:
            items[code] = CatalogueItem(code=code, **changes)
    finance, deadlines = values["finance"], values["deadlines"]
    return Profile(
        items=tuple(items.values()),
        income_categories=finance.get("income") or base.income_categories,
        expense_categories=finance.get("expense") or base.expense_categories,
        steps=values["procedure"] or base.steps,
        finance_min_posting_days=_first(finance.get("min_posting_days"), base.finance_min_posting_days),
        monthly_deadline=_first(deadlines.get("monthly"), base.monthly_deadline),
        quarterly_deadline=_first(deadlines.get("quarterly"), base.quarterly_deadline),
        yearly_deadline=_first(deadlines.get("yearly"), base.yearly_deadline),
        reviewers=tuple(values["reviewers"]) if values["reviewers"] is not None else base.reviewers,
        reply_days=_first(values["reply_days"], base.reply_days),
    )


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)

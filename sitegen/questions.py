"""Questions and replies (群众提问与答复, 民主日, 码上问; contract §14.3): `questions:` on any item.

A §4 field, so every kind reads it through `kinds/shared.py::COMMON` and every page and poster
shows it through one partial (`_questions.html` in the page and poster templates). Here are its
schema, its rules (dates in order, `reply-overdue`) and what pages, posters, the glyph check and
data.json take from it. The asker is never named: there is no field for it.

Questions are their own field (`Disclosure.questions`, marked `unversioned`), so the version
record can leave them out: adding a question or its answer is not a new version of the item.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from . import schema as s
from .model import Disclosure, Question, Site
from .problems import Problem, error, warning

CHANNELS = ("民主日", "扫码", "电话", "信箱", "其他")
LATEST_ON_HOME = 5  # questions the village home lists, newest first
DATE_CODE = "question-date"
OVERDUE_CODE = "reply-overdue"

FIELDS = {
    "asked": s.req(s.date),
    "channel": s.req(s.choice(*CHANNELS)),
    "question": s.req(s.text),
    "answered": s.opt(s.date),
    "answer": s.opt(s.text),
}


def question(ctx: s.Ctx, value: Any, keys: tuple) -> Any:
    """One entry of `questions`: an answer and its date come together, or neither is written."""
    values = s.fields(ctx, value, keys, FIELDS, "群众提问 questions", whole=True)
    if values is s.INVALID:
        return values
    if (values["answered"] is None) != (values["answer"] is None):
        written, missing = ("answer", "answered") if values["answered"] is None else ("answered", "answer")
        return ctx.fail(
            keys + (written,), "schema",
            f"{s.describe(keys)} 写了 {written} 却没有 {missing}：答复内容 answer 和答复日期 answered 要一起写；还没答复就两项都不写",
        )
    return Question(**values)


FIELD = s.opt(s.list_of(question), ())  # the §4 field, in every kind's schema


# --- rules ------------------------------------------------------------------------------------


def check(site: Site) -> list[Problem]:
    """Every item's questions, drafts too: dates in order and not after the as-of date, and a
    reply within the profile's `reply_days`."""
    problems: list[Problem] = []
    for village in site.villages:
        for item in village.items:
            if not item.readable("questions"):
                continue  # already reported
            for index, q in enumerate(item.questions):
                found = _dates(item, index, q, site.as_of)
                problems += found or _overdue(item, index, q, site.as_of, site.profile.reply_days)
    return problems


def steady_until(site: Site) -> dt.date:
    """The last as-of date, from `site.as_of` on, for which `check` finds the same problems: a
    reply's last day, or the as-of date itself while a reply is overdue (the warning counts the
    days) or a date is after it (the error names the as-of date). `date.max` if none is."""
    as_of, ends = site.as_of, [dt.date.max]
    for village in site.villages:
        for item in village.items:
            for q in item.questions:
                if q.asked > as_of or (q.answered is not None and q.answered > as_of):
                    ends.append(as_of)
                elif q.answered is None:
                    ends.append(max(as_of, q.asked + dt.timedelta(days=site.profile.reply_days)))
    return min(ends)


def _dates(item: Disclosure, index: int, q: Question, as_of: dt.date) -> list[Problem]:
    """`error[question-date]`: asked before the item was posted (no one can ask about what is not
    on the board yet), answered before asked, or either date after the build's as-of date."""
    path, at = item.source.path, lambda key: item.source.at(("questions", index, key))
    label = f"第{index + 1}个提问"
    problems = []
    if q.asked > as_of:
        problems.append(error(path, *at("asked"), DATE_CODE, f"{label}的提问日期 {q.asked} 晚于本次检查的日期 {as_of}，请核对日期"))
    elif q.asked < item.posted:
        problems.append(error(path, *at("asked"), DATE_CODE,
                              f"{label}的提问日期 {q.asked} 早于本项公开日期 {item.posted}：群众只能对已公开的内容提问，请核对日期"))
    if q.answered is not None:
        if q.answered < q.asked:
            problems.append(error(path, *at("answered"), DATE_CODE, f"{label}的答复日期 {q.answered} 早于提问日期 {q.asked}，请核对日期"))
        elif q.answered > as_of:
            problems.append(error(path, *at("answered"), DATE_CODE, f"{label}的答复日期 {q.answered} 晚于本次检查的日期 {as_of}，请核对日期"))
    return problems


def _overdue(item: Disclosure, index: int, q: Question, as_of: dt.date, reply_days: int) -> list[Problem]:
    """`warning[reply-overdue]` at `asked`: no answer more than `reply_days` days after it."""
    if q.answered is not None or as_of <= q.asked + dt.timedelta(days=reply_days):
        return []
    days = (as_of - q.asked).days
    return [warning(
        item.source.path, *item.source.at(("questions", index, "asked")), OVERDUE_CODE,
        f"第{index + 1}个提问（{q.asked} 提出）已 {days} 天未答复，超过了 {reply_days} 天的答复期限；"
        "请尽快答复，并写上答复日期 answered 和答复内容 answer",
    )]


# --- what pages, posters and data show --------------------------------------------------------


def texts(item: Disclosure) -> Iterator[tuple[tuple, str]]:
    """The question texts a poster prints, by key path (for the glyph check)."""
    for index, q in enumerate(item.questions):
        yield ("questions", index, "question"), q.question
        if q.answer:
            yield ("questions", index, "answer"), q.answer


def latest(items: tuple[Disclosure, ...], count: int = LATEST_ON_HOME) -> list[tuple[Disclosure, Question]]:
    """The village home's 群众提问与答复: the newest questions across its published items."""
    pairs = [(item, index, q) for item in items for index, q in enumerate(item.questions)]
    pairs.sort(key=lambda p: (p[2].asked, p[0].posted, p[0].source.path, p[1]), reverse=True)
    return [(item, q) for item, _, q in pairs[:count]]


def data(item: Disclosure) -> list[dict[str, str | None]]:
    """An item's questions as data.json lists them (an unanswered one has null answer fields)."""
    return [
        {"asked": q.asked.isoformat(), "channel": q.channel, "question": q.question,
         "answered": q.answered.isoformat() if q.answered else None, "answer": q.answer}
        for q in item.questions
    ]

"""Catalogue rules: known items, review before posting, posting periods, deadlines."""

from __future__ import annotations

import datetime as dt

from ..kinds import kind_of
from ..model import Disclosure, Site
from ..problems import Problem, error, warning


def check(site: Site) -> list[Problem]:
    problems: list[Problem] = []
    profile = site.profile
    codes = "、".join(item.code for item in profile.items)
    for village in site.villages:
        for item in village.items:
            kind = kind_of(item)
            if kind.coded and item.item is not None and profile.item(item.item) is None:
                problems.append(error(item.source.path, *item.source.at(("item",)), "unknown-item", f"事项代码 {item.item} 不在公开目录中（可用：{codes}）"))
            if item.posted is None:  # unreadable, already reported: every check here needs it
                continue
            problems += _posting_period(item, kind.posting_days(item, profile))
            problems += _review(item)
            if item.readable("period"):
                problems += _deadline(item, kind.due(item, profile))
    return problems


def _posting_period(item: Disclosure, min_days: int | None) -> list[Problem]:
    path = item.source.path
    if item.posted_until is None:
        if min_days and item.readable("posted_until"):
            return [error(path, *item.source.at(("posted",)), "posting-period", f"本事项公示期不少于 {min_days} 天，请写明公示截止日期 posted_until")]
        return []
    at = item.source.at(("posted_until",))
    days = (item.posted_until - item.posted).days
    if days < 0:
        return [error(path, *at, "posting-period", f"公示截止日期 {item.posted_until} 早于公开日期 {item.posted}")]
    if min_days and days < min_days:
        return [error(path, *at, "posting-period", f"公示期 {item.posted} 至 {item.posted_until} 只有 {days} 天，本事项不少于 {min_days} 天")]
    return []


def _review(item: Disclosure) -> list[Problem]:
    path = item.source.path
    if item.review is None:
        if not item.readable("review"):  # written but unreadable: its problem is already reported
            return []
        return [warning(path, 1, 1, "unreviewed", "没有审核记录（review），本条不会发布；请经村务监督委员会审核后补写 review")]
    if item.review.date is not None and item.review.date > item.posted:
        return [error(path, *item.source.at(("review", "date")), "review-date", f"审核日期 {item.review.date} 晚于公开日期 {item.posted}：应先审核、后公开")]
    return []


def _deadline(item: Disclosure, due: dt.date | None) -> list[Problem]:
    """Late disclosure is a warning, not an error (domain notes §2.2): it must still be published."""
    if due is None or item.posted <= due:
        return []
    return [warning(item.source.path, *item.source.at(("posted",)), "posting-late", f"公开日期 {item.posted} 晚于规定的 {due}（{item.period} 应在 {due} 前公开）")]

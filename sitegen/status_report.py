"""`sitegen status`: the inspection page in the terminal, and the township's photo spot check.

The same `VillageStatus` values as the page (sitegen/status.py), so the counts agree. The spot
check (照片抽查) draws villages per month from a hash of the site title, the month and each
village's folder name: anyone can redraw it and get the same names, and nobody can pick them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from pathlib import Path

from . import periods
from .executors import run_local
from .loader import load_root, load_village
from .model import Site
from .problems import Problem
from .progress import Progress
from .render.inspection import window
from .status import LATE, OVERDUE, VillageStatus, day_label, overdue_text, period_label, village_status


def sample(title: str, month: str, slugs: list[str], count: int) -> list[str]:
    """`count` village slugs for `month`: the lowest sha256 of "title NUL month NUL slug"."""
    ranked = sorted(slugs, key=lambda slug: hashlib.sha256(f"{title}\0{month}\0{slug}".encode()).hexdigest())
    return sorted(ranked[:count], key=slugs.index)


def load_statuses(
    content: str | Path, as_of: dt.date | None, jobs: int | None = None, progress: Progress | None = None
) -> tuple[Site | None, list[VillageStatus], list[Problem]]:
    """Each village's row as `load_site` and `village_status` give it, but one village at a time
    in worker processes: a county's model is gigabytes, a row is small (the site has no villages).
    `progress` is told of each village read."""
    root, slugs, problems = load_root(content, as_of)
    if root is None:
        return None, [], problems
    if progress is not None:
        progress.start(len(slugs))
    try:
        found = run_local(functools.partial(_village_row, str(content), root), slugs, jobs, recycle=False, on_done=progress and progress.village_done)
    finally:
        if progress is not None:
            progress.finish()
    rows = []
    for row, village_problems in found:
        problems += village_problems
        rows += [row] if row is not None else []
    return root, rows, problems


def _village_row(content: str, root: Site, slug: str) -> tuple[VillageStatus | None, list[Problem]]:
    village, problems = load_village(content, slug)
    if village is None:
        return None, problems
    return village_status(dataclasses.replace(root, villages=(village,)), village), problems


def report(site: Site, statuses: list[VillageStatus], count: int | None = None) -> str:
    """The page's records as text: a line per village, its overdue and late items, the totals
    and, with `count`, the month-by-month photo spot check."""
    lines = [f"{site.config.title} 按时公开情况（截至 {site.as_of.isoformat()}）"]
    for s in statuses:
        lines.append(_village_line(s))
        lines += [f"  逾期  {text}" for text in _texts(s, OVERDUE, site.as_of)]
        lines += [f"  延迟  {text}" for text in _texts(s, LATE, site.as_of)]
    overdue = sum(s.count(OVERDUE) for s in statuses)
    late = sum(s.count(LATE) for s in statuses)
    lines.append(f"合计：{len(statuses)} 个村，逾期未公开 {overdue} 项，延迟公开 {late} 项")
    if count:
        lines += _spot_check(site, statuses, count)
    return "".join(line + "\n" for line in lines)


def _village_line(s: VillageStatus) -> str:
    share = "—" if s.on_time_share is None else f"{s.on_time_share}%"
    return (
        f"{s.name}（{s.slug}）：按时公开率 {share}，逾期未公开 {s.count(OVERDUE)}，延迟公开 {s.count(LATE)}，"
        f"更正 {s.corrections}，未答复的群众提问 {s.unanswered}"
    )


def _texts(s: VillageStatus, state: str, as_of: dt.date) -> list[str]:
    names = {r.code: r for r in s.requirements}
    out = []
    for cell in s.cells:
        if cell.state != state:
            continue
        if state == OVERDUE:
            out.append(overdue_text(names[cell.code], cell, as_of))
        else:
            what = names[cell.code].name if cell.period == periods.STANDING else f"{period_label(cell.period)}{names[cell.code].name}"
            out.append(f"{what} 延迟公开（应于{day_label(cell.due, as_of)}前，{day_label(cell.posted, as_of)}才公开）")
    return out


def _spot_check(site: Site, statuses: list[VillageStatus], count: int) -> list[str]:
    """Each begun month of the page's window from the earliest `since` on, newest first, with
    the villages drawn."""
    slugs = [s.slug for s in statuses]
    by_slug = {s.slug: s for s in statuses}
    first = min((s.since for s in statuses), default="")
    months = [m for m in window(site.as_of) if periods.start(m) <= site.as_of and m >= first]
    lines = [f"照片抽查（每月 {min(count, len(slugs))} 个村，按站点名称、月份和村文件夹名的哈希抽取，任何人重算结果相同）："]
    for month in reversed(months):
        drawn = sample(site.config.title, month, slugs, count)
        shown = "、".join(f"{by_slug[slug].name}（{'有照片' if month in by_slug[slug].photo_months else '无照片'}）" for slug in drawn)
        lines.append(f"  {period_label(month)}：{shown or '无'}")
    return lines

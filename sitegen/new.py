"""`sitegen new KIND VILLAGE …`: the next disclosure file of a village, ready to fill in.

The file is written only if nothing is there yet (an exclusive create), so a clerk's work is
never overwritten; everything sitegen knows (period, opening balance, the catalogue item, the
profile's categories and steps) is filled in, and what only the clerk knows is marked 待填写.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from . import attachments, scaffold
from .loader import SLUG, load_root, load_village
from .model import Profile, Site, Village
from .oserrors import reason

CADENCE_NAMES = {"monthly": "每月公开", "quarterly": "每季度公开", "yearly": "每年公开", "event": "随时公开", "standing": "长期公开"}
QUARTER = re.compile(r"(19|20)\d\d-Q[1-4]")


class NewError(Exception):
    """Why nothing was written, in Chinese, for the clerk."""


@dataclass(frozen=True)
class Place:
    """A village of a content folder, loaded (None when its files do not load yet)."""

    content: Path
    site: Site
    slug: str
    village: Village | None

    @property
    def folder(self) -> Path:
        return self.content / self.slug

    @property
    def profile(self) -> Profile:
        return self.site.profile


def did_you_mean(word: str, choices: list[str]) -> str:
    """"，是不是 x？" for the closest choice, else the list of all (short lists only)."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    if close:
        return f"，是不是 {close[0]}？"
    return f"（现有：{'、'.join(choices)}）" if choices and len(choices) <= 20 else ""


def find_village(content: Path, slug: str) -> Place:
    """The village folder `slug` of `content`, or a NewError naming the closest one."""
    site, slugs, _ = load_root(content)
    if site is None:
        raise NewError(f"{content} 不是可用的内容文件夹（没有 site.yaml 或 site.yaml 有错误，请先运行 sitegen check {content}）")
    if slug not in slugs:
        raise NewError(f"没有村文件夹 {content}/{slug}{did_you_mean(slug, slugs)}")
    village, _ = load_village(content, slug)
    return Place(content, site, slug, village)


def previous_month(period: str) -> str:
    year, month = map(int, period.split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def previous_closing(place: Place, period: str) -> Decimal | None:
    """The previous month's closing balance, when that statement exists and loads."""
    before = previous_month(period)
    statements = place.village.of("finance") if place.village else ()
    return next((s.closing_balance for s in statements if s.period == before), None)


def make_folder(folder: Path) -> None:
    """The folder a new file goes in (finance/, affairs/2026-Q4/ …), or why it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocking = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        raise NewError(f"{blocking} 应是一个文件夹，而这里是一个文件：请把它改名或移走") from None
    except OSError as exc:
        raise NewError(f"无法新建文件夹 {folder}（{reason(exc)}）") from exc


def write_new(path: Path, text: str) -> None:
    """Create `path` with `text`, only if it does not exist yet (checked by the create itself)."""
    make_folder(path.parent)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise NewError(f"{path} 已存在，没有覆盖：请直接修改它，或先删掉再新建") from None
    except OSError as exc:
        raise NewError(f"无法写入 {path}（{reason(exc)}）") from exc


def new_finance(content: Path, slug: str, period: str) -> Path:
    place = find_village(content, slug)
    opening = previous_closing(place, period)
    text = scaffold.finance_statement(period, place.profile, opening=opening, previous=previous_month(period), set_posted=True)
    path = place.folder / "finance" / f"{period}.yaml"
    write_new(path, text)
    return path


def new_affairs(content: Path, slug: str, period: str, code: str) -> Path:
    place = find_village(content, slug)
    item = place.profile.item(code)
    if item is None:
        codes = [entry.code for entry in place.profile.items]
        by_name = [entry.code for entry in place.profile.items if code and code in entry.name]
        hint = f"，是不是 {by_name[0]}？" if by_name else did_you_mean(code, codes)
        raise NewError(f"目录中没有事项代码 {code}{hint}")
    year, quarter = int(period[:4]), int(period[-1])
    first_after = dt.date(year + quarter // 4, quarter % 4 * 3 + 1, 1)
    posted = first_after.replace(day=8).isoformat()
    if item.min_posting_days:
        until = f"posted_until:             # 待填写：公示截止日期，本事项公示不少于 {item.min_posting_days} 天"
    else:
        until = "posted_until:             # 可选：公示截止日期"
    text = scaffold.render(
        "affairs.md",
        PERIOD=period,
        NAME=item.name,
        ITEM=item.code,
        CADENCE=CADENCE_NAMES.get(item.cadence, item.cadence),
        MIN_DAYS=f"，公示期不少于 {item.min_posting_days} 天" if item.min_posting_days else "",
        TITLE=scaffold.yaml_text(f"{year}年第{'一二三四'[quarter - 1]}季度{item.name}公示"),
        POSTED=posted,
        UNTIL_LINE=until,
    )
    path = place.folder / "affairs" / period / f"{code}.md"
    write_new(path, text)
    return path


def new_points(content: Path, slug: str, period: str) -> Path:
    """The quarter's points file: the previous quarter's rules and households, balances carried
    and no changes yet, so it passes `check` once the clerk fills in summary and review."""
    from .kinds.points import PointsQuarter
    from .kinds.points_rules import previous_quarter

    place = find_village(content, slug)
    before = previous_quarter(period)
    quarters = place.village.of(PointsQuarter.kind) if place.village else ()
    previous = next((q for q in quarters if q.period == before and q.rules and q.households), None)
    text = scaffold.points_quarter(period, previous)
    path = place.folder / "points" / f"{period}.yaml"
    write_new(path, text)
    return path


def new_major(content: Path, slug: str, name: str, today: dt.date) -> Path:
    if not SLUG.fullmatch(name):
        raise NewError(f"重大事项的文件名只能用小写字母、数字和连字符（如 2026-road），而不是 {name}")
    place = find_village(content, slug)
    events = [item.code for item in place.profile.items if item.cadence == "event"] or [item.code for item in place.profile.items]
    steps = place.profile.steps
    text = scaffold.render(
        "major.md",
        ITEM="public-works" if "public-works" in events else events[0],
        ITEMS="、".join(events),
        TODAY=today.isoformat(),
        STEPS=" → ".join(f"{step.code}（{step.name}）" for step in steps),
        FIRST_STEP=steps[0].code if steps else "proposal",
    )
    path = place.folder / "major" / f"{name}.md"
    write_new(path, text)
    return path



def new_standing(content: Path, slug: str, name: str, code: str, today: dt.date) -> Path:
    """`standing/<name>.md` for the catalogue entry `code`, which must be a standing one."""
    if not SLUG.fullmatch(name):
        raise NewError(f"长期公开事项的文件名只能用小写字母、数字和连字符（如 village-rules），而不是 {name}")
    place = find_village(content, slug)
    standing = [entry.code for entry in place.profile.items if entry.cadence == "standing"]
    item = place.profile.item(code)
    if item is None or item.cadence != "standing":
        what = f"“{item.name}”（{code}）不是长期公开事项" if item else f"目录中没有事项代码 {code}"
        close = difflib.get_close_matches(code, standing, n=1, cutoff=0.5) if item is None else []
        hint = f"，是不是 {close[0]}？" if close else "；"
        raise NewError(f"{what}{hint}长期公开的事项代码有：{'、'.join(standing) or '无'}")
    days = item.min_posting_days
    text = scaffold.render(
        "standing.md",
        NAME=item.name,
        ITEM=item.code,
        MIN_DAYS=f"，公示期不少于 {days} 天" if days else "",
        TITLE=scaffold.yaml_text(item.name),
        TODAY=today.isoformat(),
        UNTIL_LINE=f"posted_until:             # 待填写：公示截止日期，本事项公示不少于 {days} 天" if days else "posted_until:             # 可选：公示截止日期",
    )
    path = place.folder / "standing" / f"{name}.md"
    write_new(path, text)
    return path


def new_postings(content: Path, slug: str, month: str, today: dt.date) -> Path:
    """`postings/<month>.yaml`: today as the date when it lies in that month, and the images
    under `files/` whose names carry the month (2026-11, 202611: a phone's IMG_20261106_…)."""
    place = find_village(content, slug)
    year, number = int(month[:4]), int(month[5:])
    if today.strftime("%Y-%m") == month:
        date_line = f"date: {today.isoformat()}          # 拍照日期（公开栏更新后拍照的那天）；不是今天拍的请改正"
    else:
        date_line = f"date:                     # 待填写：拍照日期，在 {month} 月内，如 {month}-06"
    photos = _month_images(place.folder / attachments.FOLDER, month)
    if photos:
        listed = "\n".join(f"  - {scaffold.yaml_text(f'{attachments.FOLDER}/{name}')}" for name in photos)
        photos_text = f"photos:                   # files/ 里文件名带 {month} 的照片；请核对，只留公开栏的照片\n{listed}"
    else:
        photos_text = f"photos: []                # 待填写：照片放入 files/ 后写成 [files/board-{month}-a.jpg, files/board-{month}-b.jpg]"
    text = scaffold.render("postings.yaml", MONTH_LABEL=f"{year}年{number}月", DATE_LINE=date_line, PHOTOS=photos_text)
    path = place.folder / "postings" / f"{month}.yaml"
    write_new(path, text)
    return path


def _month_images(folder: Path, month: str) -> list[str]:
    """Images under `folder` (names relative to it) whose name has the month in it."""
    if not folder.is_dir() or folder.is_symlink():
        return []
    marks = (month, month.replace("-", ""))
    names = []
    for where, dirs, files in os.walk(folder):  # never follows a linked folder
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        names += [(Path(where) / name).relative_to(folder).as_posix() for name in files if not name.startswith(".")]
    return sorted(name for name in names if attachments.is_image(name) and any(mark in name for mark in marks))

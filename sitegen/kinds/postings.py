"""Board photos (公开栏照片, contract §14.4): `postings/<YYYY-MM>.yaml`.

Proof that the paper really went up: the date the board was updated and photos of it. A postings
file is a record of the board, not a disclosure, so its kind is a `record` kind: nothing is
reviewed, corrected, versioned, postered or put in a feed; it has a page with the photos, a place
on the village home and the sitemap. The month is the file's name; `date` must lie in that month
(the board as it stood that month: a photo taken on 2 December is December's).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

from .. import attachments, urls
from .. import schema as s
from ..model import Record, Site, Village
from ..problems import Problem, error
from ..reading import MONTH, Reader
from .base import Kind
from .shared import COMMON, period_files

WHAT = "公开栏照片记录"
ALT = "公开栏照片"


@dataclass(frozen=True, kw_only=True)
class Posting(Record):
    kind: ClassVar[str] = "postings"
    month: str  # YYYY-MM, from the file name
    date: dt.date | None  # when the board was updated (None: unreadable, already reported)
    photos: tuple[str, ...] = ()  # as written: relative to the village folder, files/x.jpg
    note: str | None = None

    @property
    def updated(self) -> dt.date | None:
        return self.date


def _refused(ctx: s.Ctx, _value, keys: tuple) -> object:
    """A §4 field: a record of the board is not a disclosure, so it has none of them."""
    return ctx.fail(
        keys, "schema",
        f"{WHAT}只写 date、photos、note：{keys[-1]} 是公开内容的字段（公开栏照片不审核、不更正、不另行公示），请删去这一行",
        at_key=True,
    )


POSTINGS = {
    "date": s.req(s.date),
    "photos": s.req(s.list_of(s.text, allow_empty=False)),
    "note": s.opt(s.text),
    **{key: s.Field(_refused, offered=False) for key in COMMON},  # refused with a reason, not as unknown keys
}


def load(reader: Reader, folder: Path, village: str) -> list[Posting]:
    """The records of one village's `postings/` folder: one `YYYY-MM.yaml` per month."""
    result = []
    for month, values, source in period_files(reader, folder, MONTH, "按月命名的文件，如 2026-11.yaml", POSTINGS, WHAT):
        photos = values["photos"] or ()  # unreadable: None, already reported
        values = {key: value for key, value in values.items() if key in ("date", "note", "unreadable")}
        result.append(Posting(village=village, source=source, month=month, photos=photos, **values))
    return result


def check(_site: Site, _village: Village, records: tuple[Posting, ...]) -> list[Problem]:
    """The date lies in the file's month; every photo is an image (whether it exists is the
    attachments rule's, which checks every item's `attached` names)."""
    problems = []
    for record in records:
        if record.date is not None and record.date.strftime("%Y-%m") != record.month:
            problems.append(error(record.source.path, *record.source.at(("date",)), "period-mismatch",
                                  f"拍照日期 {record.date} 不在文件名所写的 {record.month} 月内：请把文件改名为 {record.date:%Y-%m}.yaml，或改正日期"))
        for where, photo in _photos(record):
            target = attachments.resolve(photo, record.village, record.village)
            if target is not None and target.name is not None and not attachments.is_image(target.name):  # else `slug`
                problems.append(error(record.source.path, *record.source.at(where), "file-type",
                                      f"“{photo}”不是照片：photos 只列公开栏的照片（jpg、png、webp），文件请改从公开内容里链接"))
    return problems


def _photos(record: Posting) -> tuple[tuple[tuple, str], ...]:
    return tuple((("photos", index), photo) for index, photo in enumerate(record.photos))


def _photo_links(record: Posting, page: str, published: dict[str, bytes]) -> dict:
    """Each photo's published copy as the page shows it: (address from the page, width, height)."""
    shown = []
    for _, photo in _photos(record):
        target = attachments.resolve(photo, record.village, record.village)
        path = attachments.site_path(record.village, target.name) if target and target.name else None
        if path in published:
            shown.append((urls.relative(page, quote(path)), *attachments.image_size(published[path])))
    return {"photos": tuple(shown)}


def _title(record: Posting, strings: dict[str, str]) -> str:
    return strings["postings_title"].format(year=int(record.month[:4]), month=int(record.month[5:]))


KIND = Kind(
    name="postings",
    model=Posting,
    load=load,
    order=lambda record: (record.month,),
    path=lambda record: f"{record.village}/postings/{record.month}/",
    source_dir=lambda record: record.village,  # `photos:` are written from the village folder (§14)
    markdown=lambda record: (None, 1),  # the note is plain text
    title=_title,
    rules=(check,),
    record=True,
    home="_postings_home.html",
    attached=_photos,
    attachment_links=_photo_links,
)

"""Quarterly village affairs items (村务公开事项, contract §6): `affairs/<YYYY-Qn>/<slug>.md`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from .. import periods
from .. import schema as s
from ..model import Disclosure, Profile, Table
from ..reading import QUARTER, Reader, entries, period_matches, skip_or_unsafe
from .base import Kind
from .shared import COMMON, markdown_body, markdown_items, table, tabled_texts, titled


@dataclass(frozen=True, kw_only=True)
class AffairsItem(Disclosure):
    kind: ClassVar[str] = "affairs"
    slug: str
    period: str  # YYYY-Qn
    title: str
    item: str
    tables: tuple[Table, ...] = ()
    body: str = ""
    body_line: int = 1

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def quarter(self) -> int:
        return int(self.period[-1])


AFFAIRS = {
    "title": s.req(s.text),
    "period": s.req(s.pattern(QUARTER, "季度，格式 YYYY-Qn（如 2026-Q3）", "period-mismatch")),
    "item": s.req(s.text),
    **COMMON,
    "tables": s.opt(s.list_of(table), ()),
}


def load(reader: Reader, folder: Path, village: str) -> list[AffairsItem]:
    """The items of one village's `affairs/` folder: `YYYY-Qn/` folders of `<slug>.md` files."""
    result = []
    for quarter in entries(folder):
        quarter_path = folder / quarter.name
        if skip_or_unsafe(reader, quarter_path, quarter):
            continue
        if not (quarter.is_dir() and re.fullmatch(QUARTER, quarter.name)):
            reader.problem(quarter_path, "unknown-file", f"affairs 文件夹里只放按季度命名的文件夹，如 2026-Q3，不应有“{quarter.name}”")
            continue
        where = f"所在文件夹 {quarter.name}"
        result += markdown_items(
            reader, quarter_path, village, AFFAIRS, "村务公开事项", AffairsItem,
            keep=lambda values, source, name=quarter.name, where=where: period_matches(reader, values, source, name, where),
        )
    return result


def _due(item: AffairsItem, profile: Profile) -> dt.date:
    """Due by the profile's day of the month after the quarter."""
    return periods.due(profile, item.period)


def _covers(item: AffairsItem, profile: Profile) -> tuple[tuple[str, str], ...]:
    """A quarter's item fulfils its catalogue entry for that quarter; a yearly entry for the
    quarter's year; a monthly one for each month of the quarter (posted quarterly, it is late for
    the first two)."""
    entry = profile.item(item.item) if item.item else None
    if entry is None or not item.period:
        return ()
    if entry.cadence == periods.QUARTERLY:
        return ((entry.code, item.period),)
    if entry.cadence == periods.YEARLY:
        return ((entry.code, item.period[:4]),)
    if entry.cadence == periods.MONTHLY:
        return tuple((entry.code, month) for month in periods.months(item.period))
    return ()


KIND = Kind(
    name="affairs",
    model=AffairsItem,
    load=load,
    order=lambda item: (item.period, item.slug),
    path=lambda item: f"{item.village}/affairs/{item.period}/{item.slug}/",
    source_dir=lambda item: f"{item.village}/affairs/{item.period}",
    markdown=markdown_body,
    title=titled,
    texts=tabled_texts,
    coded=True,
    due=_due,
    covers=_covers,
    bulk={"tables": (), "body": ""},
    poster_context=lambda item: {"numeric": [t.numeric for t in item.tables]},
)

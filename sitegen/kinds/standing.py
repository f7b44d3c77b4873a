"""Standing items (长期公开, contract §14.1): `standing/<slug>.md`.

村规民约, 村民自治章程, 小微权力清单 and the like stay on the board and are replaced by new
versions, not new periods: the slug is the item's address for good, and its catalogue entry must
have cadence `standing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from .. import schema as s
from ..model import Disclosure, Profile, Site, Table, Village
from .. import periods
from ..problems import Problem, error
from ..reading import Reader
from .base import Kind
from .shared import COMMON, markdown_body, markdown_items, table, tabled_texts, titled

CADENCE = "standing"


@dataclass(frozen=True, kw_only=True)
class StandingItem(Disclosure):
    kind: ClassVar[str] = "standing"
    slug: str
    title: str
    item: str
    tables: tuple[Table, ...] = ()
    body: str = ""
    body_line: int = 1


STANDING = {
    "title": s.req(s.text),
    "item": s.req(s.text),
    **COMMON,
    "tables": s.opt(s.list_of(table), ()),
}


def load(reader: Reader, folder: Path, village: str) -> list[StandingItem]:
    """The items of one village's `standing/` folder: one `<slug>.md` per item."""
    return markdown_items(reader, folder, village, STANDING, "长期公开事项", StandingItem)


def check_cadence(site: Site, _village: Village, items: tuple[StandingItem, ...]) -> list[Problem]:
    """A standing item names a catalogue entry that is itself standing; an unknown code is the
    catalogue rule's to report."""
    standing = [entry for entry in site.profile.items if entry.cadence == CADENCE]
    codes = "、".join(entry.code for entry in standing) or "无"
    problems = []
    for item in items:
        entry = site.profile.item(item.item) if item.item is not None else None
        if entry is not None and entry.cadence != CADENCE:
            problems.append(
                error(
                    item.source.path,
                    *item.source.at(("item",)),
                    "unknown-item",
                    f"事项“{entry.name}”（{entry.code}）不是长期公开事项，不能放在 standing 文件夹；长期公开的事项代码有：{codes}",
                )
            )
    return problems


def _covers(item: StandingItem, profile: Profile) -> tuple[tuple[str, str], ...]:
    """A standing item fulfils its catalogue entry for good, while it is on the board (the clock
    checks `posted_until`)."""
    entry = profile.item(item.item) if item.item else None
    return ((entry.code, periods.STANDING),) if entry and entry.cadence == CADENCE else ()


KIND = Kind(
    name="standing",
    model=StandingItem,
    load=load,
    order=lambda item: (item.posted, item.slug),
    path=lambda item: f"{item.village}/standing/{item.slug}/",
    source_dir=lambda item: f"{item.village}/standing",
    markdown=markdown_body,
    title=titled,
    texts=tabled_texts,
    coded=True,
    rules=(check_cadence,),
    covers=_covers,
    bulk={"tables": (), "body": ""},
    poster_context=lambda item: {"numeric": [t.numeric for t in item.tables]},
)

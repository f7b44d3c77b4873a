"""Major matters decided by 四议两公开 (重大事项, contract §7): `major/<slug>.md`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from .. import schema as s
from ..model import Disclosure
from ..reading import Reader
from . import major_rules
from .base import Kind
from .shared import COMMON, markdown_body, markdown_items, titled


@dataclass(frozen=True)
class Step:
    """One step of 四议两公开, with attendance and votes where a meeting voted."""

    step: str
    date: dt.date
    meeting: str | None = None
    members: int | None = None
    adults: int | None = None
    present: int | None = None
    votes_for: int | None = None
    against: int | None = None
    abstain: int | None = None

    @property
    def voted(self) -> bool:
        return self.votes_for is not None


@dataclass(frozen=True)
class Progress:
    date: dt.date
    text: str


@dataclass(frozen=True, kw_only=True)
class MajorMatter(Disclosure):
    kind: ClassVar[str] = "major"
    slug: str
    title: str
    item: str
    amount: Decimal | None = None
    steps: tuple[Step, ...] = ()
    progress: tuple[Progress, ...] = ()
    body: str = ""
    body_line: int = 1

    @property
    def year(self) -> int:
        return self.posted.year

    @property
    def done(self) -> bool:
        return any(step.step == "result-disclosed" for step in self.steps)

    @property
    def updated(self) -> dt.date:
        """A matter changes as it progresses: steps and progress entries count too."""
        dates = [super().updated, *(s.date for s in self.steps), *(p.date for p in self.progress)]
        return max(dates)


step = s.record(
    Step,
    {
        "step": s.req(s.text),
        "date": s.req(s.date),
        "meeting": s.opt(s.choice("村民代表会议", "村民会议")),
        "members": s.opt(s.count),
        "adults": s.opt(s.count),
        "present": s.opt(s.count),
        "for": s.opt(s.count, name="votes_for"),
        "against": s.opt(s.count),
        "abstain": s.opt(s.count),
    },
    "步骤 steps",
)
progress = s.record(Progress, {"date": s.req(s.date), "text": s.req(s.text)}, "进展 progress")

MAJOR = {
    "title": s.req(s.text),
    "item": s.req(s.text),
    "amount": s.opt(s.money),
    **COMMON,
    "steps": s.opt(s.list_of(step), ()),
    "progress": s.opt(s.list_of(progress), ()),
}


def load(reader: Reader, folder: Path, village: str) -> list[MajorMatter]:
    """The matters of one village's `major/` folder: one `<slug>.md` per matter."""
    return markdown_items(reader, folder, village, MAJOR, "重大事项", MajorMatter)


def _texts(matter: MajorMatter):
    yield ("title",), matter.title
    yield ("line", matter.body_line), matter.body
    for index, progress in enumerate(matter.progress):
        yield ("progress", index, "text"), progress.text


KIND = Kind(
    name="major",
    model=MajorMatter,
    load=load,
    order=lambda matter: (matter.posted, matter.slug),
    path=lambda matter: f"{matter.village}/major/{matter.slug}/",
    source_dir=lambda matter: f"{matter.village}/major",
    markdown=markdown_body,
    title=titled,
    texts=_texts,
    coded=True,
    rules=(major_rules.check,),
    bulk={"body": ""},
    append_only=("steps", "progress"),
)

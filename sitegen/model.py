"""The frozen content model: Site → Village → disclosures. Pure data, no I/O.

Here are the fields every kind shares (`Disclosure`, §4) and what is not a disclosure; each
kind's own class lives in its module under `sitegen/kinds/`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

from .source import Source


@dataclass(frozen=True)
class Contact:
    label: str
    phone: str

    @property
    def tel(self) -> str:
        """The number as a `tel:` URI wants it: digits and a leading + only."""
        return re.sub(r"[^\d+]", "", self.phone)


@dataclass(frozen=True)
class Review:
    """Review by the village affairs supervision committee (村务监督委员会) before posting."""

    reviewers: tuple[str, ...]
    date: dt.date
    opinion: str | None = None


@dataclass(frozen=True)
class Correction:
    """A change after posting (更正); corrections are append-only and stay visible."""

    date: dt.date
    reason: str


@dataclass(frozen=True)
class Question:
    """A villager's question on an item and the reply (群众提问与答复, contract §14.3). The
    asker is never named. Adding one, or its answer, is not a new version of the item."""

    asked: dt.date
    channel: str  # 民主日 / 扫码 / 电话 / 信箱 / 其他
    question: str
    answered: dt.date | None = None
    answer: str | None = None


@dataclass(frozen=True, kw_only=True)
class Record:
    """One file a kind reads from a village folder. A bare `Record` is not a disclosure: a board
    photo (公开栏照片, contract §14.4) has no §4 fields, is not reviewed, versioned or postered,
    and is published as soon as it reads; its kind says so (`Kind.record`)."""

    kind: ClassVar[str] = ""
    village: str
    source: Source = field(compare=False, repr=False)
    # key paths of fields that could not be read (each already reported); they hold their default
    unreadable: frozenset[tuple] = field(default=frozenset(), compare=False, repr=False)

    def readable(self, *keys) -> bool:
        """Whether the value at `keys`, and everything in it, was read: a rule needing an
        unreadable value skips itself, so the problems it would find wrongly are not reported."""
        return not any(bad[: len(keys)] == keys or keys[: len(bad)] == bad for bad in self.unreadable)

    @property
    def published(self) -> bool:
        """A record with an unreadable field is never published: what it shows is incomplete."""
        return not self.unreadable


@dataclass(frozen=True, kw_only=True)
class Disclosure(Record):
    """Fields common to every disclosure (contract §4)."""

    posted: dt.date
    posted_until: dt.date | None = None
    summary: str
    review: Review | None = None
    corrections: tuple[Correction, ...] = ()
    # §14.3, read and shown by sitegen/questions.py; not part of what a version is (§12): adding a
    # question or its answer is not a change, so the version record leaves `unversioned` fields out
    questions: tuple[Question, ...] = field(default=(), metadata={"unversioned": True})

    @property
    def published(self) -> bool:
        """Only reviewed items are published; an item without review is a draft, and one with
        an unreadable field is never published (nor glyph-checked: its texts are incomplete)."""
        return self.review is not None and not self.unreadable

    @cached_property
    def version(self) -> str:
        """Short id of what the item shows (sitegen/versions.py), printed on page and poster so
        both can be matched; not of its bytes: a comment or key order is not a new version.
        Computed once per item (a page, its poster, the store and the history all ask for it):
        the item is frozen, so the id cannot go stale."""
        from .versions import version_id  # the store's module; it imports this one

        return version_id(self)

    @property
    def updated(self) -> dt.date:
        """The last date the item changed: posting or its latest correction."""
        return max([self.posted, *(c.date for c in self.corrections)])


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @property
    def numeric(self) -> tuple[bool, ...]:
        """Per column: every filled cell reads as a number (1260.00, 3), so page and poster right-align it."""

        def is_number(cell: str) -> bool:
            text = cell.strip().replace(",", "")
            return bool(text) and text.lstrip("-").replace(".", "", 1).isdigit()

        columns = []
        for index in range(len(self.columns)):
            cells = [row[index].strip() for row in self.rows if index < len(row) and row[index].strip()]
            columns.append(bool(cells) and all(is_number(cell) for cell in cells))
        return tuple(columns)


@dataclass(frozen=True)
class Supervisors:
    chair: str | None = None
    members: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Village:
    slug: str
    name: str
    code: str | None = None
    committee: str
    party_branch: str | None = None
    supervisors: Supervisors = Supervisors()
    contacts: tuple[Contact, ...] = ()
    board: str | None = None
    since: str | None = None  # YYYY-MM: the first month its disclosures are required (§13)
    not_applicable: tuple[tuple[str, str], ...] = ()  # (item code, reason): shown as 不适用, never overdue
    items: tuple[Disclosure, ...] = ()  # every item read, drafts too: by kind (registry order), then the kind's order
    records: tuple[Record, ...] = ()  # what record kinds read (board photos): never among the disclosures
    attachments: tuple[str, ...] = ()  # every file under files/, by its name relative to that folder
    source: Source = field(compare=False, repr=False)

    def of(self, kind: str) -> tuple[Record, ...]:
        """The items (or records) of one kind, drafts too, in that kind's order."""
        return tuple(d for d in (*self.items, *self.records) if d.kind == kind)

    @property
    def paged(self) -> tuple[Record, ...]:
        """Everything published with a page of its own: the disclosures, then the records."""
        return (*self.disclosures, *(r for r in self.records if r.published))

    @property
    def disclosures(self) -> tuple[Disclosure, ...]:
        """Published items, newest posting first (ties broken by path so order is stable)."""
        items = [d for d in self.items if d.published]
        return tuple(sorted(items, key=lambda d: (d.posted, d.kind, d.source.path), reverse=True))


@dataclass(frozen=True)
class CatalogueItem:
    code: str
    name: str
    domain: str
    cadence: str
    min_posting_days: int | None = None
    personal_data: bool = False


@dataclass(frozen=True)
class ProcedureStep:
    code: str
    name: str
    vote: str | None = None  # "party" (党员大会), "meeting" (村民代表会议 / 村民会议) or None


@dataclass(frozen=True)
class Profile:
    """The disclosure catalogue: what may be disclosed, finance categories, the procedure."""

    items: tuple[CatalogueItem, ...]
    income_categories: tuple[str, ...]
    expense_categories: tuple[str, ...]
    steps: tuple[ProcedureStep, ...]
    finance_min_posting_days: int | None = None
    monthly_deadline: int = 15  # finance for a month is due by this day of the next month
    quarterly_deadline: int = 20  # quarterly items by this day of the quarter's next month
    yearly_deadline: tuple[int, int] = (1, 31)  # yearly items by this (month, day) of the next year
    reviewers: tuple[str, ...] = ()  # permitted besides each village's supervisors (e.g. 镇经管站 李明)
    reply_days: int = 10  # a question unanswered for longer is reply-overdue (§14.3)

    def item(self, code: str) -> CatalogueItem | None:
        return next((i for i in self.items if i.code == code), None)

    def step(self, code: str) -> ProcedureStep | None:
        return next((s for s in self.steps if s.code == code), None)

    def item_name(self, code: str) -> str:
        """What pages and posters print for an item code: its catalogue name, else the code."""
        entry = self.item(code)
        return entry.name if entry else code

    def step_name(self, code: str) -> str:
        entry = self.step(code)
        return entry.name if entry else code


@dataclass(frozen=True)
class Withdrawal:
    """A published page taken down: its address keeps a notice saying when and why (撤回)."""

    path: str
    date: dt.date
    reason: str


@dataclass(frozen=True)
class SiteConfig:
    title: str
    base_url: str
    locale: str = "zh-Hans"
    county: str | None = None
    township: str | None = None
    contacts: tuple[Contact, ...] = ()
    poster_size: str = "A4"
    profile: str | None = None
    redirects: tuple[tuple[str, str], ...] = ()
    withdrawn: tuple[Withdrawal, ...] = ()


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    profile: Profile
    villages: tuple[Village, ...]
    as_of: dt.date  # the build's date (`--as-of`, sitegen/clock.py): what is due, late or overdue

    def is_personal(self, disclosure: Disclosure) -> bool:
        """Items whose catalogue entry carries personal data stay out of sitemap and bulk data."""
        code = getattr(disclosure, "item", None)
        entry = self.profile.item(code) if code else None
        return bool(entry and entry.personal_data)

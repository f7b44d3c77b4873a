"""Monthly finance statements (财务收支公开, contract §5): `finance/<YYYY-MM>.yaml`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from .. import periods
from .. import schema as s
from ..model import Disclosure, Profile
from ..reading import MONTH, Reader, period_matches
from . import finance_data, finance_rules
from .base import Kind
from .shared import COMMON, period_files


@dataclass(frozen=True)
class Entry:
    """One line of a finance statement (逐笔)."""

    date: dt.date
    voucher: str
    item: str
    category: str
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class FinanceStatement(Disclosure):
    kind: ClassVar[str] = "finance"
    period: str  # YYYY-MM
    opening_balance: Decimal
    closing_balance: Decimal
    income: tuple[Entry, ...] = ()
    expense: tuple[Entry, ...] = ()
    notes: str | None = None
    notes_line: int = 1

    @property
    def slug(self) -> str:
        return self.period

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def month(self) -> int:
        return int(self.period[5:7])

    @property
    def income_total(self) -> Decimal:
        return sum((e.amount for e in self.income), Decimal("0.00"))

    @property
    def expense_total(self) -> Decimal:
        return sum((e.amount for e in self.expense), Decimal("0.00"))

    @property
    def computed_closing(self) -> Decimal:
        return self.opening_balance + self.income_total - self.expense_total

    @staticmethod
    def subtotals(entries: tuple[Entry, ...]) -> tuple[tuple[str, Decimal, int], ...]:
        """(category, total, count) in order of first appearance: how the clerk listed them."""
        totals: dict[str, tuple[Decimal, int]] = {}
        for entry in entries:
            amount, count = totals.get(entry.category, (Decimal("0.00"), 0))
            totals[entry.category] = (amount + entry.amount, count + 1)
        return tuple((category, amount, count) for category, (amount, count) in totals.items())


# --- schema and files ---------------------------------------------------------------------

entry = s.record(
    Entry,
    {
        "date": s.req(s.date),
        "voucher": s.req(s.text),
        "item": s.req(s.text),
        "category": s.req(s.text),
        "amount": s.req(s.positive_money),
    },
    "收支明细",
)

FINANCE = {
    "period": s.req(s.pattern(MONTH, "年月，格式 YYYY-MM（如 2026-10）", "period-mismatch")),
    **COMMON,
    "opening_balance": s.req(s.money),
    "closing_balance": s.req(s.money),
    "income": s.opt(s.list_of(entry), ()),
    "expense": s.opt(s.list_of(entry), ()),
    "notes": s.opt(s.text),
}


def load(reader: Reader, folder: Path, village: str) -> list[FinanceStatement]:
    """The statements of one village's `finance/` folder: one `YYYY-MM.yaml` per month."""
    return [
        FinanceStatement(village=village, source=source, notes_line=source.at(("notes",))[0], **values)
        for period, values, source in period_files(reader, folder, MONTH, "按月命名的文件，如 2026-10.yaml", FINANCE, "财务收支公开", folder_note=True)
        if period_matches(reader, values, source, period, f"文件名 {period}.yaml")
    ]


# --- what it shows -------------------------------------------------------------------------


def _path(statement: FinanceStatement) -> str:
    return f"{statement.village}/finance/{statement.period}/"


def _markdown(statement: FinanceStatement) -> tuple[str | None, int]:
    """The notes, and the line they start on: `notes: |` starts its text on the next line."""
    lines = statement.source.text.splitlines()  # none for an old version rebuilt from the store
    key_line = lines[statement.notes_line - 1] if 0 < statement.notes_line <= len(lines) else ""
    return statement.notes, statement.notes_line + (1 if re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", key_line) else 0)


def _title(statement: FinanceStatement, strings: dict[str, str]) -> str:
    return strings["finance_title"].format(year=statement.year, month=statement.month)


def _texts(statement: FinanceStatement):
    for side in ("income", "expense"):
        for index, entry in enumerate(getattr(statement, side)):
            for name in ("voucher", "item", "category"):
                yield (side, index, name), getattr(entry, name)
    yield ("notes",), statement.notes or ""


def _due(statement: FinanceStatement, profile: Profile) -> dt.date:
    """Due by the profile's day of the next month."""
    return periods.due(profile, statement.period)


KIND = Kind(
    name="finance",
    model=FinanceStatement,
    load=load,
    order=lambda statement: (statement.period,),
    path=_path,
    source_dir=lambda statement: f"{statement.village}/finance",
    markdown=_markdown,
    title=_title,
    texts=_texts,
    posting_days=lambda statement, profile: profile.finance_min_posting_days,
    due=_due,
    covers=lambda statement, _profile: ((periods.FINANCE, statement.period),),
    rules=(finance_rules.check,),
    bulk={"income": (), "expense": (), "notes": None},
    markdown_var="notes_html",
    files=finance_data.EXPORT.files,
    data_entry=finance_data.EXPORT.data_entry,
    page_links=finance_data.EXPORT.page_links,
)

"""A finance statement's open data: its entries as CSV, with a Frictionless Data Package.

The page path and title come from the caller (the kind's own URL and title), so this module
needs nothing of the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import urls
from ..model import Site, Village
from ..money import format_money
from ..tabular import CsvExport, csv_bytes, csv_inert, csv_resource

if TYPE_CHECKING:
    from .finance import FinanceStatement

INCOME, EXPENSE = "收入", "支出"  # the direction column's values, the same in both scripts


@dataclass(frozen=True)
class Column:
    """A CSV column and its Table Schema field. The field name is the Chinese header itself, so a
    Frictionless validator, which compares header labels with field names, accepts the file."""

    label: str  # i18n key of the header, the page's own column label
    type: str  # Table Schema type
    description: str  # i18n key
    constraints: tuple[tuple[str, object], ...] = (("required", True),)


COLUMNS = (
    Column("col_direction", "string", "field_direction", (("required", True), ("enum", (INCOME, EXPENSE)))),
    Column("col_date", "date", "field_date"),
    Column("col_voucher", "string", "field_voucher", (("required", True), ("unique", True))),
    Column("col_item", "string", "field_item"),
    Column("col_category", "string", "field_category"),
    Column("col_amount", "number", "field_amount"),
)


def statement_csv(statement: FinanceStatement, strings: dict[str, str]) -> bytes:
    """Amounts are exact decimals with two places, written from Decimal, never through a float."""
    header = [strings[c.label] for c in COLUMNS]
    rows = [
        [direction, e.date.isoformat(), csv_inert(e.voucher), csv_inert(e.item), csv_inert(e.category), f"{e.amount:.2f}"]
        for direction, entries in ((INCOME, statement.income), (EXPENSE, statement.expense))
        for e in entries
    ]
    return csv_bytes([header, *rows])


def data_package(site: Site, village: Village, statement: FinanceStatement, page: str, title: str, table: bytes, strings: dict[str, str]) -> dict:
    """A Frictionless (tabular) Data Package describing statement.csv. Balances and totals are
    strings in a `statement` property: JSON numbers are floats to most readers."""
    money = {
        "opening_balance": statement.opening_balance,
        "income_total": statement.income_total,
        "expense_total": statement.expense_total,
        "closing_balance": statement.closing_balance,
    }
    description = strings["package_description"].format(
        title=title, income_count=len(statement.income), expense_count=len(statement.expense),
        **{key: format_money(value) for key, value in money.items()},
    )
    fields = [
        {"name": strings[c.label], "title": strings[c.label], "description": strings[c.description], "type": c.type,
         "format": "default", "constraints": dict(c.constraints)}
        for c in COLUMNS
    ]
    package = {
        "profile": "tabular-data-package",
        "name": f"{village.slug}-finance-{statement.period}",
        "title": title,
        "description": description,
        "homepage": urls.absolute(site.config.base_url, page),
        "keywords": [strings["kind_finance"], village.name, statement.period],
        "contributors": [{"title": village.committee, "role": "publisher"}],
        "statement": {
            "period": statement.period,
            "posted": statement.posted.isoformat(),
            "updated": statement.updated.isoformat(),
            "version": statement.version,
            "currency": "CNY",
            **{key: f"{value:.2f}" for key, value in money.items()},
            "income_count": len(statement.income),
            "expense_count": len(statement.expense),
        },
        "resources": [csv_resource("statement", table, {"fields": fields, "primaryKey": [strings["col_voucher"]], "missingValues": [""]}, title)],
    }
    return package


EXPORT = CsvExport("statement", statement_csv, data_package)

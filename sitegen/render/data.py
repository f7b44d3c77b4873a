"""Feeds and open data: Atom feeds, finance statements as CSV with a Frictionless Data Package,
and a JSON list of each village's items.

Pure functions from the content model to bytes. Every date comes from the content (posting,
corrections), never from the clock, so two builds write the same bytes. Items whose catalogue
entry carries personal data (低保 lists and the like) never appear in any of these files.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Collection, Iterable
from xml.sax.saxutils import escape, quoteattr

from .. import urls
from ..model import Disclosure, FinanceStatement, Site, SiteConfig, Village
from ..money import format_money
from .html import LANG_ATTRIBUTE, Listing, title_of
from .posters import poster_path, size_label

FEED_SIZE = 20  # entries per feed: readers poll often; the village page has the full archive
ATOM = "http://www.w3.org/2005/Atom"
NO_DATE = dt.date(1970, 1, 1)  # `updated` of a feed without entries: content has no date to give
INCOME, EXPENSE = "收入", "支出"  # the direction column's values, the same in both scripts


# --- output paths (contract §11) -----------------------------------------------------------


def feed_path(village: Village | None = None) -> str:
    return urls.village_path(village) + "feed.xml" if village else "feed.xml"


def data_path(village: Village) -> str:
    return urls.village_path(village) + "data.json"


def csv_path(statement: FinanceStatement) -> str:
    return urls.disclosure_path(statement) + "statement.csv"


def package_path(statement: FinanceStatement) -> str:
    return urls.disclosure_path(statement) + "datapackage.json"


# --- what may be shared ----------------------------------------------------------------------


def public_items(site: Site, village: Village) -> tuple[Disclosure, ...]:
    """Published items without personal data, most recently changed first: a correction is news."""
    items = [d for d in village.disclosures if not site.is_personal(d)]
    return tuple(sorted(items, key=_recent, reverse=True))


def _recent(item: Disclosure) -> tuple:
    return (item.updated, item.posted, urls.disclosure_path(item))


def full_title(item: Disclosure, village: Village, strings: dict[str, str]) -> str:
    """The title as the page's <title> shows it: the village name first unless the title has it."""
    title = title_of(item, strings)
    return title if village.name in title else village.name + title


# --- Atom (RFC 4287) -------------------------------------------------------------------------


def _timestamp(day: dt.date) -> str:
    """Atom wants a date-time: the start of the posting day, China Standard Time."""
    return f"{day.isoformat()}T00:00:00+08:00"


@dataclass(frozen=True)
class FeedEntry:
    """One item page as a feed entry; its id is the page URL, which never changes (URL ledger)."""

    url: str
    title: str
    published: dt.date
    updated: dt.date
    summary: str
    kind: str
    label: str
    author: str

    @classmethod
    def of(cls, item: Disclosure, village: Village, base_url: str, strings: dict[str, str]) -> FeedEntry:
        url = urls.absolute(base_url, urls.disclosure_path(item))
        label = strings["kind_" + item.kind]
        return cls(url, full_title(item, village, strings), item.posted, item.updated, item.summary, item.kind, label, village.committee)

    def xml(self) -> str:
        return (
            "<entry>\n"
            f"<id>{escape(self.url)}</id>\n"
            f"<title>{escape(self.title)}</title>\n"
            f'<link rel="alternate" type="text/html" href={quoteattr(self.url)}/>\n'
            f"<published>{_timestamp(self.published)}</published>\n"
            f"<updated>{_timestamp(self.updated)}</updated>\n"
            f"<author><name>{escape(self.author)}</name></author>\n"
            f"<category term={quoteattr(self.kind)} label={quoteattr(self.label)}/>\n"
            f"<summary>{escape(self.summary)}</summary>\n"
            "</entry>\n"
        )


@dataclass(frozen=True)
class Feed:
    """An Atom feed of a village or the township; `updated` is its newest entry's, never build time."""

    url: str  # of feed.xml itself, also the feed's id
    page: str  # the page the feed follows
    title: str
    subtitle: str
    author: str
    lang: str
    entries: tuple[FeedEntry, ...]

    def xml(self) -> bytes:
        updated = max((e.updated for e in self.entries), default=NO_DATE)
        head = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="{ATOM}" xml:lang="{self.lang}">\n'
            f"<id>{escape(self.url)}</id>\n"
            f"<title>{escape(self.title)}</title>\n"
            f"<subtitle>{escape(self.subtitle)}</subtitle>\n"
            f'<link rel="self" type="application/atom+xml" href={quoteattr(self.url)}/>\n'
            f'<link rel="alternate" type="text/html" href={quoteattr(self.page)}/>\n'
            f"<updated>{_timestamp(updated)}</updated>\n"
            f"<author><name>{escape(self.author)}</name></author>\n"
        )
        return (head + "".join(e.xml() for e in self.entries) + "</feed>\n").encode("utf-8")


def village_feed(site: Site, village: Village, strings: dict[str, str]) -> bytes:
    base = site.config.base_url
    entries = tuple(FeedEntry.of(d, village, base, strings) for d in public_items(site, village)[:FEED_SIZE])
    title = strings["page_title"].format(page=village.name, site=site.config.title)
    return Feed(
        urls.absolute(base, feed_path(village)), urls.absolute(base, urls.village_path(village)), title,
        strings["village_lead"], village.committee, LANG_ATTRIBUTE[site.config.locale], entries,
    ).xml()


def township_feed(config: SiteConfig, listings: Iterable[Listing], strings: dict[str, str]) -> bytes:
    """Made from the villages' listings (their newest public items), so no village is loaded again."""
    pairs = sorted(((d, listing.village) for listing in listings for d in listing.public), key=lambda p: _recent(p[0]), reverse=True)
    entries = tuple(FeedEntry.of(d, village, config.base_url, strings) for d, village in pairs[:FEED_SIZE])
    return Feed(
        urls.absolute(config.base_url, feed_path()), config.base_url, config.title, strings["index_lead"],
        config.title, LANG_ATTRIBUTE[config.locale], entries,
    ).xml()


# --- finance statement: CSV and Data Package -------------------------------------------------


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
    """UTF-8 with BOM (Excel on Windows reads BOM-less files as GBK), CRLF as RFC 4180 says;
    amounts are exact decimals with two places, written from Decimal, never through a float."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(strings[c.label] for c in COLUMNS)
    for direction, entries in ((INCOME, statement.income), (EXPENSE, statement.expense)):
        for e in entries:
            writer.writerow([direction, e.date.isoformat(), _inert(e.voucher), _inert(e.item), _inert(e.category), f"{e.amount:.2f}"])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _inert(text: str) -> str:
    """Clerk's text that Excel would run as a formula (=, +, -, @ first) gets a leading ' (OWASP
    CSV injection): the file is downloaded by the public and opened with a double-click."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def data_package(site: Site, village: Village, statement: FinanceStatement, table: bytes, strings: dict[str, str]) -> bytes:
    """A Frictionless (tabular) Data Package describing statement.csv. Balances and totals are
    strings in a `statement` property: JSON numbers are floats to most readers."""
    title = full_title(statement, village, strings)
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
        "homepage": urls.absolute(site.config.base_url, urls.disclosure_path(statement)),
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
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": "statement",
                "path": "statement.csv",
                "title": title,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(table),
                "hash": "sha256:" + hashlib.sha256(table).hexdigest(),
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": {"fields": fields, "primaryKey": [strings["col_voucher"]], "missingValues": [""]},
            }
        ],
    }
    return _json(package)


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- the village's files ---------------------------------------------------------------------


def village_data(site: Site, village: Village, strings: dict[str, str], printed: Collection[str] = ()) -> bytes:
    """data.json: every published item a machine may list, with its page, poster and data URLs."""
    base = site.config.base_url
    items = []
    for d in (d for d in village.disclosures if not site.is_personal(d)):
        path = urls.disclosure_path(d)
        entry = {"kind": d.kind, "title": full_title(d, village, strings), "path": path, "url": urls.absolute(base, path),
                 "posted": d.posted.isoformat(), "updated": d.updated.isoformat(), "version": d.version}
        if poster_path(d) in printed:
            entry["poster"] = urls.absolute(base, poster_path(d))
        if isinstance(d, FinanceStatement):
            entry["csv"] = urls.absolute(base, csv_path(d))
            entry["datapackage"] = urls.absolute(base, package_path(d))
        items.append(entry)
    return _json({
        "village": village.name, "slug": village.slug, "committee": village.committee,
        "url": urls.absolute(base, urls.village_path(village)), "feed": urls.absolute(base, feed_path(village)),
        "items": items,
    })


def village_files(site: Site, village: Village, strings: dict[str, str], printed: Collection[str] = ()) -> dict[str, bytes]:
    """Every feed and data file of one village, by output path."""
    files = {feed_path(village): village_feed(site, village, strings), data_path(village): village_data(site, village, strings, printed)}
    for statement in village.finance:
        if statement.published and not site.is_personal(statement):
            table = statement_csv(statement, strings)
            files[csv_path(statement)] = table
            files[package_path(statement)] = data_package(site, village, statement, table, strings)
    return files


def page_links(site: Site, village: Village, files: dict[str, bytes], strings: dict[str, str]) -> dict[str, dict]:
    """Extra page context per page path: the village feed in every head, the CSV on finance pages."""
    feed_title = strings["feed_title"].format(title=strings["page_title"].format(page=village.name, site=site.config.title))
    links = {}
    for page in (urls.village_path(village), *map(urls.disclosure_path, village.disclosures)):
        links[page] = {"feed_href": urls.relative(page, feed_path(village)), "feed_title": feed_title}
    for d in village.finance:
        page = urls.disclosure_path(d)
        if page in links and csv_path(d) in files:
            links[page].update(csv_href=urls.relative(page, csv_path(d)), csv_size=size_label(len(files[csv_path(d)])),
                               package_href=urls.relative(page, package_path(d)))
    return links


def index_links(config: SiteConfig, strings: dict[str, str]) -> dict:
    """The township feed, in the head of the township index."""
    return {"feed_href": feed_path(), "feed_title": strings["feed_title"].format(title=config.title)}

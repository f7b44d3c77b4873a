"""Feeds and open data: Atom feeds, a JSON list of each village's items, and each kind's own
data files (`Kind.files`: a finance statement's CSV and Data Package).

Pure functions from the content model to bytes. Every date comes from the content (posting,
corrections), never from the clock, so two builds write the same bytes. Items whose catalogue
entry carries personal data (低保 lists and the like) never appear in any of these files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Collection, Iterable
from xml.sax.saxutils import escape, quoteattr

from .. import questions, urls
from ..kinds import KINDS, kind_of
from ..kinds.shared import full_title as _with_village
from ..model import Disclosure, Site, SiteConfig, Village
from ..tabular import json_bytes
from .html import LANG_ATTRIBUTE, Listing, title_of

FEED_SIZE = 20  # entries per feed: readers poll often; the village page has the full archive
ATOM = "http://www.w3.org/2005/Atom"
NO_DATE = dt.date(1970, 1, 1)  # `updated` of a feed without entries: content has no date to give
INCOME, EXPENSE = "收入", "支出"  # the direction column's values, the same in both scripts


# --- output paths (contract §11) -----------------------------------------------------------


def feed_path(village: Village | None = None) -> str:
    return urls.village_path(village) + "feed.xml" if village else "feed.xml"


def data_path(village: Village) -> str:
    return urls.village_path(village) + "data.json"


# --- what may be shared ----------------------------------------------------------------------


def public_items(site: Site, village: Village) -> tuple[Disclosure, ...]:
    """Published items without personal data, most recently changed first: a correction is news."""
    items = [d for d in village.disclosures if not site.is_personal(d)]
    return tuple(sorted(items, key=_recent, reverse=True))


def _recent(item: Disclosure) -> tuple:
    return (item.updated, item.posted, urls.disclosure_path(item))


def full_title(item: Disclosure, village: Village, strings: dict[str, str]) -> str:
    """The title as the page's <title> shows it: the village name first unless the title has it."""
    return _with_village(title_of(item, strings), village)


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




# --- the village's files ---------------------------------------------------------------------


def village_data(site: Site, village: Village, strings: dict[str, str], printed: Collection[str] = (), record=None) -> bytes:
    """data.json: every published item a machine may list, with its page, poster and data URLs,
    and its versions (`record`: history.Record): each one's page stays online."""
    base = site.config.base_url
    histories = record.histories if record else {}
    items = []
    for d in (d for d in village.disclosures if not site.is_personal(d)):
        path = urls.disclosure_path(d)
        entry = {"kind": d.kind, "title": full_title(d, village, strings), "path": path, "url": urls.absolute(base, path),
                 "posted": d.posted.isoformat(), "updated": d.updated.isoformat(), "version": d.version}
        if urls.poster_path(d) in printed:
            entry["poster"] = urls.absolute(base, urls.poster_path(d))
        if path in histories:
            entry["versions"] = [_version(v, base) for v in histories[path].versions]
        entry.update(kind_of(d).data_entry(d, path, base))
        entry["questions"] = questions.data(d)
        items.append(entry)
    return json_bytes({
        "village": village.name, "slug": village.slug, "committee": village.committee,
        "url": urls.absolute(base, urls.village_path(village)), "feed": urls.absolute(base, feed_path(village)),
        "items": items,
    })


def _version(version, base: str) -> dict:
    correction = {"date": version.correction_date.isoformat(), "reason": version.reason} if version.correction_date else None
    return {"number": version.number, "id": version.id, "published": version.published.isoformat(),
            "correction": correction, "current": version.current, "url": urls.absolute(base, version.path)}


def village_files(site: Site, village: Village, strings: dict[str, str], printed: Collection[str] = (), record=None) -> dict[str, bytes]:
    """Every feed and data file of one village, by output path."""
    files = {feed_path(village): village_feed(site, village, strings), data_path(village): village_data(site, village, strings, printed, record)}
    for kind in (kind for kind in KINDS if not kind.record):  # a record is in no data file
        for item in village.of(kind.name):
            if item.published and not site.is_personal(item):
                files.update(kind.files(site, village, item, urls.disclosure_path(item), full_title(item, village, strings), strings))
    return files


def page_links(site: Site, village: Village, files: dict[str, bytes], strings: dict[str, str]) -> dict[str, dict]:
    """Extra page context per page path: the village feed in every head, a kind's data file links on its pages."""
    feed_title = strings["feed_title"].format(title=strings["page_title"].format(page=village.name, site=site.config.title))
    links = {}
    for page in (urls.village_path(village), *map(urls.disclosure_path, village.disclosures)):
        links[page] = {"feed_href": urls.relative(page, feed_path(village)), "feed_title": feed_title}
    for d in village.items:
        page = urls.disclosure_path(d)
        if page in links:
            links[page].update(kind_of(d).page_links(d, page, files))
    return links


def index_links(config: SiteConfig, strings: dict[str, str]) -> dict:
    """The township feed, in the head of the township index."""
    return {"feed_href": feed_path(), "feed_title": strings["feed_title"].format(title=config.title)}


def sitemap(base_url: str, entries: list[tuple[str, bool, dt.date | None]]) -> bytes:
    """All indexable pages; personal-data pages (noindex) are left out."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path, noindex, updated in entries:
        if noindex:
            continue
        lastmod = f"<lastmod>{updated.isoformat()}</lastmod>" if updated else ""
        lines.append(f"<url><loc>{escape(urls.absolute(base_url, path))}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")

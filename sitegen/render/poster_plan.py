"""Poster planning: which PDFs a site has and the HTML of each (Jinja over `poster/`), cheap and
in the build's process; a poster's HTML is made only when its cache entry is not found by its
inputs. A month's posters and its board pack are one batch: the pack is made of the very pages
of the posters, so board and poster cannot differ.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Mapping
from urllib.parse import quote

from markupsafe import Markup

from .. import attachments, urls
from ..kinds import kind_of
from ..model import Contact, Disclosure, Site, Village
from ..source import Source, fingerprint
from .html import Theme, shared_context

ROOT_SIZE = {"A4": "13pt", "A3": "18pt"}  # type scales with the paper: A3 is √2 × A4


@dataclass(frozen=True)
class Doc:
    """One poster as HTML, with the public URL of the page it mirrors (relative links resolve to it)."""

    html: str
    base_url: str


@dataclass(frozen=True)
class PlannedDoc:
    """A poster whose HTML is rendered only when needed: an unchanged poster found in the cache
    by its input key never is (rendering a village's 80 poster HTMLs cost 0.4 s of an edit)."""

    base_url: str
    key: str  # fingerprint of what the HTML is made from; "" when unknown
    make: Callable[[], str] = field(repr=False, compare=False)

    @cached_property
    def html(self) -> str:
        return self.make()


@dataclass(frozen=True)
class PdfFile:
    """One output PDF: the pages of one or more documents of its batch, in order."""

    path: str
    parts: tuple[int, ...]
    title: str = ""  # a pack's own title; a single poster takes the title of its HTML


@dataclass(frozen=True)
class Batch:
    """Files rendered together because they share documents (a month's posters and its pack)."""

    docs: tuple[PlannedDoc, ...]
    files: tuple[PdfFile, ...]


def plan_posters(site: Site, theme: Theme, base: str = "", images: Mapping[str, bytes] | None = None, record=None) -> list[Batch]:
    """Every PDF of the site: per village its sign, then per month the posters posted in it and
    the month's board pack, which holds every poster that changed that month (`changed_months`),
    then a poster per superseded version (`record`: history.Record, for a site of one village).

    With `base`, each document's key hashes it with the page path and the sources it shows."""
    env = _environment(theme)
    batches = []
    histories = record.histories if record else {}
    for village in site.villages:
        contacts = village.contacts + site.config.contacts

        def sign(village=village, contacts=contacts) -> str:
            return env.get_template("sign.html").render(context(site, theme, urls.village_path(village), village=village, contacts=contacts))

        page = urls.village_path(village)
        doc = PlannedDoc(urls.absolute(site.config.base_url, page), _doc_key(base, page, village.source), sign)
        batches.append(Batch((doc,), (PdfFile(urls.sign_path(village), (0,)),)))
        months: dict[str, list[Disclosure]] = {}
        for item in sorted(village.disclosures, key=lambda d: (d.posted, d.kind, urls.disclosure_path(d))):
            for month in changed_months(item):
                months.setdefault(month, []).append(item)
        for month, items in sorted(months.items()):
            docs = tuple(
                _disclosure_doc(site, theme, env, village, item, contacts, base, images or {}, histories.get(urls.disclosure_path(item)))
                for item in items
            )
            files = [PdfFile(urls.poster_path(item), (index,)) for index, item in enumerate(items) if item.posted.strftime("%Y-%m") == month]
            year, number = month.split("-")
            title = theme.strings["board_title"].format(village=village.name, year=int(year), month=int(number))
            files.append(PdfFile(urls.board_path(village, month), tuple(range(len(items))), title))
            batches.append(Batch(docs, tuple(files)))
        for entry in record.superseded if record else ():
            made = histories[urls.disclosure_path(entry.item)]
            page = f"{urls.disclosure_path(entry.item)}v/{entry.id}/"
            doc = _disclosure_doc(site, theme, env, village, entry.item, contacts, base, images or {}, made, page, made.of(entry.id))
            batches.append(Batch((doc,), (PdfFile(page + urls.POSTER_NAME, (0,)),)))
    return batches


def changed_months(item: Disclosure) -> list[str]:
    """The months (YYYY-MM) in which the item's poster changed: posted, corrected, or an entry
    added to one of its append-only lists (a major matter's steps and progress)."""
    dates = [item.posted, *(c.date for c in item.corrections)]
    dates += [entry.date for name in kind_of(item).append_only for entry in getattr(item, name)]
    return sorted({day.strftime("%Y-%m") for day in dates if day >= item.posted})


def _disclosure_doc(
    site: Site,
    theme: Theme,
    env,
    village: Village,
    item: Disclosure,
    contacts: tuple[Contact, ...],
    base: str,
    images: Mapping[str, bytes],
    made=None,
    page_path: str | None = None,
    superseded=None,
) -> PlannedDoc:
    """The poster of an item, or with `page_path` and `superseded` of one of its old versions."""
    page_path = page_path or urls.disclosure_path(item)
    shown = {"history": made} if made else {}
    if superseded:
        shown["superseded"] = superseded
        shown["current_url_html"] = breakable_url(urls.absolute(site.config.base_url, made.current.path))

    def to_url(path: str, image: bool) -> str:  # images print; a link prints the web address of its file
        if image and path in images:
            return attachments.data_uri(path, images[path])
        return urls.absolute(site.config.base_url, quote(path))

    def html() -> str:
        kind = kind_of(item)
        body = kind.markdown(item)[0]
        values = context(
            site,
            theme,
            page_path,
            village=village,
            d=item,
            contacts=contacts,
            body_html=theme.markdown(body, attachments.link_rewriter(item, to_url)) if body else None,
            **kind.poster_context(item),
            **shown,
        )
        return env.get_template(kind.template).render(values)

    pictures = [site_path for name in attachments.referenced(item) if (site_path := attachments.site_path(item.village, name)) in images]
    printed = "".join(f"\0{path}\0{hashlib.sha256(images[path]).hexdigest()}" for path in pictures)
    own = item.source if page_path == urls.disclosure_path(item) else Source(item.source.path, repr(item))  # an old version: from the store
    key = _doc_key(base, f"{page_path}{printed}\0{shown!r}", village.source, own)
    return PlannedDoc(urls.absolute(site.config.base_url, page_path), key, html)


def _doc_key(base: str, page_path: str, *sources: Source) -> str:
    """What a poster is made from besides `base`: its page path and the source files it shows."""
    return fingerprint(f"{base}\0{page_path}", sources) if base else ""


def context(site: Site, theme: Theme, page_path: str, **extra) -> dict:
    """The page's own context, plus the paper: board and web show the same thing."""
    shared = shared_context(site, theme.strings, page_path)
    return {
        **shared,
        "size": site.config.poster_size,
        "root_size": ROOT_SIZE.get(site.config.poster_size, ROOT_SIZE["A4"]),
        "page_url_html": breakable_url(shared["page_url"]),
        **extra,
    }


def breakable_url(url: str) -> Markup:
    """The URL in pieces that may wrap only after a "/", never at a hyphen a reader would misread."""
    pieces = [piece for piece in url.replace("/", "/\n").split("\n") if piece]
    return Markup("").join(Markup('<span class="url-part">{}</span>').format(piece) for piece in pieces)


def _environment(theme: Theme):
    """The theme's Jinja environment, reading poster/ first, with a few print-only filters."""
    import jinja2

    env = theme.env.overlay(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(theme.directory / "poster"), jinja2.FileSystemLoader(theme.directory / "templates")]
        )
    )
    env.filters = {**env.filters, "css_string": css_string, "css_counters": css_counters}
    return env


def css_string(text: str) -> Markup:
    """A CSS string literal (for margin-box content), safe whatever the text holds."""
    escaped = "".join(ch if ch.isalnum() or ch in " ·：:、，。-_/（）()" else f"\\{ord(ch):x} " for ch in text)
    return Markup(f'"{escaped}"')


def css_counters(pattern: str) -> Markup:
    """'第{page}页 共{pages}页' → CSS content with the page counters in place of the fields."""
    parts = []
    rest = pattern
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        if before:
            parts.append(css_string(before))
        parts.append(Markup(f"counter({'pages' if name == 'pages' else 'page'})"))
    if rest:
        parts.append(css_string(rest))
    return Markup(" ".join(parts))

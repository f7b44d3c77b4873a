"""HTML pages: a Jinja2 environment over the theme, and the context every page gets."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from urllib.parse import quote, urlsplit
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import jinja2
import markdown
from markdown.treeprocessors import Treeprocessor
import yaml
from markupsafe import Markup

from .. import attachments, links, questions, status, urls
from ..kinds import KINDS, kind_of
from ..model import Disclosure, Site, Village
from ..money import format_money, uppercase_yuan
from ..source import Source, fingerprint
from ..theme_dir import default_theme
from . import phones, titles
from .qr import qr_svg

LANG_ATTRIBUTE = {"zh-Hans": "zh-CN", "zh-Hant": "zh-Hant"}
_TRADITIONAL = str.maketrans("贰叁陆万亿负", "貳參陸萬億負")


class _DropUnsafeLinks(Treeprocessor):
    """Links and images may only use http(s), mailto, tel or relative addresses."""

    def run(self, root):
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not links.is_safe(value):
                    del element.attrib[attribute]


class _RewriteAttachments(Treeprocessor):
    """Links and images to `files/` are written relative to the item's file; the page is elsewhere.

    `rewrite` (set per conversion) maps (destination, is an image) to the published address, or
    None to leave it.
    """

    rewrite = None

    def run(self, root):
        if self.rewrite is None:
            return
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                published = self.rewrite(value, element.tag == "img") if value is not None else None
                if published is not None:
                    element.set(attribute, published)


def _markdown() -> markdown.Markdown:
    """One reused converter. Raw HTML is switched off: it is escaped, never passed to a page."""
    converter = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    converter.treeprocessors.register(_DropUnsafeLinks(converter), "drop-unsafe-links", 0)
    converter.treeprocessors.register(_RewriteAttachments(converter), "rewrite-attachments", -1)  # after the safety check: its own data: URIs stay
    return converter


def _format_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


class _RecordingEnvironment(jinja2.Environment):
    """Notes the name of every template a render loads (extends, import and include all come
    through here), so each page's cache entry names exactly the templates it was made from."""

    loaded: set[str] | None = None

    def get_template(self, name, parent=None, globals=None):
        template = super().get_template(name, parent, globals)
        if self.loaded is not None:
            self.loaded.add(template.name)
        return template

    def select_template(self, names, parent=None, globals=None):
        template = super().select_template(names, parent, globals)
        if self.loaded is not None:
            self.loaded.add(template.name)
        return template


@dataclass(frozen=True)
class Asset:
    path: str  # fingerprinted site path, e.g. assets/site.3f2a9c1b7e.css
    content: bytes


class Theme:
    """The theme's templates, strings and stylesheet for one locale."""

    def __init__(self, directory: Path, locale: str) -> None:
        self.directory = directory
        self.locale = locale
        self.env = _RecordingEnvironment(
            loader=jinja2.FileSystemLoader(directory / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # a build's templates do not change under it (village_build.shared_theme)
        )
        self.env.filters.update(
            money=lambda value: format_money(Decimal(value)),
            yuan_upper=lambda amount: uppercase_yuan(amount).translate(_TRADITIONAL if locale == "zh-Hant" else {}),
            date=_format_date,
            fmt=lambda pattern, **kwargs: pattern.format(**kwargs),
            tel_links=phones.tel_links,
            title_parts=titles.title_parts,
        )
        self._markdown = _markdown()

    def compile_all(self) -> None:
        """Compile every page template now, before the build forks its workers, which then share
        them instead of each compiling its own; one that fails is left to the render that needs
        it, which reports it."""
        for name in self.env.list_templates(extensions=["html"]):
            try:
                self.env.get_template(name)
            except jinja2.TemplateError:
                pass

    @cached_property
    def strings(self) -> dict[str, str]:
        path = self.directory / "i18n" / f"{self.locale}.yaml"
        return yaml.safe_load(path.read_text("utf-8"))

    @cached_property
    def stylesheet(self) -> Asset:
        return self._asset("site.css")

    @cached_property
    def favicon(self) -> Asset:
        """The tab icon, linked from every page: without one, each page view logs a 404."""
        return self._asset("favicon.svg")

    def _asset(self, name: str) -> Asset:
        """A static file under a fingerprinted name, so it can be cached for ever."""
        content = (self.directory / "static" / name).read_bytes()
        stem, suffix = name.rsplit(".", 1)
        return Asset(f"assets/{stem}.{hashlib.sha256(content).hexdigest()[:10]}.{suffix}", content)

    def render(self, name: str, context: dict[str, Any]) -> tuple[bytes, frozenset[str]]:
        """A template's output, and the names of every template the render loaded."""
        self.env.loaded = set()
        try:
            html = self.env.get_template(name).render(context)
            return html.encode("utf-8"), frozenset(self.env.loaded)
        finally:
            self.env.loaded = None

    def markdown(self, text: str, rewrite: Callable[[str, bool], str | None] | None = None) -> Markup:
        """Markdown as HTML; `rewrite` gives attachment links their published address."""
        self._markdown.reset()
        self._markdown.treeprocessors["rewrite-attachments"].rewrite = rewrite
        try:
            return Markup(self._markdown.convert(text))
        finally:
            self._markdown.treeprocessors["rewrite-attachments"].rewrite = None


@dataclass(frozen=True)
class Page:
    """One planned HTML page: where it goes, which template, and what it shows."""

    path: str  # site path in directory form: "" or "dongtan/finance/2026-10/"
    template: str
    context: dict[str, Any]
    updated: dt.date | None
    noindex: bool = False
    contacts: tuple = ()
    sources: tuple[Source, ...] = ()  # the content files the context is made from
    links: dict[str, Any] = field(default_factory=dict)  # print links and sizes, from the PDFs
    file_name: str | None = None  # instead of path + "index.html" (the 404 page)
    link_base: str | None = None  # root-relative links (the 404 page is served at any depth)
    dated: dt.date | None = None  # the build's date, on a page that shows what it makes due or late

    def key(self, base: str) -> str:
        """What the page shows besides `base` (every input outside the village folders but the
        page templates, which each page records itself, and but the build's date, which only a
        `dated` page shows): its sources, print links and that date."""
        return fingerprint(f"{base}\0{self.path}\0{self.template}\0{self.dated}\0{sorted(self.links.items())!r}", self.sources)

    @property
    def file(self) -> str:
        return self.file_name or self.path + "index.html"


def title_of(item: Disclosure, strings: dict[str, str]) -> str:
    return kind_of(item).title(item, strings)


def shared_context(site: Site, strings: dict[str, str], page_path: str) -> dict[str, Any]:
    """What a web page and its poster both show: the site, strings, and the QR code of the page URL."""
    page_url = urls.absolute(site.config.base_url, page_path)
    return {
        "site": site.config,
        "L": strings,
        "lang": LANG_ATTRIBUTE[site.config.locale],
        "page_url": page_url,
        "qr_svg": Markup(qr_svg(page_url, strings["qr_label"].format(url=page_url))),
        "title_of": lambda item: title_of(item, strings),
        "item_name": site.profile.item_name,
        "step_name": site.profile.step_name,
    }


def render_page(theme: Theme, site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    """Render one page, and name the templates it used. Every page carries a QR code of its own URL."""

    def path_of(obj: Village | Disclosure) -> str:
        return urls.village_path(obj) if isinstance(obj, Village) else urls.disclosure_path(obj)

    context = {
        **shared_context(site, theme.strings, page.path),
        "page_path": page.path,
        "url": lambda path: urls.relative(page.path, path) if page.link_base is None else page.link_base + path,
        "path_of": path_of,
        "css_href": urls.relative(page.path, theme.stylesheet.path) if page.link_base is None else page.link_base + theme.stylesheet.path,
        "favicon_href": urls.relative(page.path, theme.favicon.path) if page.link_base is None else page.link_base + theme.favicon.path,
        "contacts": page.contacts,
        "updated": page.updated,
        "noindex": page.noindex,
        **page.context,
        **page.links,
    }
    return theme.render(page.template, context)


LATEST_ON_INDEX = 10


@dataclass(frozen=True)
class Listing:
    """What the township index shows of a village: a small record kept between builds, so the
    index of a county is made without loading its 300 villages again."""

    village: Village  # without its items
    count: int  # published items
    latest: tuple[Disclosure, ...]  # the newest few, as the index shows them
    updated: dt.date | None
    public: tuple[Disclosure, ...] = ()  # the newest items without personal data, for the township feed

    @classmethod
    def of(cls, village: Village, public: tuple[Disclosure, ...] = ()) -> Listing:
        items = sorted(village.disclosures, key=_newest_first, reverse=True)[:LATEST_ON_INDEX]

        def small(d: Disclosure) -> Disclosure:
            return dataclasses.replace(d, source=Source(d.source.path, ""), **kind_of(d).bulk)

        return cls(
            dataclasses.replace(village, items=(), records=(), source=Source(village.source.path, "")),
            len(village.disclosures),
            tuple(map(small, items)),
            max((d.updated for d in village.disclosures), default=None),
            tuple(map(small, public)),
        )


def _newest_first(item: Disclosure) -> tuple:
    return (item.posted, item.village, urls.disclosure_path(item))


def plan_index(listings: list[Listing], contacts: tuple) -> Page:
    """The township index: every village and the latest items across them."""
    villages = {listing.village.slug: listing.village for listing in listings}
    items = sorted((d for listing in listings for d in listing.latest), key=_newest_first, reverse=True)
    return Page(
        "",
        "index.html",
        {"villages": listings, "latest": [(villages[d.village], d) for d in items[:LATEST_ON_INDEX]]},
        updated=max((listing.updated for listing in listings if listing.updated), default=None),
        contacts=contacts,
    )


def plan_addresses(site: Site, listings: list[Listing]) -> list[Page]:
    """Pages that keep published addresses working: a redirect for each renamed item, a notice
    for each withdrawn one (when and why), and the 404 page, whose links work at any depth."""
    villages = {listing.village.slug: listing.village for listing in listings}
    pages = [
        Page(old, "redirect.html", {"target": new}, updated=None, noindex=True)
        for old, new in site.config.redirects
    ]
    pages += [
        Page(w.path, "withdrawn.html", {"withdrawal": w, "village": villages.get(w.path.split("/")[0])}, updated=w.date, noindex=True)
        for w in site.config.withdrawn
    ]
    root = urlsplit(site.config.base_url).path
    pages.append(Page("", "404.html", {}, updated=None, noindex=True, contacts=site.config.contacts, file_name="404.html", link_base=root))
    return pages


def plan_village(
    site: Site,
    theme: Theme,
    village: Village,
    links: dict[str, dict] | None = None,
    published: dict[str, bytes] | None = None,
    superseded: tuple = (),
    clock: status.VillageStatus | None = None,
) -> list[Page]:
    """A village's home, one page per published item and record, and one per superseded version
    of an item (`history.Record.superseded`: store entries, at `<page>v/<id>/`, never indexed),
    in a stable order.

    `links` adds context per page path: the print links (poster, sign, board packs) and their sizes;
    `published` (the attachments as published) gives a record its photos' sizes. An item's page
    sees the village without its other items, so its cache key needs only its own source and
    village.yaml; the home lists every item, so its key has them all. Only the home shows the
    clock (`clock`, as of the build's date); item pages never depend on that date.
    """
    links = links or {}
    items = village.disclosures
    shown = village.paged
    header = dataclasses.replace(village, items=(), records=())
    contacts = village.contacts + site.config.contacts
    by_kind = [(kind.name, [d for d in items if d.kind == kind.name][:6], kind.home) for kind in KINDS if not kind.record]
    records = [([r for r in reversed(shown) if r.kind == kind.name], kind.home) for kind in KINDS if kind.record]  # newest first
    years = sorted({d.posted.year for d in items}, reverse=True)
    archive = [(year, [d for d in items if d.posted.year == year]) for year in years]
    pages = [
        Page(
            urls.village_path(village),
            "village.html",
            {"village": village, "latest_by_kind": by_kind, "records": [(rs, home) for rs, home in records if rs], "archive": archive, "questions": questions.latest(items),
             "clock_lines": status.home_lines(clock or status.village_status(site, village)),
             "day_label": lambda day: status.day_label(day, site.as_of), "period_label": status.period_label},
            updated=max((d.updated for d in shown), default=None),
            contacts=contacts,
            sources=(village.source, *(d.source for d in shown)),
            links=links.get(urls.village_path(village), {}),
            dated=site.as_of,  # the clock: overdue and next due as of the build's date
        )
    ]
    pages_of = [(item, urls.disclosure_path(item), (village.source, item.source), site.is_personal(item)) for item in shown]
    pages_of += [
        (entry.item, f"{urls.disclosure_path(entry.item)}v/{entry.id}/", (village.source, Source(f"{entry.item.source.path}@{entry.id}", repr(entry.item.questions))), True)
        for entry in superseded
    ]
    for item, page_path, sources, noindex in pages_of:
        kind = kind_of(item)
        body = kind.markdown(item)[0]
        rewrite = attachments.link_rewriter(item, lambda path, image, here=page_path: urls.relative(here, quote(path)))
        html = theme.markdown(body, rewrite) if body else None
        extra = {kind.markdown_var: html or Markup("")}
        pages.append(
            Page(
                page_path,
                kind.template,
                {"village": header, "d": item, "private": site.is_personal(item), **extra},
                updated=item.updated,
                noindex=noindex,
                contacts=contacts,
                sources=sources,
                links={**links.get(page_path, {}), **kind.attachment_links(item, page_path, published or {})},
            )
        )
    return pages

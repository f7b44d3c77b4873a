"""One village as one task: load, check, render its posters and pages, into blobs in the cache.

Every rule works within one village, so a village is the unit of work; the task takes plain
arguments (`VillageTask`) so any executor can run it. Its result (`VillageOutput`) is also its
record in the cache (`village_record.py`: JSON, checked when read, the cache being untrusted), so
an unchanged village is not even loaded next time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import attachments, history, questions, records, status, urls, versions
from .blobs import Blob, Blobs
from .loader import load_root, load_village
from .model import Site, Village
from .problems import Problem, error, has_errors
from .render import data as open_data
from .render.html import Listing, Theme, plan_village, render_page
from .rules import check_site, timeliness
from .status import VillageStatus

@dataclass(frozen=True)
class VillageTask:
    """What a worker needs to build one village: folders as absolute paths (workers may run
    elsewhere), `shown` as the clerk wrote the content folder (problems name it so)."""

    content: str
    slug: str
    theme_dir: str
    posters: bool
    cache: str
    as_of: str  # the build's date, YYYY-MM-DD
    shown: str | None = None
    base: str = ""  # fingerprint of every input outside the village folders but the page templates
    templates: dict[str, str] | None = None  # page template name → sha256, as the snapshot found them
    previous: VillageOutput | None = None  # its last result: pages whose key and templates match are kept
    record: str | None = None  # where the worker saves its result as the village's record (None: nowhere)
    key: str = ""  # the village's key (`Snapshot.village_keys`), for the record's
    store: str = ""  # sha256 of its version store as the build's snapshot found it
    recorded: bool = True  # False: a preview, which never writes the version store


@dataclass(frozen=True)
class PageMemo:
    """How a page was last rendered: from what (key), with which templates (name, sha256), into which blob."""

    key: str
    templates: tuple[tuple[str, str], ...]
    blob: Blob


@dataclass(frozen=True)
class VillageOutput:
    """What one village contributes: its problems, its files, and what the site-wide pages need."""

    problems: tuple[Problem, ...]
    files: dict[str, Blob | bytes] = field(default_factory=dict)  # pages and PDFs, in the blob cache (bytes if it is full)
    listing: Listing | None = None  # what the township index shows of the village
    sitemap: tuple[tuple[str, bool, dt.date | None], ...] = ()  # (path, noindex, updated)
    pages: dict[str, PageMemo] = field(default_factory=dict)  # page path → memo, for the next build
    posters: dict[str, str] = field(default_factory=dict)  # poster input key → PDF cache key, likewise
    versions: tuple[str, ...] = ()  # lines the build appends to the village's version store (§12)
    clock: VillageStatus | None = None  # its row on the inspection page, as of the build's date
    templates: tuple[tuple[str, str], ...] = ()  # every (page template, sha256) its pages were rendered with
    dates: tuple[dt.date, dt.date] | None = None  # built as of the first, and all the same as of any day up to the second (`steady`)


def holding(output: VillageOutput, day: dt.date) -> VillageOutput | None:
    """The village's record as of `day`, if `day` is within the dates it holds for (`steady`):
    only its row's date changes; else None (the village is built again)."""
    if output.dates is None or output.clock is None or output.clock.as_of != output.dates[0]:
        return None
    if not output.dates[0] <= day <= output.dates[1]:
        return None
    return dataclasses.replace(output, clock=dataclasses.replace(output.clock, as_of=day))


def steady(site: Site, village: Village, clock: VillageStatus) -> dt.date:
    """The last as-of date, from the build's on, for which every date-dependent result of the
    village is the same as on the build's date: the earliest end of each reader of `as_of`
    (the clock and the home page, the questions' and corrections' dates). Checked once more on
    that last day: if anything differs there, the record holds for the build's date alone."""
    until = min(status.steady_until(site, village, clock), questions.steady_until(site), history.steady_until(site, village))
    if until > site.as_of and dated(site, village, clock) != dated(dataclasses.replace(site, as_of=until), village):
        return site.as_of
    return until


def dated(site: Site, village: Village, clock: VillageStatus | None = None) -> tuple:
    """Everything of a village (`site` holds it alone) that reads the build's date, but the date
    itself: its row on the status page, the home's clock lines and the year its dates are said
    in, the overdue, question and correction problems."""
    clock = clock or status.village_status(site, village)
    corrections = [p for item in village.items if item.published for p in history.correction_dates(site, item)]
    return (
        dataclasses.replace(clock, as_of=None), status.home_lines(clock), site.as_of.year,
        timeliness.overdue(site, village, clock), questions.check(site), corrections,
    )


def build_village(task: VillageTask) -> VillageOutput:
    """One village, saved as its record when it has no error, by the worker: encoding the
    records in the parent took its time from the workers. The key is that of the version store
    as this build leaves it (with the village's new lines appended)."""
    from .village_record import record_key, save_record  # which imports this module

    output = _built(task)
    if task.record is not None and not has_errors(output.problems):
        grown = task.recorded and output.versions
        after = hashlib.sha256(versions.appended(versions.raw(Path(task.content), task.slug), output.versions)).hexdigest() if grown else task.store
        save_record(Path(task.record), record_key(task.key, task.recorded, after), output)
    return output


def _built(task: VillageTask) -> VillageOutput:
    """One village: load, check, render its posters and pages; a page whose key, recorded
    templates and blob are as in `task.previous` is not rendered again."""
    content, slug, theme_dir, posters, cache = task.content, task.slug, task.theme_dir, task.posters, task.cache
    shown, base, templates, previous = task.shown, task.base, task.templates, task.previous
    root, _, _ = load_root(content, dt.date.fromisoformat(task.as_of))  # two small files; the parent reports their problems
    village, problems = load_village(content, slug, shown)
    if root is None or village is None:
        return VillageOutput(tuple(problems))
    site = dataclasses.replace(root, villages=(village,))
    problems += check_site(site)
    record, found = history.examine(Path(content), site, village, shown)
    problems = timeliness.quiet(problems + found)
    if has_errors(problems):
        return VillageOutput(tuple(problems))
    theme = shared_theme(Path(theme_dir), root.config.locale, theme_signature(base, templates))
    blobs = Blobs(Path(cache))
    old_files = previous.files if previous else {}
    old_pages = previous.pages if previous else {}

    def store(path: str, data: bytes) -> Blob | bytes:
        old = old_files.get(path)
        if old and old.sha256 == hashlib.sha256(data).hexdigest() and blobs.intact(old):
            return old
        try:
            return blobs.put(data)
        except OSError:  # a full or read-only cache: hand the bytes over instead
            return data

    printed: dict[str, bytes] = {}
    poster_memo: dict[str, str] = {}
    links: dict[str, dict] = {}
    files: dict[str, Blob | bytes] = {}
    memos: dict[str, PageMemo] = {}
    published, attachment_problems = attachments.publish_village(village, Path(content) / slug)
    if has_errors(attachment_problems):
        return VillageOutput((*problems, *attachment_problems))
    files.update((path, store(path, data)) for path, data in published.items())
    try:
        if posters:
            from .render.posters import build_posters, page_links  # imports WeasyPrint: only when needed

            memo = previous.posters if previous else None
            rendered, poster_problems = build_posters(site, theme, Path(cache), base=base, memo=memo, images=published, record=record)
            printed, poster_memo = rendered.files, rendered.memo
            problems += poster_problems
            if has_errors(poster_problems):
                return VillageOutput(tuple(problems))
            links = page_links(site, theme, printed, record)
            files.update((path, store(path, data)) for path, data in printed.items())
        extra = open_data.village_files(site, village, theme.strings, printed, record)  # feed, data.json, CSVs
        files.update((path, store(path, data)) for path, data in extra.items())
        for path, more in open_data.page_links(site, village, extra, theme.strings).items():
            links[path] = {**links.get(path, {}), **more}
        templates = templates or {}
        for path, more in history_links(record).items():
            links[path] = {**links.get(path, {}), **more}
        clock = status.village_status(site, village)
        until = steady(site, village, clock)
        pages = plan_village(site, theme, village, links, published, record.superseded, clock)
        for page in pages:
            key = page.key(base)
            memo = old_pages.get(page.path)
            if not (memo and memo.key == key and blobs.intact(memo.blob) and all(templates.get(n) == d for n, d in memo.templates)):
                data, names = render_page(theme, site, page)
                stored = store(page.file, data)
                if not isinstance(stored, Blob):
                    files[page.file] = stored
                    continue
                memo = PageMemo(key, tuple(sorted((name, templates.get(name, "")) for name in names)), stored)
            memos[page.path] = memo
            files[page.file] = memo.blob
    except jinja2.TemplateError as exc:
        return VillageOutput((*problems, template_problem(exc, theme)))
    entries = tuple((page.path, page.noindex, page.updated) for page in pages)
    listing = Listing.of(village, open_data.public_items(site, village)[: open_data.FEED_SIZE])
    lines = record.lines(versions.raw(Path(content), slug), slug)
    used = tuple(sorted({pair for memo in memos.values() for pair in memo.templates}))
    return VillageOutput(tuple(problems), files, listing, entries, memos, poster_memo, lines, clock, used, (site.as_of, until))


def history_links(record: history.Record) -> dict[str, dict]:
    """Per page path: the item's history (版本记录), and on an old version's page which one it is."""
    links: dict[str, dict] = {path: {"history": made} for path, made in record.histories.items()}
    for entry in record.superseded:
        made = record.histories[urls.disclosure_path(entry.item)]
        links[history.old_path(entry.item, entry.id)] = {"history": made, "superseded": made.of(entry.id)}
    return links


_THEMES: dict[tuple[Path, str], tuple[object, Theme]] = {}


def shared_theme(directory: Path, locale: str, signature: object) -> Theme:
    """One Theme per process and locale: templates compile once, not once per village. The
    Theme never re-reads a file (no Jinja auto-reload, a stat per template per page), so it is
    made again when `signature` — the build's fingerprint of the theme files — changes."""
    key = (Path(directory), locale)
    if key not in _THEMES or _THEMES[key][0] != signature:
        _THEMES[key] = (signature, Theme(Path(directory), locale))
    return _THEMES[key][1]


def theme_signature(base: str, templates: dict[str, str] | None) -> object:
    """Every theme file as the build's snapshot found it: the page templates' digests, and `base`
    (every other input outside the village folders, the poster templates, strings and styles too)."""
    return (base, tuple(sorted((templates or {}).items())))


def template_problem(exc: jinja2.TemplateError, theme: Theme) -> Problem:
    """Locate a template error: syntax errors carry a line; runtime errors have it in the traceback."""
    name = getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    if not name:
        templates = str(theme.directory)  # page templates and poster templates
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.startswith(templates):
                name, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    return error(str(name or "templates"), line or 1, 1, "template", f"主题模板出错：{exc.message or exc}")

"""The build, as a checklist: fingerprint → load → validate → plan → render → write atomically.

A failed build leaves the previous output untouched: every page is rendered and every problem
known before the first write, and the new site is then swapped in whole (`output.py`). Files
whose bytes did not change are hard-linked from the old output, so their mtimes stay and deploys
upload nothing for them; when no input changed at all, nothing is rendered or written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import jinja2

from . import atomic, attachments, ledger, records, urls
from .blobs import Blob, Blobs, Tampered
from .output import OutputError, check_folders, check_marker, locked, publish, recover
from .output import problem as output_problem
from .loader import load_root, load_village
from .problems import Problem, Severity, error, has_errors
from .render import data as open_data
from .render.html import Listing, Theme, default_theme, plan_addresses, plan_index, plan_village, render_page
from .rules import addresses, check_content, check_site
from .state import BuildState, Snapshot, folder_mtimes, load_state, save_state, snapshot

PACKAGE = Path(__file__).resolve().parent
RECORD_VERSION = 3  # of the village records in the cache: a record of another shape is not read
VILLAGES_PER_WORKER = 8  # with posters, a worker process is replaced after this many villages


@dataclass(frozen=True)
class BuildResult:
    problems: tuple[Problem, ...]
    files: int = 0
    written: int = 0  # files whose bytes changed (0 for a no-op rebuild)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def build(
    content: str | Path,
    output: str | Path,
    theme_dir: Path | None = None,
    posters: bool = True,
    cache_dir: str | Path | None = None,
    jobs: int | None = None,
    executor: str | None = None,
    record_urls: bool = True,
) -> BuildResult:
    """Build the site from `content` into `output`. On any error, `output` is not touched.

    A successful build adds its new page URLs to the content's ledger, unless `record_urls` is
    False (a preview: a draft's address is not published yet, so it must not become permanent).

    `posters=False` skips the PDFs (posters, signs, board packs). Rendered PDFs and the build
    state are kept in `cache_dir` (default `$SITEGEN_CACHE` or `.sitegen-cache`), which is safe
    to delete. `jobs` worker processes render villages (default: one per core); with
    `executor="dask://HOST:PORT"` a Dask cluster renders them instead.
    """
    content, output = Path(content), Path(output)
    if output.is_symlink():  # `public -> /srv/www/site`: the site is replaced there, the link stays
        output = output.resolve()
    problems = check_folders(content, output)
    if problems:
        return BuildResult(tuple(problems))
    try:
        with locked(output):
            try:
                recover(output)
            except OSError as exc:
                return BuildResult((output_problem(output, exc),))
            problems = check_marker(output)
            if problems:
                return BuildResult(tuple(problems))
            return _build(content, output, theme_dir, posters, cache_dir, jobs, executor, record_urls)
    except OutputError as exc:
        return BuildResult((exc.problem,))


def _build(
    content: Path,
    output: Path,
    theme_dir: Path | None,
    posters: bool,
    cache_dir: str | Path | None,
    jobs: int | None,
    executor: str | None,
    record_urls: bool,
) -> BuildResult:
    """The build itself, holding the output's lock."""
    cache = Path(cache_dir or os.environ.get("SITEGEN_CACHE") or ".sitegen-cache")
    theme_dir = theme_dir or default_theme()
    previous = load_state(cache, output)
    inputs = snapshot(
        [content, theme_dir, PACKAGE],
        {"posters": posters},  # no output depends on SOURCE_DATE_EPOCH: every date comes from content
        previous.stats if previous else None,
        skip=frozenset({(content / ledger.LEDGER).as_posix()}),  # read by the URL check alone, written by the build
    )
    intact = previous is not None and previous.output_intact(output)

    def fingerprint() -> str:  # the inputs, the ledger as it is now, and whether URLs get recorded
        return f"{inputs.digest} {ledger.digest(content)} {'recorded' if record_urls else 'preview'}"

    if intact and previous.inputs == fingerprint():
        return BuildResult(previous.warnings, len(previous.outputs), 0)
    templates = inputs.digests_under((theme_dir / "templates").as_posix())
    produced = produce(content, theme_dir, posters, cache, Reuse(inputs, previous if intact else None, templates), jobs, executor)
    if has_errors(produced.problems):
        return BuildResult(tuple(produced.problems))
    blobs, kept = Blobs(cache), previous.outputs if intact else {}
    try:
        try:
            written, changed = publish(output, produced.files, blobs, kept)
        except Tampered:  # a cached file changed after it was checked: render everything, trust nothing
            produced = produce(content, theme_dir, posters, cache, Reuse(inputs, None, templates, trusted=False), jobs, executor)
            if has_errors(produced.problems):
                return BuildResult(tuple(produced.problems))
            written, changed = publish(output, produced.files, blobs, kept)
    except OSError as exc:
        return BuildResult((*produced.problems, output_problem(output, exc)))
    except Tampered:
        message = "生成期间缓存文件被反复改动，本次未作改动；请确认没有别的程序在改 .sitegen-cache 后重新运行"
        return BuildResult((*produced.problems, error(cache.as_posix(), 1, 1, "output", message)))
    problems = list(produced.problems)
    if record_urls:
        problems += ledger.write(content, produced.published)
    warnings = tuple(p for p in problems if p.severity is Severity.WARNING)
    save_state(cache, output, BuildState(fingerprint(), written, warnings, inputs.stats, folder_mtimes(output, written)))
    return BuildResult(tuple(problems), len(produced.files), changed)


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


@dataclass(frozen=True)
class Reuse:
    """What lets a build skip villages, and pages, whose inputs did not change since the last build."""

    inputs: Snapshot
    previous: BuildState | None  # only when the output folder is exactly as that build left it
    templates: dict[str, str]  # page template name → sha256, as the snapshot found them
    trusted: bool = True  # False: no village record is read (a cached file changed during the build)

    def unchanged(self, record: VillageOutput, blobs: Blobs) -> bool:
        """Its templates are as they were, and each of its files is in the output or the cache."""
        for memo in record.pages.values():
            if any(self.templates.get(name) != digest for name, digest in memo.templates):
                return False
        kept = self.previous.outputs if self.previous else {}
        return all(
            (path in kept and kept[path][2] == blob.sha256) or blobs.intact(blob) for path, blob in record.files.items()
        )


def _record_file(cache: Path, content: Path, slug: str, posters: bool) -> Path:
    name = hashlib.sha256(f"{content.resolve()}\0{slug}\0{posters}".encode()).hexdigest()[:24]
    return cache / "villages" / f"{name}.json"


def _load_record(path: Path) -> tuple[str, VillageOutput] | None:
    """A village's last result, if the file is one this version wrote: plain JSON checked against
    the types (the cache is untrusted input), every output path inside the output folder."""
    try:
        version, key, record = records.read(path, tuple[int, str, VillageOutput])
    except (OSError, records.RecordError, ValueError):  # ValueError: a Blob whose name is not a sha256
        return None  # a damaged record costs a render, never a wrong page
    return (key, record) if version == RECORD_VERSION and all(map(_inside, record.files)) else None


def _inside(relative: str) -> bool:
    """A path that stays in the output folder: no root, no `..`, no empty or hidden part."""
    return all(part and not part.startswith(".") for part in relative.split("/")) and "\0" not in relative


def _save_record(path: Path, key: str, output: VillageOutput) -> None:
    if not all(isinstance(blob, Blob) for blob in output.files.values()):
        return  # the cache could not take its files: nothing to point the record at
    try:
        atomic.write_bytes(path, records.dumps((RECORD_VERSION, key, output)))
    except (OSError, TypeError):  # TypeError: a model field the codec cannot record yet (a test catches it)
        pass  # a read-only or full cache costs speed next time, never the build


@dataclass(frozen=True)
class Produced:
    files: dict[str, bytes | Blob]
    problems: list[Problem]
    published: frozenset[str] = frozenset()  # absolute URL of every page, for the ledger


def produce(
    content: Path,
    theme_dir: Path,
    posters: bool,
    cache: Path,
    reuse: Reuse,
    jobs: int | None = None,
    executor: str | None = None,
) -> Produced:
    """Every output file (path → bytes, or a blob in the cache) and every page URL, or the
    problems that stop the build. Writes nothing but the cache.

    Villages are independent, so each is loaded, checked and rendered as one task, in worker
    processes when there are several. A village whose inputs did not change since the last build
    is not even loaded; in one that did, only the pages whose inputs changed are rendered. The
    township index and sitemap are made from the villages' listings.
    """
    root, slugs, problems = load_root(content)
    if root is None:
        return Produced({}, check_content(content)[1])
    blobs = Blobs(cache)
    # page templates: each page records those it used
    base, keys = reuse.inputs.village_keys(content, slugs, skip=(theme_dir / "templates").as_posix())
    outputs: dict[str, VillageOutput] = {}
    previous: dict[str, VillageOutput] = {}
    for slug in slugs if reuse.trusted else ():
        record = _load_record(_record_file(cache, content, slug, posters))
        if record and record[0] == keys[slug] and reuse.unchanged(record[1], blobs):
            outputs[slug] = record[1]
        elif record:
            previous[slug] = record[1]
    # absolute paths, so workers elsewhere find the folders; problems still name them as given
    todo = [slug for slug in slugs if slug not in outputs]
    folders = (str(content.resolve()), str(theme_dir.resolve()), str(cache.resolve()))
    tasks = [
        (folders[0], slug, folders[1], posters, folders[2], str(content), base, reuse.templates, previous.get(slug))
        for slug in todo
    ]
    if executor and tasks:
        fresh = _dask_map(executor, build_village, tasks)
        if isinstance(fresh, Problem):
            return Produced({}, [fresh])
    else:
        fresh = _map(build_village, tasks, jobs, recycle=posters)
    for slug, output in zip(todo, fresh):
        outputs[slug] = output
        if not has_errors(output.problems):
            _save_record(_record_file(cache, content, slug, posters), keys[slug], output)
    outputs = [outputs[slug] for slug in slugs]
    problems = sorted({*problems, *(p for output in outputs for p in output.problems)})  # each once
    if has_errors(problems):
        return Produced({}, problems)
    theme = _theme(theme_dir, root.config.locale)
    listings = [o.listing for o in outputs if o.listing]
    site = dataclasses.replace(root, villages=tuple(listing.village for listing in listings))
    collided = addresses.collisions(p for output in outputs for p in output.files)  # two sources, one path
    files: dict[str, bytes | Blob] = {p: d for output in outputs for p, d in output.files.items()}
    pages = {path.removesuffix("index.html") for path in files if path.endswith("index.html")}
    refused = collided or addresses.problems(content, site.config, pages)
    if refused:
        return Produced({}, [*problems, *refused])
    index = dataclasses.replace(plan_index(listings, site.config.contacts), links=open_data.index_links(site.config, theme.strings))
    kept = plan_addresses(site, listings)
    try:
        for page in (index, *kept):
            files[page.file] = render_page(theme, site, page)[0]
    except jinja2.TemplateError as exc:
        return Produced({}, [*problems, _template_problem(exc, theme)])
    files[theme.stylesheet.path] = theme.stylesheet.content
    files["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(site.config.base_url, 'sitemap.xml')}\n".encode()
    entries = [(index.path, index.noindex, index.updated), *(e for output in outputs for e in output.sitemap)]
    files["sitemap.xml"] = sitemap(site.config.base_url, entries)
    files[open_data.feed_path()] = open_data.township_feed(site.config, listings, theme.strings)
    published = {urls.absolute(site.config.base_url, path.removesuffix("index.html")) for path in files if path.endswith("index.html")}
    recorded, unreadable = ledger.read(content)
    problems += unreadable + ledger.removed(str(content), recorded, published)
    return Produced(files, sorted(problems), frozenset(published))


def build_village(
    content: str,
    slug: str,
    theme_dir: str,
    posters: bool,
    cache: str,
    shown: str | None = None,
    base: str = "",
    templates: dict[str, str] | None = None,
    previous: VillageOutput | None = None,
) -> VillageOutput:
    """One village: load, check, render its posters and pages. Plain arguments, so any executor can run it.

    `base` fingerprints every input outside the village folder but the page templates, and
    `templates` (name → sha256) those, as the build's snapshot found them; a page whose key,
    recorded templates and blob are as in `previous` is not rendered again.
    """
    root, _, _ = load_root(content)  # two small files; the parent reports their problems
    village, problems = load_village(content, slug, shown)
    if root is None or village is None:
        return VillageOutput(tuple(problems))
    site = dataclasses.replace(root, villages=(village,))
    problems += check_site(site)
    if has_errors(problems):
        return VillageOutput(tuple(problems))
    theme = _theme(Path(theme_dir), root.config.locale)
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
            rendered, poster_problems = build_posters(site, theme, Path(cache), base=base, memo=memo, images=published)
            printed, poster_memo = rendered.files, rendered.memo
            problems += poster_problems
            if has_errors(poster_problems):
                return VillageOutput(tuple(problems))
            links = page_links(site, theme, printed)
            files.update((path, store(path, data)) for path, data in printed.items())
        extra = open_data.village_files(site, village, theme.strings, printed)  # feed, data.json, CSVs
        files.update((path, store(path, data)) for path, data in extra.items())
        for path, more in open_data.page_links(site, village, extra, theme.strings).items():
            links[path] = {**links.get(path, {}), **more}
        templates = templates or {}
        pages = plan_village(site, theme, village, links)
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
        return VillageOutput((*problems, _template_problem(exc, theme)))
    entries = tuple((page.path, page.noindex, page.updated) for page in pages)
    listing = Listing.of(village, open_data.public_items(site, village)[: open_data.FEED_SIZE])
    return VillageOutput(tuple(problems), files, listing, entries, memos, poster_memo)


_THEMES: dict[tuple[Path, str], Theme] = {}


def _theme(directory: Path, locale: str) -> Theme:
    """One Theme per process and locale: templates compile once, not once per village."""
    key = (Path(directory), locale)
    if key not in _THEMES:
        _THEMES[key] = Theme(Path(directory), locale)
    return _THEMES[key]


def _map(function, tasks: list[tuple], jobs: int | None, recycle: bool) -> list:
    """Run tasks in order, in forked worker processes when there are several.

    With posters, a worker is replaced after a few villages: WeasyPrint gives memory back only
    when its process ends.
    """
    jobs = min(jobs or os.cpu_count() or 1, len(tasks))
    if jobs <= 1:
        return [function(*task) for task in tasks]
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, maxtasksperchild=VILLAGES_PER_WORKER if recycle else None) as pool:
        return pool.starmap(function, tasks, chunksize=1)


def _dask_map(address: str, function, tasks: list[tuple]) -> list | Problem:
    """Run tasks on a Dask cluster whose workers have sitegen installed and see the same folders."""
    if not address.startswith("dask://"):
        return error("--executor", 1, 1, "executor", f"不认识的执行器 {address}，应为 dask://主机:端口")
    try:
        from distributed import Client
    except ImportError:
        return error("--executor", 1, 1, "executor", "未安装 Dask：请运行 pip install 'sitegen[dask]'")
    try:
        with Client("tcp://" + address.removeprefix("dask://"), timeout="10s") as client:
            # pure=False: a cluster that outlives a build must never hand back an earlier result
            return client.gather(client.map(function, *zip(*tasks), pure=False))
    except OSError as exc:
        return error("--executor", 1, 1, "executor", f"连接 Dask 集群 {address} 失败（{exc}）")


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


def _template_problem(exc: jinja2.TemplateError, theme: Theme) -> Problem:
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

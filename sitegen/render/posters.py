"""Printable posters (PDF, WeasyPrint): one per disclosure, a QR sign per village, a board pack per month.

Posters are planned here in the main process (Jinja → HTML strings, cheap) and laid out in worker
processes (WeasyPrint, slow and memory-hungry: it only gives memory back when a process ends).
Every PDF is cached under a hash of everything that can change its bytes, so an unchanged
poster is never rendered twice. A month's posters and its board pack are one batch: the pack
is made of the very pages of the posters, so board and poster cannot differ.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import hashlib
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Mapping
from urllib.parse import quote

from markupsafe import Markup

from .. import atomic, attachments, urls
from ..kinds import kind_of
from ..model import Contact, Disclosure, Site, Village
from ..problems import Problem, error, warning
from ..rules import glyphs
from ..sizes import size_label
from ..source import Source, fingerprint
from . import fonts
from .html import Theme, default_theme, shared_context

POSTER_NAME = "poster.pdf"
RENDERER = "sitegen-posters-1"  # bump when this module changes how a PDF is made
MAX_TASKS_PER_WORKER = 8  # WeasyPrint frees memory only at process exit
ROOT_SIZE = {"A4": "13pt", "A3": "18pt"}  # type scales with the paper: A3 is √2 × A4


# --- output paths (contract §11) -----------------------------------------------------------


def poster_path(item: Disclosure) -> str:
    return urls.disclosure_path(item) + POSTER_NAME


def sign_path(village: Village) -> str:
    return urls.village_path(village) + "sign.pdf"


def board_path(village: Village, month: str) -> str:
    return f"{urls.village_path(village)}board/{month}.pdf"


# --- the build step -------------------------------------------------------------------


def build_posters(
    site: Site,
    theme: Theme,
    cache_dir: Path,
    workers: int | None = None,
    base: str = "",
    memo: Mapping[str, str] | None = None,
    images: Mapping[str, bytes] | None = None,
) -> tuple[Rendered, list[Problem]]:
    """All PDFs of the site, or the located problems that stop them (nothing half-rendered).

    With `base` (the fingerprint of every input outside the village folders) each poster gets
    an input key, and `memo` (input key → cache key, from the last build) finds an unchanged
    PDF in the cache without rendering its HTML. `images` (site path → published bytes) are the
    attachments the posters print, exactly as the web shows them."""
    setup = setup_problems(theme)
    if setup:
        where = str(fonts.fonts_dir(theme.directory) / fonts.SUMS)
        return Rendered({}, (), 0), [error(where, 1, 1, "poster-setup", message) for message in setup]
    if theme.directory.resolve() != default_theme().resolve():  # `check` already ran the default font
        missing = glyphs.missing_glyphs(site, fonts.coverage(theme.directory) or frozenset())
        if missing:
            return Rendered({}, (), 0), missing
    rendered = render_posters(plan_posters(site, theme, base, images), theme, cache_dir, workers, memo)
    where = str(_stylesheet(theme))
    return rendered, [warning(where, 1, 1, "poster", f"WeasyPrint：{text}") for text in rendered.warnings]


# --- the plan: what to render -----------------------------------------------------------


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


def plan_posters(site: Site, theme: Theme, base: str = "", images: Mapping[str, bytes] | None = None) -> list[Batch]:
    """Every PDF of the site: per village its sign, then per posting month the posters and the pack.

    With `base`, each document's key hashes it with the page path and the sources it shows."""
    env = _environment(theme)
    batches = []
    for village in site.villages:
        contacts = village.contacts + site.config.contacts

        def sign(village=village, contacts=contacts) -> str:
            return env.get_template("sign.html").render(_context(site, theme, urls.village_path(village), village=village, contacts=contacts))

        page = urls.village_path(village)
        doc = PlannedDoc(urls.absolute(site.config.base_url, page), _doc_key(base, page, village.source), sign)
        batches.append(Batch((doc,), (PdfFile(sign_path(village), (0,)),)))
        months: dict[str, list[Disclosure]] = {}
        for item in sorted(village.disclosures, key=lambda d: (d.posted, d.kind, urls.disclosure_path(d))):
            months.setdefault(item.posted.strftime("%Y-%m"), []).append(item)
        for month, items in sorted(months.items()):
            docs = tuple(_disclosure_doc(site, theme, env, village, item, contacts, base, images or {}) for item in items)
            files = [PdfFile(poster_path(item), (index,)) for index, item in enumerate(items)]
            year, number = month.split("-")
            title = theme.strings["board_title"].format(village=village.name, year=int(year), month=int(number))
            files.append(PdfFile(board_path(village, month), tuple(range(len(items))), title))
            batches.append(Batch(docs, tuple(files)))
    return batches


def _disclosure_doc(
    site: Site,
    theme: Theme,
    env,
    village: Village,
    item: Disclosure,
    contacts: tuple[Contact, ...],
    base: str,
    images: Mapping[str, bytes],
) -> PlannedDoc:
    page_path = urls.disclosure_path(item)

    def to_url(path: str, image: bool) -> str:  # images print; a link prints the web address of its file
        if image and path in images:
            return attachments.data_uri(path, images[path])
        return urls.absolute(site.config.base_url, quote(path))

    def html() -> str:
        kind = kind_of(item)
        body = kind.markdown(item)[0]
        context = _context(
            site,
            theme,
            page_path,
            village=village,
            d=item,
            contacts=contacts,
            body_html=theme.markdown(body, attachments.link_rewriter(item, to_url)) if body else None,
            **kind.poster_context(item),
        )
        return env.get_template(kind.template).render(context)

    shown = [site_path for name in attachments.referenced(item) if (site_path := attachments.site_path(item.village, name)) in images]
    printed = "".join(f"\0{path}\0{hashlib.sha256(images[path]).hexdigest()}" for path in shown)
    key = _doc_key(base, page_path + printed, village.source, item.source)
    return PlannedDoc(urls.absolute(site.config.base_url, page_path), key, html)


def _doc_key(base: str, page_path: str, *sources: Source) -> str:
    """What a poster is made from besides `base`: its page path and the source files it shows."""
    return fingerprint(f"{base}\0{page_path}", sources) if base else ""


def _context(site: Site, theme: Theme, page_path: str, **extra) -> dict:
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


# --- setup checks ----------------------------------------------------------------------


def setup_problems(theme: Theme) -> list[str]:
    """Why posters cannot be rendered here, in Chinese; empty when fonts and HarfBuzz are ready.

    Without libharfbuzz-subset WeasyPrint silently subsets fonts with fontTools: many times slower
    with a CJK font, and it stamps the current time into every font, so PDFs stop being reproducible.
    """
    problems = fonts.font_problems(theme.directory)
    if not harfbuzz_subset_loaded():
        problems.append(
            "未找到 HarfBuzz 字体子集库（libharfbuzz-subset0）：没有它，海报生成会慢很多且每次结果不同。"
            "请运行 sh tools/system-deps.sh 安装，或用 --no-posters 先只生成网站"
        )
    return problems


def harfbuzz_subset_loaded() -> bool:
    """The same test WeasyPrint makes before it subsets with HarfBuzz (weasyprint/pdf/fonts.py)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


# --- cache keys ------------------------------------------------------------------------


def engine_fingerprint(theme: Theme) -> str:
    """Everything besides the HTML that can change a PDF's bytes: tools, stylesheet, fonts."""
    import fontTools
    import pydyf
    import weasyprint
    from weasyprint.text.ffi import pango

    parts = [
        RENDERER,
        f"weasyprint {weasyprint.__version__}",
        f"pydyf {pydyf.__version__}",
        f"fonttools {fontTools.version}",
        f"pango {pango.pango_version()}",
        f"harfbuzz {_harfbuzz_version()}",
        hashlib.sha256(_stylesheet(theme).read_bytes()).hexdigest(),
        *(f"{path.name} {fonts.digest(path)}" for path in fonts.font_files(theme.directory)),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _harfbuzz_version() -> str:
    name = ctypes.util.find_library("harfbuzz") or "libharfbuzz.so.0"
    try:
        library = ctypes.CDLL(name)
    except OSError:  # pragma: no cover - WeasyPrint itself would not have loaded
        return "unknown"
    library.hb_version_string.restype = ctypes.c_char_p
    return library.hb_version_string().decode("ascii")


def file_key(engine: str, batch: Batch, pdf: PdfFile) -> str:
    hasher = hashlib.sha256(engine.encode("ascii"))
    for index in pdf.parts:
        doc = batch.docs[index]
        for text in (doc.base_url, doc.html):
            hasher.update(len(text.encode("utf-8")).to_bytes(8, "big") + text.encode("utf-8"))
    hasher.update(pdf.title.encode("utf-8"))
    return hasher.hexdigest()


def input_key(engine: str, batch: Batch, pdf: PdfFile) -> str:
    """The file's key from its documents' input keys, without their HTML ("" when one is unknown)."""
    keys = [batch.docs[index].key for index in pdf.parts]
    if not all(keys):
        return ""
    return hashlib.sha256("\0".join([engine, *keys, pdf.title]).encode("utf-8")).hexdigest()


def content_identifier(batch: Batch, pdf: PdfFile) -> bytes:
    """The PDF's permanent /ID: from its content only, so a re-render of the same notice keeps it."""
    hasher = hashlib.sha256(pdf.title.encode("utf-8"))
    for index in pdf.parts:
        hasher.update(batch.docs[index].base_url.encode("utf-8") + b"\0" + batch.docs[index].html.encode("utf-8"))
    return hasher.digest()[:16]


# --- rendering -------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """The part of a batch that is not cached yet: its documents and the files still to make."""

    docs: tuple[Doc, ...]
    files: tuple[tuple[PdfFile, str, bytes], ...]  # (file, cache key, PDF identifier)


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]
    warnings: tuple[str, ...]  # WeasyPrint's own warnings (a font that failed to load, a bad SVG …)
    rendered: int  # how many PDFs were actually rendered (the rest came from the cache)
    memo: dict[str, str] = field(default_factory=dict)  # input key → cache key, for the next build


def render_posters(
    batches: Iterable[Batch], theme: Theme, cache_dir: Path, workers: int | None = None, memo: Mapping[str, str] | None = None
) -> Rendered:
    """Every planned PDF as (path → bytes): from the cache when its inputs are unchanged.

    A file whose input key `memo` knows is looked up by the cache key recorded for it; only
    the others have their HTML rendered and hashed."""
    engine = engine_fingerprint(theme)
    cache = Cache(cache_dir)
    memo = memo or {}
    files: dict[str, bytes] = {}
    known: dict[str, str] = {}
    tasks = []
    for batch in batches:
        missing = []
        for pdf in batch.files:
            inputs = input_key(engine, batch, pdf)
            key = memo.get(inputs) if inputs else None
            cached = cache.get(key) if key else None
            if cached is None:  # not known by its inputs: hash its HTML (rendering it if need be)
                key = file_key(engine, batch, pdf)
                cached = cache.get(key)
            if cached is None:
                missing.append((pdf, key, content_identifier(batch, pdf)))
            else:
                files[pdf.path] = cached
            if inputs:
                known[inputs] = key
        if missing:
            tasks.append(Task(tuple(Doc(doc.html, doc.base_url) for doc in batch.docs), tuple(missing)))
    warnings: list[str] = []
    count = 0
    for outputs, logged in _run(tasks, _stylesheet(theme), workers):
        warnings.extend(logged)
        for path, key, data in outputs:
            cache.put(key, data)
            files[path] = data
            count += 1
    return Rendered(files, tuple(dict.fromkeys(warnings)), count, known)


def _run(tasks: list[Task], stylesheet: Path, workers: int | None):
    """Run tasks in worker processes; one small task runs here, saving the start of a pool."""
    if not tasks:
        return
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    if workers == 1:
        _init_worker(str(stylesheet))
        try:
            for task in tasks:
                yield _render_task(task)
        finally:
            _WORKER.clear()  # let the FontConfiguration go now, not at interpreter exit
        return
    # forkserver: workers fork from a clean process that has only imported WeasyPrint, not from a
    # parent holding fonts and caches. WeasyPrint gives memory back only when a process ends, so
    # the pool is renewed after about MAX_TASKS_PER_WORKER tasks a worker. (Not max_tasks_per_child:
    # on Python 3.11 it deadlocks once a worker retires, CPython gh-115634.) A worker that dies
    # fails the build with BrokenProcessPool instead of hanging it.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "sitegen.render.posters"])
    largest_first = sorted(tasks, key=lambda t: -sum(len(d.html) for d in t.docs))
    per_pool = workers * MAX_TASKS_PER_WORKER
    for start in range(0, len(largest_first), per_pool):
        with ProcessPoolExecutor(workers, context, _init_worker, (str(stylesheet),)) as pool:
            futures = [pool.submit(_render_task, task) for task in largest_first[start : start + per_pool]]
            for future in as_completed(futures):
                yield future.result()


_WORKER: dict = {}


def _init_worker(stylesheet: str) -> None:
    """Per process: one FontConfiguration and the parsed stylesheet, reused for every poster."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    _WORKER.update(
        stylesheet=stylesheet,
        font_config=font_config,
        css=CSS(filename=stylesheet, font_config=font_config, url_fetcher=fonts.url_fetcher(Path(stylesheet).parents[1])),
    )


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _render_task(task: Task) -> tuple[list[tuple[str, str, bytes]], list[str]]:
    """Lay out each document once; write each file from those pages. Returns (path, key, PDF)."""
    from weasyprint import HTML
    from weasyprint.pdf.metadata import DocumentMetadata

    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        documents: dict[int, object] = {}

        def document(index: int):
            if index not in documents:
                doc = task.docs[index]
                documents[index] = HTML(string=doc.html, base_url=doc.base_url).render(
                    font_config=_WORKER["font_config"], stylesheets=[_WORKER["css"]]
                )
            return documents[index]

        outputs = []
        for pdf, key, identifier in task.files:
            parts = [document(index) for index in pdf.parts]
            if len(parts) == 1 and not pdf.title:
                combined = parts[0]
            else:
                combined = parts[0].copy([page for part in parts for page in part.pages])
                first = parts[0].metadata
                combined.metadata = DocumentMetadata(
                    title=pdf.title,
                    authors=first.authors,
                    generator=first.generator,
                    lang=first.lang,
                    created=min(p.metadata.created for p in parts),
                    modified=max(p.metadata.modified for p in parts),
                )
            with _source_date_epoch(combined.metadata.modified):
                outputs.append((pdf.path, key, combined.write_pdf(pdf_identifier=identifier)))
        return outputs, collect.messages
    finally:
        logger.removeHandler(collect)


@contextmanager
def _source_date_epoch(modified: str | None):
    """While writing one PDF, SOURCE_DATE_EPOCH is the content's own date, whatever the caller set.

    Nothing on the HarfBuzz path reads the clock, but a library that honours SOURCE_DATE_EPOCH
    (fontTools stamps fonts with it) then writes a content date, never the time of the build;
    so no PDF byte depends on the caller's value, and a CI that sets it per commit does not
    re-render every poster. Restored afterwards: posters also render in the build's process.
    """
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    if modified:
        day = dt.date.fromisoformat(modified[:10])
        os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def _stylesheet(theme: Theme) -> Path:
    return theme.directory / "poster" / "poster.css"


class Cache:
    """PDFs by key in a folder that is safe to delete (`.sitegen-cache/posters/ab/abcdef….pdf`).

    The cache is untrusted input (CI restores it from shared storage): each entry starts with the
    sha256 of its PDF, checked on every read, so a damaged or tampered entry is rendered again,
    never printed. (Forging a consistent entry needs write access to the cache and is documented.)
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root) / "posters"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pdf"

    def get(self, key: str) -> bytes | None:
        try:
            entry = self._path(key).read_bytes()
        except OSError:
            return None
        digest, data = entry[:64], entry[65:]
        if entry[64:65] != b"\n" or hashlib.sha256(data).hexdigest().encode() != digest:
            return None
        return data

    def put(self, key: str, data: bytes) -> None:
        """Write atomically, so a build stopped half-way never leaves a truncated PDF behind."""
        try:
            atomic.write_bytes(self._path(key), hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
        except OSError:  # a read-only or full disk costs speed next time, never the build
            pass


# --- links from the pages --------------------------------------------------------------


def page_links(site: Site, theme: Theme, files: Mapping[str, bytes]) -> dict[str, dict]:
    """Extra page context per page path: the poster link of a disclosure, the sign and packs of a village."""
    links: dict[str, dict] = {}
    strings = theme.strings
    for village in site.villages:
        page = urls.village_path(village)
        prints = []
        if sign_path(village) in files:
            prints.append((strings["print_sign"], urls.relative(page, sign_path(village)), size_label(len(files[sign_path(village)]))))
        months = sorted({d.posted.strftime("%Y-%m") for d in village.disclosures}, reverse=True)
        for month in months:
            path = board_path(village, month)
            if path in files:
                label = strings["print_board"].format(year=int(month[:4]), month=int(month[5:]))
                prints.append((label, urls.relative(page, path), size_label(len(files[path]))))
        links[page] = {"prints": prints}
        for item in village.disclosures:
            path = poster_path(item)
            if path in files:
                links[urls.disclosure_path(item)] = {
                    "poster_href": urls.relative(urls.disclosure_path(item), path),
                    "poster_size": size_label(len(files[path])),
                }
    return links

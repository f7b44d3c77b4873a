"""Laying posters out and writing the PDFs (WeasyPrint, slow and memory-hungry: it gives memory
back only when a process ends), with the setup checks and the engine's fingerprint. The build
renders in its own village worker; `run` lets a caller (bench/poster_pool.py) spread tasks over
processes of its own.
"""

from __future__ import annotations

import collections
import ctypes
import ctypes.util
import datetime as dt
import hashlib
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from .. import fonts
from . import fit
from .html import Theme
from .pdf_cache import Cache, content_identifier, file_key, input_key
from .poster_plan import Batch, Doc, PdfFile

RENDERER = "sitegen-posters-2"  # bump when this module (or fit.py) changes how a PDF is made


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


# --- what else makes a PDF's bytes --------------------------------------------------------


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
        hashlib.sha256(stylesheet(theme).read_bytes()).hexdigest(),
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


# --- rendering -------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """The part of a batch that is not cached yet: its documents and the files still to make."""

    docs: tuple[Doc, ...]
    files: tuple[tuple[PdfFile, str, bytes], ...]  # (file, cache key, PDF identifier)
    later: frozenset[bytes] = frozenset()  # `same_document` of each document a later task prints too


def same_document(doc: Doc) -> bytes:
    """Documents with this digest lay out alike: one layout serves each file that prints it."""
    return hashlib.sha256(f"{doc.base_url}\0{doc.html}".encode()).digest()


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]
    warnings: tuple[str, ...]  # WeasyPrint's own warnings (a font that failed to load, a bad SVG …)
    rendered: int  # how many PDFs were actually rendered (the rest came from the cache)
    memo: dict[str, str] = field(default_factory=dict)  # input key → cache key, for the next build


Outputs = tuple[list[tuple[str, str, bytes]], list[str]]  # (path, cache key, PDF) per file; warnings
Runner = Callable[[list[Task], Path], Iterable[Outputs]]


def render_posters(
    batches: Iterable[Batch], theme: Theme, cache_dir: Path, memo: Mapping[str, str] | None = None, run: Runner | None = None
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
    tasks = _with_later(tasks)
    warnings: list[str] = []
    count = 0
    for outputs, logged in (run or run_here)(tasks, stylesheet(theme)):
        warnings.extend(logged)
        for path, key, data in outputs:
            cache.put(key, data)
            files[path] = data
            count += 1
    return Rendered(files, tuple(dict.fromkeys(warnings)), count, known)


def _with_later(tasks: list[Task]) -> list[Task]:
    """Each task with the documents that later tasks print too: a layout is kept for those only
    (a village's layouts held to its end were most of a poster worker's memory)."""
    seen: set[bytes] = set()
    out = []
    for task in reversed(tasks):
        out.append(replace(task, later=frozenset(seen)))
        seen |= {same_document(task.docs[index]) for pdf, _, _ in task.files for index in pdf.parts}
    return out[::-1]


def run_here(tasks: list[Task], sheet: Path) -> Iterator[Outputs]:
    """Render every task in this process, with one font configuration and parsed stylesheet."""
    if not tasks:
        return
    init_worker(str(sheet))
    try:
        for task in tasks:
            yield render_task(task)
    finally:
        _WORKER.clear()  # let the FontConfiguration go now, not at interpreter exit


_WORKER: dict = {}


def init_worker(stylesheet: str) -> None:
    """Per process: one FontConfiguration and the parsed stylesheet, reused for every poster."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    _WORKER.update(
        stylesheet=stylesheet,
        font_config=font_config,
        css=CSS(filename=stylesheet, font_config=font_config, url_fetcher=fonts.url_fetcher(Path(stylesheet).parents[1])),
        laid_out={},  # sha256 of a document's HTML → its layout, so one poster in several packs is laid out once
    )


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_task(task: Task) -> Outputs:
    """Lay out each document once; write each file from those pages. Returns (path, key, PDF)."""
    from weasyprint import HTML
    from weasyprint.pdf.metadata import DocumentMetadata

    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        laid_out = _WORKER["laid_out"]

        digests = [same_document(doc) for doc in task.docs]
        uses = collections.Counter(digests[index] for pdf, _, _ in task.files for index in pdf.parts)

        def document(index: int):
            doc, same = task.docs[index], digests[index]
            if same not in laid_out:  # a matter whose progress goes into several months' packs: laid out once
                laid_out[same] = fit.one_page(
                    lambda extra: HTML(string=doc.html, base_url=doc.base_url).render(
                        font_config=_WORKER["font_config"], stylesheets=[_WORKER["css"], *extra]
                    ),
                    doc.html,
                )
            return laid_out[same]

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
            del parts, combined
            for index in pdf.parts:  # a layout no file still to write prints is let go
                uses[digests[index]] -= 1
                if not uses[digests[index]] and digests[index] not in task.later:
                    laid_out.pop(digests[index], None)
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


def stylesheet(theme: Theme) -> Path:
    return theme.directory / "poster" / "poster.css"

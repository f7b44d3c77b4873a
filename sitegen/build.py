"""The build, as a checklist: fingerprint → load → validate → plan → render → write atomically.

A failed build leaves the previous output untouched: everything is written into a sibling
temporary folder that replaces the old one only when every file has been rendered. Files whose
bytes did not change are hard-linked from the old output, so their mtimes stay and deploys
upload nothing for them; when no input changed at all, nothing is rendered or written.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import jinja2

from . import urls
from .model import Site
from .problems import Problem, Severity, error, has_errors
from .rules import check_content
from .render.html import Page, Theme, default_theme, plan_pages, render_page
from .state import BuildState, load_state, save_state, snapshot

PACKAGE = Path(__file__).resolve().parent
PARALLEL_FROM = 200  # fewer pages render faster here than a pool starts


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
) -> BuildResult:
    """Build the site from `content` into `output`. On any error, `output` is not touched.

    `posters=False` skips the PDFs (posters, signs, board packs). Rendered PDFs and the build
    state are kept in `cache_dir` (default `$SITEGEN_CACHE` or `.sitegen-cache`), which is safe
    to delete. `jobs` worker processes render pages (default: one per core).
    """
    content, output = Path(content), Path(output)
    problems = list(_check_folders(content, output))
    if problems:
        return BuildResult(tuple(problems))
    cache = Path(cache_dir or os.environ.get("SITEGEN_CACHE") or ".sitegen-cache")
    theme_dir = theme_dir or default_theme()
    previous = load_state(cache, output)
    inputs = snapshot(
        [content, theme_dir, PACKAGE],
        {"posters": posters, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH")},
        previous.stats if previous else None,
    )
    if previous and previous.inputs == inputs.digest and previous.output_intact(output):
        return BuildResult(previous.warnings, len(previous.outputs), 0)
    site, problems = check_content(content)
    if site is None or has_errors(problems):
        return BuildResult(tuple(problems))
    theme = Theme(theme_dir, site.config.locale)
    try:
        printed: dict[str, bytes] = {}
        if posters:
            from .render.posters import build_posters  # imports WeasyPrint: only when needed

            printed, poster_problems = build_posters(site, theme, cache)
            problems = [*problems, *poster_problems]
            if has_errors(poster_problems):
                return BuildResult(tuple(problems))
        files = render_site(site, theme, printed, jobs)
    except jinja2.TemplateError as exc:
        return BuildResult(tuple(problems) + (_template_problem(exc, theme),))
    except _TemplateFailure as failure:
        return BuildResult(tuple(problems) + (failure.problem,))
    written, changed = write_atomically(output, files, previous)
    warnings = tuple(p for p in problems if p.severity is Severity.WARNING)
    save_state(cache, output, BuildState(inputs.digest, written, warnings, inputs.stats))
    return BuildResult(tuple(problems), len(files), changed)


def render_site(
    site: Site, theme: Theme, printed: dict[str, bytes] | None = None, jobs: int | None = None
) -> dict[str, bytes]:
    """Every output file of the site as (relative path → bytes). Pure: no writes.

    `printed` holds the rendered PDFs; pages link them, labelled with their size.
    """
    files: dict[str, bytes] = {}

    def add(path: str, content: bytes) -> None:
        if path in files:  # two sources must never write one path
            raise ValueError(f"two outputs for {path}")
        files[path] = content

    printed = printed or {}
    links = {}
    if printed:
        from .render.posters import page_links

        links = page_links(site, theme, printed)
    for path, pdf in sorted(printed.items()):
        add(path, pdf)
    pages = plan_pages(site, theme, links)
    for page, html in zip(pages, render_pages(site, theme, pages, jobs)):
        add(page.file, html)
    add(theme.stylesheet.path, theme.stylesheet.content)
    add("sitemap.xml", sitemap(site, pages))
    return files


def sitemap(site: Site, pages: list[Page]) -> bytes:
    """All indexable pages; personal-data pages (noindex) are left out."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in pages:
        if page.noindex:
            continue
        lastmod = f"<lastmod>{page.updated.isoformat()}</lastmod>" if page.updated else ""
        lines.append(f"<url><loc>{escape(urls.absolute(site.config.base_url, page.path))}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


class _TemplateFailure(Exception):
    """A template error raised in a worker process, already located there."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


_FORKED: tuple = ()  # (site, theme, pages): inherited by forked workers, never pickled


def render_pages(site: Site, theme: Theme, pages: list[Page], jobs: int | None = None) -> list[bytes]:
    """Render pages, in worker processes when there are many (forked: they share the model)."""
    global _FORKED
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(pages) < PARALLEL_FROM:
        return [render_page(theme, site, page) for page in pages]
    _FORKED = (site, theme, pages)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_render_forked, range(len(pages)), chunksize=max(1, len(pages) // (jobs * 8)))
    finally:
        _FORKED = ()
    failures = [r for r in results if isinstance(r, Problem)]
    if failures:
        raise _TemplateFailure(failures[0])
    return results


def _render_forked(index: int) -> bytes | Problem:
    site, theme, pages = _FORKED
    try:
        return render_page(theme, site, pages[index])
    except jinja2.TemplateError as exc:
        return _template_problem(exc, theme)


def write_atomically(
    output: Path, files: dict[str, bytes], previous: BuildState | None = None
) -> tuple[dict[str, list], int]:
    """Write into a sibling folder, then swap it in; the old output is removed only after the swap.

    A file whose bytes the previous build wrote, still untouched, is hard-linked instead of
    rewritten, keeping its mtime. Returns what was written (path → [size, mtime_ns, sha256])
    and how many files got new bytes.
    """
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}.new-{os.getpid()}")
    retired = output.with_name(f".{output.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    reusable = previous.outputs if previous else {}
    written: dict[str, list] = {}
    changed = 0
    try:
        for relative in sorted(files):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256(files[relative]).hexdigest()
            if not _link_unchanged(output / relative, target, reusable.get(relative), digest):
                target.write_bytes(files[relative])
                changed += 1
            info = target.stat()
            written[relative] = [info.st_size, info.st_mtime_ns, digest]
        if output.exists():
            output.rename(retired)
        staging.rename(output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not output.exists():
            retired.rename(output)
        raise
    shutil.rmtree(retired, ignore_errors=True)
    return written, changed


def _link_unchanged(old: Path, new: Path, recorded: list | None, digest: str) -> bool:
    """Hard-link `old` to `new` when it still holds exactly the bytes `digest` names."""
    if not recorded or recorded[2] != digest:
        return False
    try:
        info = old.stat()
        if info.st_size != recorded[0] or info.st_mtime_ns != recorded[1]:
            return False
        os.link(old, new)
        return True
    except OSError:  # gone, or a file system without hard links: write it instead
        return False


def _check_folders(content: Path, output: Path) -> list[Problem]:
    """Refuse an output folder whose replacement would destroy content or an unrelated folder."""
    shown = output.as_posix()
    content_abs, output_abs = content.resolve(), output.resolve()
    if output_abs == content_abs or output_abs in content_abs.parents or content_abs in output_abs.parents:
        return [error(shown, 1, 1, "output", "输出文件夹不能是内容文件夹本身，也不能包含它或在它里面")]
    if output_abs == Path.cwd().resolve() or output_abs == Path.home().resolve() or output_abs == Path("/"):
        return [error(shown, 1, 1, "output", "输出文件夹不能是当前文件夹或主目录，请用单独的文件夹（如 output）")]
    if output.is_dir() and any(output.iterdir()):
        if not ((output / "index.html").is_file() and (output / "sitemap.xml").is_file()):
            return [error(shown, 1, 1, "output", "输出文件夹已存在且不是 sitegen 生成的网站；为免误删，请换一个文件夹或先清空它")]
    elif output.exists() and not output.is_dir():
        return [error(shown, 1, 1, "output", "输出路径已存在且不是文件夹")]
    return []


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

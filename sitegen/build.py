"""The build, as a checklist: load → validate → plan → render → write atomically.

A failed build leaves the previous output untouched: everything is written into a sibling
temporary folder that replaces the old one only when every file has been rendered.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import jinja2

from . import urls
from .model import Site
from .problems import Problem, error, has_errors
from .rules import check_content
from .render.html import Page, Theme, default_theme, plan_pages, render_page


@dataclass(frozen=True)
class BuildResult:
    problems: tuple[Problem, ...]
    files: int = 0

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def build(
    content: str | Path,
    output: str | Path,
    theme_dir: Path | None = None,
    posters: bool = True,
    cache_dir: str | Path | None = None,
) -> BuildResult:
    """Build the site from `content` into `output`. On any error, `output` is not touched.

    `posters=False` skips the PDFs (posters, signs, board packs). Rendered PDFs are cached in
    `cache_dir` (default `$SITEGEN_CACHE` or `.sitegen-cache`), which is safe to delete.
    """
    content, output = Path(content), Path(output)
    problems = list(_check_folders(content, output))
    if problems:
        return BuildResult(tuple(problems))
    site, problems = check_content(content)
    if site is None or has_errors(problems):
        return BuildResult(tuple(problems))
    theme = Theme(theme_dir or default_theme(), site.config.locale)
    try:
        printed: dict[str, bytes] = {}
        if posters:
            from .render.posters import build_posters  # imports WeasyPrint: only when needed

            cache = Path(cache_dir or os.environ.get("SITEGEN_CACHE") or ".sitegen-cache")
            printed, poster_problems = build_posters(site, theme, cache)
            problems = [*problems, *poster_problems]
            if has_errors(poster_problems):
                return BuildResult(tuple(problems))
        files = render_site(site, theme, printed)
    except jinja2.TemplateError as exc:
        return BuildResult(tuple(problems) + (_template_problem(exc, theme),))
    write_atomically(output, files)
    return BuildResult(tuple(problems), len(files))


def render_site(site: Site, theme: Theme, printed: dict[str, bytes] | None = None) -> dict[str, bytes]:
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
    for page in pages:
        add(page.file, render_page(theme, site, page))
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


def write_atomically(output: Path, files: dict[str, bytes]) -> None:
    """Write into a sibling folder, then swap it in; the old output is removed only after the swap."""
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}.new-{os.getpid()}")
    retired = output.with_name(f".{output.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for relative in sorted(files):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[relative])
        if output.exists():
            output.rename(retired)
        staging.rename(output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not output.exists():
            retired.rename(output)
        raise
    shutil.rmtree(retired, ignore_errors=True)


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

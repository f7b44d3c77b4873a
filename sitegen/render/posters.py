"""Printable posters (PDF): the build step over planning (`poster_plan`), rendering (`pdf`) and
the cache (`pdf_cache`), and the print links the pages show.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from .. import urls
from ..model import Site
from ..problems import Problem, error, warning
from ..rules import glyphs
from ..sizes import size_label
from .. import fonts
from .html import Theme, default_theme
from .pdf import Rendered, render_posters, setup_problems, stylesheet
from .poster_plan import changed_months, plan_posters


def build_posters(
    site: Site,
    theme: Theme,
    cache_dir: Path,
    base: str = "",
    memo: Mapping[str, str] | None = None,
    images: Mapping[str, bytes] | None = None,
    record=None,
) -> tuple[Rendered, list[Problem]]:
    """All PDFs of the site, or the located problems that stop them (nothing half-rendered).

    With `base` (the fingerprint of every input outside the village folders) each poster gets
    an input key, and `memo` (input key → cache key, from the last build) finds an unchanged
    PDF in the cache without rendering its HTML. `images` (site path → published bytes) are the
    attachments the posters print, exactly as the web shows them. `record` (history.Record, for a
    site of one village) adds the version history and a poster per superseded version."""
    setup = setup_problems(theme)
    if setup:
        where = str(fonts.fonts_dir(theme.directory) / fonts.SUMS)
        return Rendered({}, (), 0), [error(where, 1, 1, "poster-setup", message) for message in setup]
    if theme.directory.resolve() != default_theme().resolve():  # `check` already ran the default font
        missing = glyphs.missing_glyphs(site, fonts.coverage(theme.directory) or frozenset())
        if missing:
            return Rendered({}, (), 0), missing
    rendered = render_posters(plan_posters(site, theme, base, images, record), theme, cache_dir, memo)
    where = str(stylesheet(theme))
    return rendered, [warning(where, 1, 1, "poster", f"WeasyPrint：{text}") for text in rendered.warnings]


# --- links from the pages --------------------------------------------------------------


def page_links(site: Site, theme: Theme, files: Mapping[str, bytes], record=None) -> dict[str, dict]:
    """Extra page context per page path: the poster link of a disclosure (and of each superseded
    version of it, in `record`), the sign and packs of a village."""
    links: dict[str, dict] = {}
    for page in record.old_paths if record else ():
        if page + urls.POSTER_NAME in files:
            links[page] = {"poster_href": urls.POSTER_NAME, "poster_size": size_label(len(files[page + urls.POSTER_NAME]))}
    strings = theme.strings
    for village in site.villages:
        page = urls.village_path(village)
        prints = []
        if urls.sign_path(village) in files:
            prints.append((strings["print_sign"], urls.relative(page, urls.sign_path(village)), size_label(len(files[urls.sign_path(village)]))))
        months = sorted({month for d in village.disclosures for month in changed_months(d)}, reverse=True)
        for month in months:
            path = urls.board_path(village, month)
            if path in files:
                label = strings["print_board"].format(year=int(month[:4]), month=int(month[5:]))
                prints.append((label, urls.relative(page, path), size_label(len(files[path]))))
        links[page] = {"prints": prints}
        for item in village.disclosures:
            path = urls.poster_path(item)
            if path in files:
                links[urls.disclosure_path(item)] = {
                    "poster_href": urls.relative(urls.disclosure_path(item), path),
                    "poster_size": size_label(len(files[path])),
                }
    return links

"""Validators over the loaded model: each kind's own rules (`Kind.rules`, per village), then the
cross-kind rule modules, each with `check(site) -> list[Problem]`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import history, ledger, questions, urls
from ..loader import load_site
from ..model import Site
from ..problems import Problem, has_errors
from ..kinds import KINDS
from . import addresses, attachments, catalogue, glyphs, lawful, markup, timeliness

RULES: tuple = (lawful.check, catalogue.check, markup.check, glyphs.check, attachments.check, questions.check, timeliness.check)  # cross-kind


def check_site(site: Site) -> list[Problem]:
    """Run every rule over the site; problems come back unsorted (the caller sorts)."""
    problems: list[Problem] = []
    for village in site.villages:
        for kind in KINDS:
            items = village.of(kind.name)
            for rule in kind.rules:
                problems.extend(rule(site, village, items))
    for rule in RULES:
        problems.extend(rule(site))
    return problems


def check_content(content: str | Path, as_of: dt.date | None = None) -> tuple[Site | None, list[Problem]]:
    """Load and validate a content folder as of a date: what `check` reports and what `build` refuses on."""
    site, problems = load_site(content, as_of)
    old_versions: list[str] = []
    if site is not None:
        problems = problems + check_site(site)
        for village in site.villages:
            record, found = history.examine(Path(content), site, village)
            problems += found
            old_versions += record.old_paths
    problems = timeliness.quiet(problems)
    recorded, unreadable = ledger.read(Path(content))
    problems = problems + unreadable
    if site is not None and not has_errors(problems):  # a village that failed to load is not a removed one
        problems += addresses.check(site, content)
        problems += ledger.removed(str(content), recorded, urls.site_urls(site, old_versions))
    return site, sorted(problems)

"""Validators over the loaded model. Each rule module has `check(site) -> list[Problem]`."""

from __future__ import annotations

from pathlib import Path

from .. import ledger
from ..loader import load_site
from ..model import Site
from ..problems import Problem, has_errors
from . import attachments, catalogue, finance, glyphs, lawful, markup, procedure

RULES: tuple = (finance.check, procedure.check, lawful.check, catalogue.check, markup.check, glyphs.check, attachments.check)


def check_site(site: Site) -> list[Problem]:
    """Run every rule over the site; problems come back unsorted (the caller sorts)."""
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(site))
    return problems


def check_content(content: str | Path) -> tuple[Site | None, list[Problem]]:
    """Load and validate a content folder: what `check` reports and what `build` refuses on."""
    site, problems = load_site(content)
    if site is not None:
        problems = problems + check_site(site)
    if site is not None and not has_errors(problems):  # a village that failed to load is not a removed one
        problems += ledger.removed(str(content), ledger.read(Path(content)), ledger.site_urls(site))
    return site, sorted(problems)

"""Validators over the loaded model. Each rule module has `check(site) -> list[Problem]`."""

from __future__ import annotations

from ..model import Site
from ..problems import Problem

RULES: tuple = ()


def check_site(site: Site) -> list[Problem]:
    """Run every rule over the site; problems come back unsorted (the caller sorts)."""
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(site))
    return problems

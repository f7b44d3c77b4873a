"""The clock's rules (contract §13): overdue disclosures, and village.yaml's `not_applicable` codes.

Overdue is a warning located at the village's village.yaml (the line of `since`): what is missing
has no file of its own. `--fail-on-overdue` turns these warnings into errors (`escalate`).
"""

from __future__ import annotations

import dataclasses
from typing import Iterable

from .. import status
from ..model import Site, Village
from ..problems import Problem, Severity, error, warning

CODE = "overdue"


def check(site: Site) -> list[Problem]:
    problems: list[Problem] = []
    for village in site.villages:
        problems += _excused(site, village)
        problems += overdue(site, village)
    return problems


def overdue(site: Site, village: Village, result: status.VillageStatus | None = None) -> list[Problem]:
    """One warning per overdue cell of the village's row (`result`, computed when not given)."""
    result = result or status.village_status(site, village)
    names = {r.code: r for r in result.requirements}
    line, col = village.source.at(("since",)) if village.since else (1, 1)
    return [
        warning(village.source.path, line, col, CODE, status.overdue_text(names[cell.code], cell, site.as_of))
        for cell in result.cells
        if cell.state == status.OVERDUE
    ]


def _excused(site: Site, village: Village) -> list[Problem]:
    """Each `not_applicable` code names a required catalogue item; finance is always required."""
    required = [r.code for r in status.requirements(site.profile) if r.code != status.FINANCE]
    problems = []
    for code, _reason in village.not_applicable:
        if code not in required:
            message = f"not_applicable 中的事项代码 {code} 不是需按时公开的目录事项（可用：{'、'.join(required)}）"
            if code == status.FINANCE:
                message = "财务收支每月都必须公开，不能写在 not_applicable 中"
            problems.append(error(village.source.path, *village.source.key_at(("not_applicable", code)), "unknown-item", message))
    return problems


def quiet(problems: list[Problem]) -> list[Problem]:
    """No overdue warning for a village while one of its files has an error: a file that could
    not be read is left out of the model, and would be reported overdue besides its real problem."""
    broken = {p.path.rsplit("/", 1)[0] + "/" for p in problems if p.code == CODE}
    broken = {folder for folder in broken if any(p.severity is Severity.ERROR and p.path.startswith(folder) for p in problems)}
    return [p for p in problems if not (p.code == CODE and p.path.rsplit("/", 1)[0] + "/" in broken)]


def escalate(problems: Iterable[Problem]) -> list[Problem]:
    """`--fail-on-overdue`: every overdue warning becomes an error (CI wants a red mark)."""
    return [dataclasses.replace(p, severity=Severity.ERROR) if p.code == CODE else p for p in problems]

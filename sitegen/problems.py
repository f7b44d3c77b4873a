"""Problems are data: loaders and rules return them, the CLI prints them all at once."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Iterable

from .text import escape_unprintable


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One located finding, formatted like a compiler diagnostic for the clerk."""

    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str

    def __post_init__(self) -> None:
        # Defence in depth: a line break, control, bidi control or undecodable byte (from a file
        # name or a quoted value) is spelt out, so no printed line is forged, reordered or unprintable.
        object.__setattr__(self, "path", escape_unprintable(self.path))
        object.__setattr__(self, "message", escape_unprintable(self.message))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity.value}[{self.code}]: {self.message}"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def error(path: str, line: int, col: int, code: str, message: str) -> Problem:
    return Problem(path, line, col, Severity.ERROR, code, message)


def warning(path: str, line: int, col: int, code: str, message: str) -> Problem:
    return Problem(path, line, col, Severity.WARNING, code, message)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def format_text(problems: Iterable[Problem]) -> str:
    return "".join(f"{p}\n" for p in sorted(problems))


def format_json(problems: Iterable[Problem]) -> str:
    return json.dumps([p.as_dict() for p in sorted(problems)], ensure_ascii=False, indent=2) + "\n"

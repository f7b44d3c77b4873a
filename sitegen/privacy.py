"""The privacy guard: resident ID, mobile and bank card numbers must never be published.

Boards have been taken to court for full ID and account numbers (domain notes §6), and
git keeps what was once committed forever, so the guard scans the raw text of every
content file, in `check`, in `build` and as a pre-commit hook. Masked forms
(`37**************12`, `138****1234`) pass because a `*` breaks every digit run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .problems import Problem, error

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# A digit run must not touch other digits (or a decimal part: 13812345678.00 is an amount).
_EDGE_BEFORE = r"(?<![\d.])"
_EDGE_AFTER = r"(?![\d]|\.\d)"
_ID18 = re.compile(_EDGE_BEFORE + r"[1-9]\d{16}[\dXx]" + r"(?![\dXx]|\.\d)")
_ID15 = re.compile(_EDGE_BEFORE + r"[1-9]\d{14}" + _EDGE_AFTER)
_MOBILE = re.compile(_EDGE_BEFORE + r"(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}" + _EDGE_AFTER)
_CARD = re.compile(_EDGE_BEFORE + r"\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?" + _EDGE_AFTER)


def id18_valid(number: str) -> bool:
    """GB 11643: 17 digits, a real birth date, and the ISO 7064 MOD 11-2 check character."""
    if not re.fullmatch(r"\d{17}[\dXx]", number):
        return False
    if not _birth_date_valid(number[6:14]):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def id15_valid(number: str) -> bool:
    """The legacy 15-digit form (before 1999): area code, YYMMDD birth date, sequence."""
    return bool(re.fullmatch(r"[1-9]\d{14}", number)) and _birth_date_valid("19" + number[6:12])


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in number]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _birth_date_valid(yyyymmdd: str) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


@dataclass(frozen=True)
class Finding:
    offset: int
    code: str
    kind: str  # what was found, for the message


_CANDIDATE = re.compile(r"\d[\d -]{9,}\d")  # 11+ characters: anything the patterns below match


def find_personal_numbers(text: str) -> Iterator[Finding]:
    """Every unmasked ID, mobile or bank card number in `text`, by offset."""
    if not _CANDIDATE.search(text):  # most files have no long digit run: one quick pass
        return
    taken: list[range] = []

    def free(match: re.Match) -> bool:
        return not any(match.start() in span or match.end() - 1 in span for span in taken)

    for match in _ID18.finditer(text):
        if id18_valid(match.group()):
            taken.append(range(match.start(), match.end()))
            yield Finding(match.start(), "privacy-id", "身份证号码（18位）")
    for match in _ID15.finditer(text):
        if free(match) and id15_valid(match.group()):
            taken.append(range(match.start(), match.end()))
            yield Finding(match.start(), "privacy-id", "身份证号码（15位）")
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if free(match) and 16 <= len(digits) <= 19 and luhn_valid(digits):
            taken.append(range(match.start(), match.end()))
            yield Finding(match.start(), "privacy-bank", "银行卡号")
    for match in _MOBILE.finditer(text):
        if free(match):
            yield Finding(match.start(), "privacy-phone", "手机号码")


_ADVICE = {
    "privacy-id": "身份证号码不能公开，请删除或打码（如 37**************12）",
    "privacy-bank": "银行卡号不能公开，请删除",
    "privacy-phone": "个人手机号码不能公开，请删除或打码（如 138****1234），监督电话请用座机",
}


def scan(path: str, text: str) -> list[Problem]:
    """Located privacy problems in one file's text."""
    problems = []
    for finding in find_personal_numbers(text):
        line = text.count("\n", 0, finding.offset) + 1
        col = finding.offset - (text.rfind("\n", 0, finding.offset) + 1) + 1
        problems.append(error(path, line, col, finding.code, f"发现{finding.kind}：{_ADVICE[finding.code]}"))
    return problems


def scan_files(paths: Iterable[Path]) -> list[Problem]:
    """The pre-commit hook: any file, any encoding (a GBK export can leak IDs too)."""
    problems = []
    for path in paths:
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            problems += scan(path.as_posix(), text)
            break
    return problems

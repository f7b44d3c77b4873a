"""The privacy guard: resident ID, mobile and bank card numbers must never be published.

Boards have been taken to court for full ID and account numbers (domain notes §6), and
git keeps what was once committed forever, so the guard scans the raw text of every
content file, in `check`, in `build` and as a pre-commit hook, and the loaded values too.
Numbers are judged as a reader sees them (§17): full-width digits, character references,
invisible characters and separators inside do not make them another number. Masked forms
(`37**************12`, `138****1234`) pass because a `*` breaks every digit run.
"""

from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from .problems import Problem, error
from .source import Source
from .text import FORMAT_CHARACTERS, line_col, normalise, strings_in, texts_in

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Patterns run on normalised text (see `text.normalise`). A number may have one separator
# (a line break too: Markdown shows a soft break as a space) between any two digits (IDs: the checksum and birth date keep chance matches rare), 3-4-4
# groups (mobiles) or groups (cards). It must not touch other digits, nor a decimal part
# (13812345678.00 is an amount). Each starts in a lookahead, so every start is tried: a date
# or voucher just before a number cannot swallow its first digits.
_SEP = r"(?:[ \t.\-\u00b7\u2010-\u2015\u2212\u2027\u30fb]|\r?\n)"
_BEFORE = r"(?<![0-9])(?<![0-9]\.)"
_AFTER = r"(?![0-9])(?!\.[0-9])"
_ID18 = re.compile(_BEFORE + rf"(?=([1-9](?:{_SEP}?[0-9]){{16}}{_SEP}?[0-9Xx])(?![0-9Xx])(?!\.[0-9]))")
_ID15 = re.compile(_BEFORE + rf"(?=([1-9](?:{_SEP}?[0-9]){{14}}){_AFTER})")
_MOBILE = re.compile(
    _BEFORE + rf"(?<!\+)(?=((?:(?:\+|00)?86{_SEP}?)?1[3-9][0-9]{_SEP}?[0-9]{{4}}{_SEP}?[0-9]{{4}}){_AFTER})"
)
_CARD = re.compile(
    _BEFORE + rf"(?=([0-9]{{4}}(?:{_SEP}?[0-9]{{4}}){{3}}(?:{_SEP}?[0-9]{{1,3}})?|[0-9]{{6}}{_SEP}?[0-9]{{10,13}}){_AFTER})"
)
# Characters whose NFKC form holds an ASCII digit (full-width, superscript, circled…), as
# computed from unicodedata (tests/test_reader_view.py checks this list against it).
DIGIT_SOURCES = (
    "0-9\u00b2\u00b3\u00b9\u00bc-\u00be\u2070\u2074-\u2079\u2080-\u2089\u2150-\u215f\u2189"
    "\u2460-\u249b\u24ea\u3251-\u325f\u32b1-\u32cb\u3358-\u3370\u3378\u3379\u339f-\u33a6\u33a8"
    "\u33af\u33e0-\u33fe\uff10-\uff19\U0001d7ce-\U0001d7ff\U0001f100-\U0001f10a\U0001fbf0-\U0001fbf9"
)
# A quick test on the raw text, format characters removed: eleven digit sources with at most
# 4 other characters (a separator, marks, the rest of a `&#x33;` reference) or a named
# reference (`&nbsp;`) between neighbours.
_GAP = rf"(?:[^{DIGIT_SOURCES}]{{0,4}}|&[A-Za-z]{{2,8}};)"
_MAYBE = re.compile(rf"[{DIGIT_SOURCES}](?:{_GAP}[{DIGIT_SOURCES}]){{10}}")
_APART = "\0" * 9  # joins texts: longer than any gap, so no number spans two of them
_CANDIDATE = re.compile(rf"[0-9](?:{_SEP}?[0-9]){{10,}}")  # 11+ digits: anything above can match


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
    offset: int  # in the text searched
    code: str
    kind: str  # what was found, for the message
    digits: str  # the number itself, without separators or country code


def find_personal_numbers(text: str) -> Iterator[Finding]:
    """Every unmasked ID, mobile or bank card number in `text` as a reader sees it, by raw offset."""
    if len(text) < 11 or not _MAYBE.search(FORMAT_CHARACTERS.sub("", text)):  # most texts
        return
    normalised = normalise(text)
    shown, origins = _unmark(normalised.text)
    for finding in _find(shown):
        yield dataclasses.replace(finding, offset=normalised.raw_offset(origins[finding.offset]))


# Markdown emphasis or code marks around digits inside a number vanish on the page
# (`3716**03**1965…` shows as one run of digits). Only a pair of the same marks counts: a mask
# (`138****1234`) has no digits between its stars, and must not join what follows it.
_MARKED_DIGITS = re.compile(r"(?<=[0-9])(\*{1,3}|_{1,3}|`+|~~|\\\*)([0-9](?:[^*_`~\\\n]{0,30}?[0-9])?)\1(?=[0-9])")


def _unmark(text: str) -> tuple[str, list[int]]:
    """`text` with marked digits unmarked, and the offset in `text` of each character kept."""
    if not _MARKED_DIGITS.search(text):
        return text, list(range(len(text)))
    kept, origins, position = [], [], 0
    for match in _MARKED_DIGITS.finditer(text):
        for start, end in ((position, match.start()), match.span(2)):
            kept.append(text[start:end])
            origins.extend(range(start, end))
        position = match.end()
    kept.append(text[position:])
    origins.extend(range(position, len(text)))
    return "".join(kept), origins


def _find(text: str) -> Iterator[Finding]:
    if not _CANDIDATE.search(text):  # most texts have no long digit run: one quick pass
        return
    taken: list[range] = []

    def claim(match: re.Match, code: str, kind: str, valid) -> Finding | None:
        span = range(match.start(1), match.end(1))
        digits = re.sub(r"[^0-9Xx]", "", match.group(1))
        if code == "privacy-phone":
            digits = digits[-11:]
        if any(span.start < other.stop and other.start < span.stop for other in taken) or not valid(digits):
            return None
        taken.append(span)
        return Finding(span.start, code, kind, digits.upper())

    searches = (
        (_ID18, "privacy-id", "身份证号码（18位）", id18_valid),
        (_ID15, "privacy-id", "身份证号码（15位）", id15_valid),
        (_CARD, "privacy-bank", "银行卡号", lambda d: 16 <= len(d) <= 19 and luhn_valid(d)),
        (_MOBILE, "privacy-phone", "手机号码", lambda d: True),
    )
    for pattern, code, kind, valid in searches:
        for match in pattern.finditer(text):
            finding = claim(match, code, kind, valid)
            if finding is not None:
                yield finding


_ADVICE = {
    "privacy-id": "身份证号码不能公开，请删除或打码（如 37**************12）",
    "privacy-bank": "银行卡号不能公开，请删除",
    "privacy-phone": "个人手机号码不能公开，请删除或打码（如 138****1234），监督电话请用座机",
}


def _problem(path: str, line: int, col: int, finding: Finding) -> Problem:
    return error(path, line, col, finding.code, f"发现{finding.kind}：{_ADVICE[finding.code]}")


def scan(path: str, text: str) -> list[Problem]:
    """Located privacy problems in one file's text."""
    return [_problem(path, *line_col(text, f.offset), f) for f in _raw_findings(text)]


@functools.lru_cache(maxsize=4)
def _raw_findings(text: str) -> tuple[Finding, ...]:
    """A file's findings, kept for a moment: `scan_values` compares against the same text."""
    return tuple(find_personal_numbers(text))


def scan_values(source: Source, data: Any) -> list[Problem]:
    """Numbers that only the loaded values show (YAML escapes such as "\\x33" or an escaped line
    break become digits only when loaded), at the value's node; the raw scan reports the rest."""
    if not _MAYBE.search(FORMAT_CHARACTERS.sub("", _APART.join(texts_in(data)))):  # one quick pass, mostly
        return []
    seen = {(f.code, f.digits) for f in _raw_findings(source.text)}
    problems = []
    for keys, value in strings_in(data):
        for finding in find_personal_numbers(value):
            if (finding.code, finding.digits) not in seen:
                seen.add((finding.code, finding.digits))
                problems.append(_problem(source.path, *source.at(keys), finding))
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

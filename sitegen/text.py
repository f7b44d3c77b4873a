"""Text as a reader sees it: one normalisation for the privacy guard and the link safety check.

A browser decodes `&#51;` to `3`, a full-width `３` reads as `3`, and a zero-width space or a
bidi control is simply not seen. A check that looks at the raw characters is therefore fooled by
all of them; `normalise` undoes them and remembers, for each character it produces, where it
came from in the raw text, so that a finding can still point at the raw line:col.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterator

# A character reference as HTML5 reads it: numeric (decimal or hex) or named, `;` optional.
_REFERENCE = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,8};?|#[0-9]{1,10};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
# ASCII (but `&`) and the CJK Unified Ideographs are NFKC-stable and visible: copied in runs.
_TOKEN = re.compile(_REFERENCE.pattern + r"|([^&\u0080-\u4dff\ua000-\U0010ffff]+)|.", re.DOTALL)
# Unicode Cf (format characters), as computed from unicodedata (a test checks it): for quick
# tests that must not be fooled by invisible characters, without a per-character loop.
FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
_SURROGATE_ESCAPES = range(0xDC80, 0xDD00)  # os.fsdecode's stand-ins for undecodable bytes


@dataclass(frozen=True)
class Normalised:
    """Normalised text and, for each of its characters, the offset of its raw origin."""

    text: str
    origins: tuple[int, ...]  # len(text) + 1 entries: the last one is the raw text's length

    def raw_offset(self, offset: int) -> int:
        return self.origins[min(offset, len(self.origins) - 1)]


def invisible(char: str) -> bool:
    """Format characters (Unicode Cf): zero-width, bidi controls, soft hyphen, word joiner, BOM…"""
    return unicodedata.category(char) == "Cf"


def normalise(raw: str) -> Normalised:
    """Character references decoded, NFKC width folding, invisible format characters removed."""
    chars: list[str] = []
    origins: list[int] = []

    def emit(piece: str, origin: int) -> None:
        for char in unicodedata.normalize("NFKC", piece):
            if not invisible(char):
                chars.append(char)
                origins.append(origin)

    for match in _TOKEN.finditer(raw):
        token, start = match.group(), match.start()
        if match.lastindex:  # a run that normalisation leaves as it is: the bulk of every file
            chars.append(token)
            origins.extend(range(start, match.end()))
        elif len(token) > 1 and html.unescape(token) != token:
            emit(html.unescape(token), start)
        else:
            for offset, char in enumerate(token, start):
                emit(char, offset)
    origins.append(len(raw))
    return Normalised("".join(chars), tuple(origins))


def line_col(text: str, offset: int, first_line: int = 1) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    return first_line + text.count("\n", 0, offset), offset - (text.rfind("\n", 0, offset) + 1) + 1


def escape_unprintable(text: str) -> str:
    """Control, format and line-separator characters and undecodable bytes spelt out (`\\n`,
    `\\x1b`, `\\xff`, `\\u202e`), so a printed line can be neither forged nor reordered."""
    if text.isprintable():  # the common case: nothing to do
        return text
    return "".join(_escape_char(char) for char in text)


_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(char: str) -> str:
    code = ord(char)
    if code in _SURROGATE_ESCAPES:
        return f"\\x{code - 0xDC00:02x}"
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return char


_LAST: list = [None, []]  # the last data walked and its texts: two scans ask in a row


def texts_in(data: Any) -> list[str]:
    """Every string, key and integer in loaded YAML data, quickly (no key paths)."""
    if _LAST[0] is data and data is not None:  # held here, so its identity cannot be reused
        return _LAST[1]
    texts: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            texts.extend(map(str, value))
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            texts.append(str(value))

    collect(data)
    _LAST[:] = [data, texts]
    return texts


def strings_in(data: Any, keys: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(key path, text) of every string, key and integer in loaded YAML data."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield keys + (key,), str(key)
            yield from strings_in(value, keys + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings_in(value, keys + (index,))
    elif isinstance(data, (str, int)) and not isinstance(data, bool):
        yield keys, str(data)

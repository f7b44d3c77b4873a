"""glyph-missing: a character of poster text that the poster font cannot draw.

WeasyPrint prints a blank box for such a character and says nothing, and on a board notice that
is usually a villager's name (生僻字). So every character that goes on a poster is looked up in
the font's cmap, and the first place it occurs in a file is reported with its code point.
"""

from __future__ import annotations

import unicodedata
from typing import Iterator

from ..kinds import kind_of
from ..kinds.base import Where
from ..model import Disclosure, Site, Village
from ..problems import Problem, error, warning
from .. import fonts, questions
from ..source import Source
from ..text import line_col

CODE = "glyph-missing"


def check(site: Site) -> list[Problem]:
    """The rule as `sitegen check` runs it: against the default theme's poster font."""
    covered = fonts.coverage()
    if covered is None:
        where = str(fonts.fonts_dir() / fonts.SUMS)
        return [warning(where, 1, 1, CODE, "海报字体尚未安装，未能检查缺字；请运行 sitegen fonts")]
    return missing_glyphs(site, covered)


def missing_glyphs(site: Site, covered: frozenset[int]) -> list[Problem]:
    """One error per file and character that is not in `covered`, at its first poster occurrence."""
    problems = []
    for village in site.villages:
        sources = [(village.source, _village_texts(village))]
        sources += [(item.source, _item_texts(item)) for item in village.disclosures]
        for source, texts in sources:
            seen: set[str] = set()
            for where, text in texts:
                for char in text:
                    if char in seen or ord(char) in covered or _invisible(char):
                        continue
                    seen.add(char)
                    line, col = _locate(source, where, char)
                    problems.append(error(source.path, line, col, CODE, _message(char)))
    return problems


def _message(char: str) -> str:
    name = unicodedata.name(char, "")
    hint = f"，{name}" if name and not name.startswith("CJK") else ""
    return (
        f"海报字体里没有“{char}”（U+{ord(char):04X}{hint}），打印的海报上会是空白方框。"
        "请核对是否录入有误；确需此字时请联系技术人员更换字库"
    )


def _invisible(char: str) -> bool:
    """Line breaks, spaces and format controls are never drawn, so no font needs them."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def _village_texts(village: Village) -> Iterator[tuple[Where, str]]:
    """What a poster or sign prints from village.yaml: name, issuing committee, phone numbers."""
    yield ("name",), village.name
    yield ("committee",), village.committee
    for index, contact in enumerate(village.contacts):
        yield ("contacts", index, "label"), contact.label
        yield ("contacts", index, "phone"), contact.phone


def _item_texts(item: Disclosure) -> Iterator[tuple[Where, str]]:
    """What a disclosure's poster prints, field by field (the templates in themes/default/poster)."""
    yield ("summary",), item.summary
    if item.review:
        for index, name in enumerate(item.review.reviewers):
            yield ("review", "reviewers", index), name
        yield ("review", "opinion"), item.review.opinion or ""
    for index, correction in enumerate(item.corrections):
        yield ("corrections", index, "reason"), correction.reason
    yield from questions.texts(item)
    yield from kind_of(item).texts(item)


def _locate(source: Source, where: Where, char: str) -> tuple[int, int]:
    """Line and column of `char` in the file, searching from where its value starts."""
    if where[:1] == ("line",):
        line, col = where[1], 1
    else:
        line, col = source.at(where)
    text = source.text
    start = _offset(text, line, col)
    found = text.find(char, start)
    if found < 0:  # written as an escape ("\U0002A6A5"): point at the value itself
        return line, col
    return line_col(text, found)


def _offset(text: str, line: int, col: int) -> int:
    offset = 0
    for _ in range(line - 1):
        next_break = text.find("\n", offset)
        if next_break < 0:
            return len(text)
        offset = next_break + 1
    return offset + col - 1

"""Titles that break between their parts, not inside a word ("城乡低保对 / 象公示").

Chinese has no spaces, so a line may break after any character. A notice's title is made of
parts a reader takes in whole: the village, the year, the quarter, the subject, 公示. Each part
of up to MAX_KEPT characters is wrapped in a span kept on one line (`.kw`), with a break
opportunity (<wbr>) between parts; a longer part stays breakable, so nothing overflows a line.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

MAX_KEPT = 10
_FIXED = re.compile(
    r"\d{4}年度?|\d{1,2}月份?|第[一二三四1-4]季度|[上下]半年|[（(][^）)]*[）)]"
)
_PLACE = re.compile(r"^(.{1,5}?[村镇乡])(?=\d|第|关于)")  # the village, before its year
_SUFFIX = re.compile(r"(公示|公开|公告|名单|明细|情况|结果)$")


def parts(title: str) -> list[str]:
    """The title cut into the pieces a reader takes in whole, in order."""
    pieces: list[str] = []
    position = 0
    for match in _FIXED.finditer(title):
        pieces += _words(title[position : match.start()])
        pieces.append(match.group(0))
        position = match.end()
    pieces += _words(title[position:])
    return pieces


def _words(text: str) -> list[str]:
    if not text:
        return []
    pieces = []
    if place := _PLACE.match(text):
        pieces.append(place.group(1))
        text = text[place.end() :]
    suffix = _SUFFIX.search(text)
    if suffix and suffix.start() > 0:
        pieces += [text[: suffix.start()], suffix.group(0)]
    elif text:
        pieces.append(text)
    return pieces


def title_parts(title: object) -> Markup:
    """HTML of the title: short parts kept whole, a break opportunity between parts."""
    out = []
    for piece in parts(str(title)):
        kept = len(piece) <= MAX_KEPT and len(piece) > 1
        out.append(Markup('<span class="kw">{}</span>').format(piece) if kept else escape(piece))
    return Markup("<wbr>").join(out)

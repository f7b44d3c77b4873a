"""Raw HTML in Markdown: never rendered (the renderer escapes it); reported so the clerk knows.

Scripts, frames, styles, event attributes and unsafe links (`javascript:`, however it is
spelt: `javascript&#58;`, `JaVaScRiPt:`, `java&#9;script:`; see `links`) are errors; other tags
(often pasted from Word, like <br>) are warnings, because they show up as plain text.
"""

from __future__ import annotations

import re

from .. import links
from ..kinds import kind_of
from ..model import Site
from ..problems import Problem, error, warning
from ..text import escape_unprintable, line_col

_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_DANGEROUS_TAGS = {
    "script", "iframe", "frame", "frameset", "style", "object", "embed", "applet", "form", "input",
    "button", "textarea", "link", "meta", "base", "svg", "math", "img", "video", "audio", "source",
}
_DANGEROUS_SCHEMES = {"javascript", "vbscript", "data"}
_EVENT_ATTRIBUTE = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"([a-zA-Z][a-zA-Z0-9:-]*)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+)")
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "data", "srcset"}
# Where Markdown takes a link address: `[x](address)`, `![x](address)`, `[x]: address`; and
# `<scheme:…>`, an autolink in CommonMark. The address is judged by `links`, so the capture
# is generous (up to the first `)`, across line breaks, title included).
_LINK_ADDRESSES = re.compile(
    r"\]\s*\(\s*(?P<inline>[^)]{0,300})|^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\n?[ \t]*(?P<reference>[^\n]{1,300})|<(?P<auto>[^<>\s]{1,300})>",
    re.MULTILINE,
)


def check(site: Site) -> list[Problem]:
    problems: list[Problem] = []
    for village in site.villages:
        for item in village.items:
            text, first_line = kind_of(item).markdown(item)
            if text:
                problems += scan(item.source.path, text, first_line)
    return problems


def scan(path: str, text: str, first_line: int) -> list[Problem]:
    """Problems for raw HTML and unsafe links in Markdown `text` that starts at `first_line`."""
    problems = []
    links_at: set[int] = set()
    for match in _LINK_ADDRESSES.finditer(text):
        kind = match.lastgroup
        address = match.group(kind).strip().lstrip("<")
        found = links.scheme(address)
        if kind == "auto" and found is not None and (found in links.ALLOWED_SCHEMES or found in _DANGEROUS_SCHEMES):
            links_at.add(match.start())  # an autolink, not a tag
        if found in _DANGEROUS_SCHEMES if kind == "auto" else not links.is_safe(address):
            shown = escape_unprintable(address[:40])
            problems.append(error(path, *line_col(text, match.start(), first_line), "unsafe-html", f"链接地址“{shown}”不安全：只能用 http://、https://、mailto:、tel: 或站内地址（javascript:、vbscript:、data: 等都不行），请删除这个链接"))
    for match in _TAG.finditer(text):
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if closing or match.start() in links_at:  # a closing tag alone does nothing; an autolink is reported
            continue
        shown = escape_unprintable(match.group()[:40])
        where = line_col(text, match.start(), first_line)
        if name in _DANGEROUS_TAGS or _EVENT_ATTRIBUTE.search(attributes) or _unsafe_attribute(attributes):
            problems.append(error(path, *where, "unsafe-html", f"不允许的 HTML：{shown}，请删除（网页不会显示它）"))
        else:
            problems.append(warning(path, *where, "unsafe-html", f"不支持 HTML 标签 {shown}，会按原样显示为文字；请改用 Markdown 或直接写文字"))
    return problems


def _unsafe_attribute(attributes: str) -> bool:
    """An address attribute that is not safe, or any attribute holding a script or data URL."""
    for name, value in _ATTRIBUTE.findall(attributes):
        value = value.strip("\"'")
        if links.scheme(value) in _DANGEROUS_SCHEMES or (name.lower() in _URL_ATTRIBUTES and not links.is_safe(value)):
            return True
    return False

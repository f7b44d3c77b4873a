"""Raw HTML in Markdown: never rendered (the renderer escapes it); reported so the clerk knows.

Scripts, frames, styles, event attributes and `javascript:` links are errors; other tags
(often pasted from Word, like <br>) are warnings, because they show up as plain text.
"""

from __future__ import annotations

import re

from ..model import FinanceStatement, Site
from ..problems import Problem, error, warning

_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_DANGEROUS_TAGS = {
    "script", "iframe", "frame", "frameset", "style", "object", "embed", "applet", "form", "input",
    "button", "textarea", "link", "meta", "base", "svg", "math", "img", "video", "audio", "source",
}
_EVENT_ATTRIBUTE = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)
_BAD_SCHEME = re.compile(r"(?:javascript|vbscript|data)\s*:", re.IGNORECASE)
_MARKDOWN_LINK = re.compile(r"\]\(\s*<?\s*((?:javascript|vbscript|data)\s*:)|^\s*\[[^\]]+\]:\s*<?((?:javascript|vbscript|data)\s*:)", re.IGNORECASE | re.MULTILINE)


def check(site: Site) -> list[Problem]:
    problems: list[Problem] = []
    for village in site.villages:
        for item in (*village.finance, *village.affairs, *village.major):
            if isinstance(item, FinanceStatement):
                if item.notes:
                    problems += scan(item.source.path, item.notes, _notes_first_line(item))
            else:
                problems += scan(item.source.path, item.body, item.body_line)
    return problems


def scan(path: str, text: str, first_line: int) -> list[Problem]:
    """Problems for raw HTML and unsafe links in Markdown `text` that starts at `first_line`."""
    problems = []

    def place(offset: int) -> tuple[int, int]:
        return first_line + text.count("\n", 0, offset), offset - (text.rfind("\n", 0, offset) + 1) + 1

    for match in _TAG.finditer(text):
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if closing:  # the opening tag is reported; a closing tag alone does nothing
            continue
        shown = match.group()[:40]
        if name in _DANGEROUS_TAGS or _EVENT_ATTRIBUTE.search(attributes) or _BAD_SCHEME.search(attributes):
            problems.append(error(path, *place(match.start()), "unsafe-html", f"不允许的 HTML：{shown}，请删除（网页不会显示它）"))
        else:
            problems.append(warning(path, *place(match.start()), "unsafe-html", f"不支持 HTML 标签 {shown}，会按原样显示为文字；请改用 Markdown 或直接写文字"))
    for match in _MARKDOWN_LINK.finditer(text):
        problems.append(error(path, *place(match.start()), "unsafe-html", "链接地址不能以 javascript:、vbscript: 或 data: 开头，请删除这个链接"))
    return problems


def _notes_first_line(statement: FinanceStatement) -> int:
    """`notes: |` starts its text on the next line; `notes: text` on the same one."""
    key_line = statement.source.text.splitlines()[statement.notes_line - 1]
    return statement.notes_line + (1 if re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", key_line) else 0)

"""Unsafe link addresses, however spelt: an `unsafe-html` error where written, and never a live
`href`/`src` on a page even if the rule were skipped (the renderer decides with the same function)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import write_tree
from sample import files
from sitegen import rules
from sitegen.build import build
from sitegen.rules import check_content, markup

MAJOR_PATH = "dongtan/major/2026-road.md"
MAJOR = (Path(__file__).parent / "fixtures" / "base" / MAJOR_PATH).read_text("utf-8")
BODY_LINE = 17  # the first body line of the base major matter

UNSAFE = {
    "colon-reference": "[附件](javascript&#58;alert(1))",
    "hex-references": "[附件](&#x6A;avascript&#x3a;alert(1))",
    "named-colon": "[附件](javascript&colon;alert(1))",
    "mixed-case": "[附件](JaVaScRiPt:alert(1))",
    "tab-reference": "[附件](java&#9;script:alert(1))",
    "literal-tab": "[附件](java\tscript:alert(1))",
    "leading-space-reference": "[附件](&#32;javascript:alert(1))",
    "image": "![图](vbscript:msgbox(1))",
    "data": "[附件](data:text/html;base64,PHNjcmlwdD4=)",
    "full-width": "[附件](ｊａｖａｓｃｒｉｐｔ：alert(1))",
    "reference-style": "[附件][x]\n\n[x]: javascript&#58;alert(1)",
    "autolink": "<javascript:alert(1)>",
    "raw-tag": '<a href="java&#9;script:alert(1)">附件</a>',
}
SAFE = {
    "https": "[附件](https://cwgk.example.gov.cn/a.pdf)",
    "site-path": "[本村首页](/dongtan/)",
    "anchor": "[上文](#top)",
    "mailto": "[来信](mailto:jw@example.gov.cn)",
    "tel": "[电话](tel:0543-7320000)",
    "autolink": "<https://cwgk.example.gov.cn/>",
}


def content_with(tmp_path: Path, body: str) -> Path:
    tree = files()
    tree[MAJOR_PATH] = MAJOR.replace("硬化村内南北主干道，由镇公共资源交易中心公开招标。", body)
    return write_tree(tmp_path / "content", tree)


def unsafe_html(problems) -> list[tuple[int, int, str]]:
    return [(p.line, p.col, p.severity.value) for p in problems if p.code == "unsafe-html"]


@pytest.mark.parametrize("form", UNSAFE)
def test_an_unsafe_link_is_an_error_where_it_is_written(tmp_path, form):
    text = UNSAFE[form]
    lines_before = "前文。\n"
    _, problems = check_content(content_with(tmp_path, lines_before + "见" + text))
    line = BODY_LINE + 1 + text[: text.index("[x]:")].count("\n") if form == "reference-style" else BODY_LINE + 1
    errors = [(l, severity) for l, _, severity in unsafe_html(problems) if severity == "error"]
    assert errors == [(line, "error")], "\n".join(map(str, problems))


@pytest.mark.parametrize("form", SAFE)
def test_a_safe_link_is_no_problem(tmp_path, form):
    _, problems = check_content(content_with(tmp_path, "见" + SAFE[form]))
    assert unsafe_html(problems) == []


def browser_scheme(value: str) -> str:
    """What a browser reads (BeautifulSoup has decoded the references once, as a browser does)."""
    value = re.sub(r"[\t\n\r]", "", value).strip("\x00\x20\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", value)
    return match.group(1).lower() if match else ""


def test_the_renderer_never_emits_an_unsafe_address_even_without_the_rule(tmp_path, monkeypatch):
    link_rules = (markup.check, rules.attachments.check)  # both report link addresses
    monkeypatch.setattr(rules, "RULES", tuple(rule for rule in rules.RULES if rule not in link_rules))
    body = "\n\n".join([*UNSAFE.values(), *SAFE.values()])
    result = build(content_with(tmp_path, body), tmp_path / "out", posters=False, cache_dir=tmp_path / "cache", jobs=1)
    assert result.ok, "\n".join(map(str, result.problems))
    page = BeautifulSoup((tmp_path / "out" / "dongtan" / "major" / "2026-road" / "index.html").read_text("utf-8"), "html.parser")
    addresses = [el.get(attr) for el in page.find_all(True) for attr in ("href", "src") if el.get(attr) is not None]
    assert [a for a in addresses if browser_scheme(a) in {"javascript", "vbscript", "data"}] == []
    assert [a for a in addresses if browser_scheme(html.unescape(a)) in {"javascript", "vbscript", "data"}] == []
    for kept in ("https://cwgk.example.gov.cn/a.pdf", "/dongtan/", "#top", "mailto:jw@example.gov.cn", "tel:0543-7320000"):
        assert kept in addresses  # the safe ones survive, so the check above is not vacuous

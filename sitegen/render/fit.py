"""A poster that just misses one page is laid out again in slightly smaller type.

A 9-row 低保 list took two A4 pages: the second two-thirds empty, the review block alone on it
(the block is kept whole, so it moves as one). One sheet on the board is what the clerk posts and
the villager reads; a few percent smaller type is a better trade than a second sheet. Only
documents of exactly two pages are tried, at most at SCALES, and the smaller layout is kept only
when it really is one page; longer documents keep the theme's size.
"""

from __future__ import annotations

import re
from typing import Callable

SCALES = (0.92, 0.85, 0.77)  # A4: 13 pt → 12, 11, 10 pt (a printed letter; tables 9.5 pt)
MOST_OF_A_PAGE = 0.4  # a fuller second page does not fit even at 0.77 (text area ∝ scale²)
# The poster template's root size (poster/base.html): `html { font-size: 13pt; }`.
_ROOT = re.compile(r"html\s*\{\s*font-size:\s*([\d.]+)pt;")


def one_page(render: Callable[[list], object], html: str):
    """`render(extra_stylesheets)` once, or again smaller when that makes one page of two."""
    from weasyprint import CSS

    document = render([])
    root = _ROOT.search(html)
    if len(document.pages) != 2 or root is None or _filled(document.pages[1]) > MOST_OF_A_PAGE:
        return document
    for scale in SCALES:
        size = round(float(root.group(1)) * scale, 2)
        smaller = render([CSS(string=f"html {{ font-size: {size}pt !important; }}")])
        if len(smaller.pages) == 1:
            return smaller
    return document


def _filled(page) -> float:
    """How much of the page's height its content uses (0 to 1), from WeasyPrint's layout."""
    box = page._page_box
    bottom = max((leaf.position_y + leaf.margin_height() for leaf in _leaves(box.children[0])), default=0)
    return (bottom - box.content_box_y()) / box.height


def _leaves(box):
    children = getattr(box, "children", None)
    if not children:
        yield box
        return
    for child in children:
        yield from _leaves(child)

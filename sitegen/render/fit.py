"""A poster that just misses one page is laid out again in slightly smaller type.

A 9-row 低保 list took two A4 pages: the second two-thirds empty, the review block alone on it
(the block is kept whole, so it moves as one). One sheet on the board is what the clerk posts and
the villager reads; a few percent smaller type is a better trade than a second sheet. Only
documents of exactly two pages are tried, and the LARGEST of SCALES that makes one page is kept;
longer documents, and those no scale makes one page, keep the theme's size.

Each try is a whole layout (about as costly as the poster itself), so the scales are not tried
in order. Smaller type never makes a document longer (every line is as wide or narrower, so no
paragraph gains a line; sizes in mm stay), so "one page" holds from some scale downwards: the
search starts at the scale the first layout suggests and walks up while the page count stays
one, down while it stays two. A document no scale fits costs one try (at 0.77), not three; the
chosen scale is the one trying them in order would choose (docs/developers.md, Posters profile).
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
    size = float(root.group(1))

    def at(index: int):
        return render([CSS(string=f"html {{ font-size: {round(size * SCALES[index], 2)}pt !important; }}")])

    index = likely_scale(_filled(document.pages[0]), _filled(document.pages[1]))
    tried = at(index)
    if len(tried.pages) == 1:  # fits here: a larger scale may fit too
        best = tried
        for larger in range(index - 1, -1, -1):
            tried = at(larger)
            if len(tried.pages) != 1:
                break
            best = tried
        return best
    for smaller in range(index + 1, len(SCALES)):  # does not fit here: nor at any larger scale
        tried = at(smaller)
        if len(tried.pages) == 1:
            return tried
    return document


def likely_scale(first: float, second: float) -> int:
    """Where to start the search (an index into SCALES): a guess that saves tries, never changes
    the result. The first page's content shrinks about with the type; the second page's is
    mostly the review block, kept whole and sized in mm (seal, signature lines), which hardly does."""
    return next((index for index, scale in enumerate(SCALES) if first * scale + second <= 1), len(SCALES) - 1)


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

"""Telephone numbers in text become tap-to-call links that never break across lines.

A villager reads a notice on a phone: "0543-7325101" split as "0543-" / "7325101" cannot be
dialled by eye, and a number that is not a link must be retyped. Only numbers that are public by
nature are linked: a landline with its area code, a 400/800 service line, a known government
hotline (12345 and its kin; any other 5-digit number is more likely an amount). Mobile numbers are personal data and never reach a page (privacy rules).
"""

from __future__ import annotations

import re

from markupsafe import Markup

PHONE = re.compile(
    r"(?<![\w\-.])"
    r"(?:0\d{2,3}-\d{7,8}|[48]00-?\d{3}-?\d{4}|123(?:45|88|20|15|33|36|48|66|69|17|28|55))"
    r"(?![\w\-.])",
    re.ASCII,
)
_TAG = re.compile(r"(<[^>]*>)")
_NO_LINK_INSIDE = re.compile(r"<(/?)(a|code|pre|title)\b", re.IGNORECASE)


def tel_links(value: object) -> Markup:
    """HTML (or plain text, escaped first) with each public phone number as a `tel:` link.

    Text already inside a link, code or pre is left alone: a link within a link is invalid.
    """
    parts = _TAG.split(str(Markup.escape(value)))
    depth = 0
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            opening = _NO_LINK_INSIDE.match(part)
            if opening and not part.endswith("/>"):
                depth += -1 if opening.group(1) else 1
        elif depth <= 0:
            parts[index] = PHONE.sub(_link, part)
    return Markup("".join(parts))


def _link(match: re.Match) -> str:
    number = match.group(0)
    return f'<a class="tel-inline" href="tel:{number.replace("-", "")}">{number}</a>'

"""Is a link address safe to publish? One decision for the markup rule and the renderer.

A browser decodes character references in an attribute (`javascript&#58;`, `&colon;`) and
ignores tabs, line breaks and leading controls in a URL (`java&#9;script:`), and schemes are
case-insensitive. So the scheme is judged after all of that, and only an allow-list passes:
http(s), mailto, tel, and addresses without a scheme (relative, `#…`, `/…`).
"""

from __future__ import annotations

import html
import re

from .text import normalise

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_IGNORED = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")  # what a browser strips or never sees


def scheme(url: str) -> str | None:
    """The scheme a browser would read from `url` (lower case), or None for a relative address."""
    decoded = url
    for _ in range(3):  # an address decoded twice on its way to the page must not hide a scheme
        again = html.unescape(decoded)
        if again == decoded:
            break
        decoded = again
    text = _IGNORED.sub("", normalise(decoded).text).casefold()
    match = _SCHEME.match(text)
    return match.group(1) if match else None


def is_safe(url: str) -> bool:
    """True for http(s), mailto, tel and scheme-less addresses; False for javascript:, data:…"""
    found = scheme(url)
    return found is None or found in ALLOWED_SCHEMES

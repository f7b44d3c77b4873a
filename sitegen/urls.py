"""The URL scheme, in one place. Printed QR codes live on walls for years: never change it lightly.

Paths are relative to `base_url`, in directory form ending with "/" ("" is the township index).
"""

from __future__ import annotations

import posixpath

from . import kinds
from .model import Disclosure, Village


def village_path(village: Village | str) -> str:
    slug = village if isinstance(village, str) else village.slug
    return f"{slug}/"


def disclosure_path(item: Disclosure) -> str:
    """The item's page: each kind owns its part of the scheme."""
    return kinds.kind_of(item).path(item)


STATUS = "status/"  # the township's inspection page (contract §13)
POSTER_NAME = "poster.pdf"


def poster_path(item: Disclosure) -> str:
    return disclosure_path(item) + POSTER_NAME


def sign_path(village: Village) -> str:
    return village_path(village) + "sign.pdf"


def board_path(village: Village, month: str) -> str:
    """A month's board pack: every poster of the village posted that month, as one PDF."""
    return f"{village_path(village)}board/{month}.pdf"


def absolute(base_url: str, path: str) -> str:
    """What a QR code encodes and a poster prints: base_url + path, nothing else."""
    return base_url + path


def relative(from_dir: str, to_path: str) -> str:
    """A link from the page at directory `from_dir` to `to_path`, so the site works under any sub-path."""
    start = from_dir.rstrip("/") or "."
    target = to_path.rstrip("/") or "."
    link = posixpath.relpath(target, start)
    if to_path.endswith("/") or to_path == "":
        return "./" if link == "." else link + "/"
    return link

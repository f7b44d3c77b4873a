"""The URL scheme, in one place. Printed QR codes live on walls for years: never change it lightly.

Paths are relative to `base_url`, in directory form ending with "/" ("" is the township index).
"""

from __future__ import annotations

import posixpath

from .model import AffairsItem, Disclosure, FinanceStatement, MajorMatter, Village


def village_path(village: Village | str) -> str:
    slug = village if isinstance(village, str) else village.slug
    return f"{slug}/"


def disclosure_path(item: Disclosure) -> str:
    if isinstance(item, FinanceStatement):
        return f"{item.village}/finance/{item.period}/"
    if isinstance(item, AffairsItem):
        return f"{item.village}/affairs/{item.period}/{item.slug}/"
    if isinstance(item, MajorMatter):
        return f"{item.village}/major/{item.slug}/"
    raise TypeError(f"no URL for {type(item).__name__}")


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

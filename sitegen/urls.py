"""The URL scheme, in one place. Printed QR codes live on walls for years: never change it lightly.

Paths are relative to `base_url`, in directory form ending with "/" ("" is the township index).
"""

from __future__ import annotations

import posixpath
from typing import Iterable

from . import kinds
from .model import Disclosure, Site, Village


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
    start, target = from_dir.rstrip("/"), to_path.rstrip("/")
    link = _relpath(start.split("/") if start else [], target.split("/") if target else [])
    if link is None:  # not a plain site path (".", "..", "//", leading "/"): let posixpath normalise it
        link = posixpath.relpath(target or ".", start or ".")
    if to_path.endswith("/") or to_path == "":
        return "./" if link == "." else link + "/"
    return link


def _relpath(start: list[str], target: list[str]) -> str | None:
    """posixpath.relpath for site paths made of plain names, without its abspath and normpath:
    a county's pages ask for about a hundred links each."""
    if "" in start or "" in target or "." in start or "." in target or ".." in start or ".." in target:
        return None
    common = 0
    for a, b in zip(start, target):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


def site_urls(site: Site, old_versions: Iterable[str] = ()) -> set[str]:
    """The page URLs a build of `site` publishes, from the model alone (and the paths of the old
    versions its store keeps online), so `check` can spot a vanishing URL without rendering (the
    build takes them from the pages it made; a test keeps the two equal)."""
    paths = {"", STATUS, *old_versions} | {village_path(v) for v in site.villages}
    paths |= {disclosure_path(d) for v in site.villages for d in v.paged}
    paths |= {old for old, _ in site.config.redirects} | {w.path for w in site.config.withdrawn}
    return {absolute(site.config.base_url, path) for path in paths}

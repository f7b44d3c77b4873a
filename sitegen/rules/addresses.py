"""Published addresses (contract §11): no two sources make one path, a renamed or withdrawn
address is no longer a page, and a redirect leads to a page of the site.

`check` judges the pages the model will make, so `sitegen check` reports what the build would
refuse; the build asks the same questions of the files it made (`problems`, `collisions`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Collection, Iterable

from .. import urls
from ..model import Site, SiteConfig
from ..problems import Problem, error


def check(site: Site, content: str | Path) -> list[Problem]:
    """Run when the content has no error yet: a village that failed to load is not a missing page."""
    paths = [urls.village_path(v) for v in site.villages]
    paths += [urls.disclosure_path(d) for v in site.villages for d in v.paged]
    return collisions(path + "index.html" for path in paths) + problems(content, site.config, set(paths))


def collisions(paths: Iterable[str]) -> list[Problem]:
    """An `output` error for every output path that two sources would write."""
    counts = Counter(paths)
    return [error(path, 1, 1, "output", f"两个来源都要生成 {path}") for path, count in sorted(counts.items()) if count > 1]


def problems(content: str | Path, config: SiteConfig, pages: Collection[str]) -> list[Problem]:
    """`pages`: the directory path of every page the villages make ("dongtan/major/2026-road/")."""
    found = []
    for address in (*(old for old, _ in config.redirects), *(w.path for w in config.withdrawn)):
        if address in pages:
            found.append(_at_site_yaml(content, address, "output", f"{address} 仍有公开内容，不能同时登记为改名或撤回"))
    for old, new in config.redirects:
        if new not in pages:
            found.append(_at_site_yaml(content, old, "redirect", f"redirects 中 {old} 指向的 {new} 不是本网站的页面"))
    return found


def _at_site_yaml(content: str | Path, needle: str, code: str, message: str) -> Problem:
    """A problem with a site.yaml entry, located at the first line that names it."""
    path = Path(content) / "site.yaml"
    lines = path.read_text("utf-8").splitlines()
    line, column = next(((number, text.index(needle) + 1) for number, text in enumerate(lines, 1) if needle in text), (1, 1))
    return error(path.as_posix(), line, column, code, message)

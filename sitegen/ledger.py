"""The published-URL ledger: every page URL the site has ever published, kept in the content folder.

QR codes printed on village boards live for years, so a page URL must never disappear
silently. `build` adds every new page URL to `published-urls.txt` (committed with the
content); a URL in the ledger that the build would no longer produce, without a
`redirects:` or `withdrawn:` entry in site.yaml to take its place, is a `url-removed` error.
URLs are recorded whole (base_url + path), so changing base_url, which would break every
printed code, is caught as well.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import atomic, urls
from .model import Site
from .problems import Problem, error, warning

LEDGER = "published-urls.txt"
HEADER = (
    "# 本网站公开过的全部网页地址（由 sitegen build 自动维护，请随内容一起提交，不要手工删除）。\n"
    "# Every page URL this site has published. Written by `sitegen build`; commit it, never remove lines.\n"
)


def read(content: Path) -> dict[str, int]:
    """URL → line number, from the ledger in `content` (empty when there is none yet)."""
    try:
        text = (content / LEDGER).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    return {line.strip(): number for number, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")}


def site_urls(site: Site) -> set[str]:
    """The page URLs a build of `site` publishes, from the model alone, so `check` can spot a
    vanishing URL without rendering (the build takes them from the pages it made; a test keeps
    the two equal)."""
    paths = {""} | {urls.village_path(v) for v in site.villages}
    paths |= {urls.disclosure_path(d) for v in site.villages for d in v.disclosures}
    paths |= {old for old, _ in site.config.redirects} | {w.path for w in site.config.withdrawn}
    return {urls.absolute(site.config.base_url, path) for path in paths}


def removed(content: str, recorded: dict[str, int], published: set[str]) -> list[Problem]:
    """A located error for every recorded URL the build would no longer publish."""
    path = (Path(content) / LEDGER).as_posix()
    return [
        error(
            path,
            line,
            1,
            "url-removed",
            f"已公开的网址 {url} 将失效，而它的二维码可能已贴在公开栏上。改了名请在 site.yaml 的 redirects 中"
            "把旧路径指向新路径；撤回请在 withdrawn 中登记撤回日期和原因",
        )
        for url, line in sorted(recorded.items(), key=lambda item: item[1])
        if url not in published
    ]


def write(content: Path, recorded: dict[str, int], published: set[str]) -> list[Problem]:
    """Add new URLs (sorted), atomically; an unchanged ledger is not rewritten. The site is built
    by then, so a ledger that cannot be written is a warning, and the next build tries again."""
    if published <= recorded.keys():
        return []
    text = HEADER + "".join(f"{url}\n" for url in sorted(recorded.keys() | published))
    target = content / LEDGER
    try:
        atomic.write_bytes(target, text.encode("utf-8"))
    except OSError as exc:
        return [warning(target.as_posix(), 1, 1, "url-ledger", f"无法写入已公开网址清单（{exc.strerror}），新网址未记录")]
    return []


def digest(content: Path) -> str:
    """The ledger's sha256 ("-" when there is none): a build after it changed is not a no-op."""
    try:
        return hashlib.sha256((content / LEDGER).read_bytes()).hexdigest()
    except OSError:
        return "-"

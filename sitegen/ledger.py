"""The published-URL ledger: every page URL the site has ever published, kept in the content folder.

QR codes printed on village boards live for years, so a page URL must never disappear
silently. `build` adds every new page URL to `published-urls.txt` (committed with the
content); a URL in the ledger that the build would no longer produce, without a
`redirects:` or `withdrawn:` entry in site.yaml to take its place, is a `url-removed` error.
URLs are recorded whole (base_url + path), so changing base_url, which would break every
printed code, is caught as well.
"""

from __future__ import annotations

import errno
from pathlib import Path

from . import atomic
from .problems import Problem, error, warning
from .source import decode

LEDGER = "published-urls.txt"
HEADER = (
    "# 本网站公开过的全部网页地址（由 sitegen build 自动维护，请随内容一起提交，不要手工删除）。\n"
    "# Every page URL this site has published. Written by `sitegen build`; commit it, never remove lines.\n"
)


def read(content: Path) -> tuple[dict[str, int], list[Problem]]:
    """URL → line number, from the ledger in `content` (empty when there is none yet), or an
    `encoding` error when it cannot be read: an unreadable ledger is never taken for an empty one."""
    text, problems = _text(content / LEDGER)
    if text is None:
        return {}, problems
    return {line.strip(): number for number, line in enumerate(text.splitlines(), 1) if _is_url(line)}, []


def _text(path: Path) -> tuple[str | None, list[Problem]]:
    """The ledger's text ("" when there is none), or the located problem that stops the build."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return "", []
    except OSError as exc:
        reason = "没有读取权限" if exc.errno in (errno.EACCES, errno.EPERM) else f"系统错误 {errno.errorcode.get(exc.errno, exc.errno)}"
        return None, [error(path.as_posix(), 1, 1, "encoding", f"无法读取已公开网址清单（{reason}）；请修复后重新运行，清单不会被改写")]
    return decode(raw, path.as_posix())


def _is_url(line: str) -> bool:
    return bool(line.strip()) and not line.startswith("#")


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


def write(content: Path, published: set[str]) -> list[Problem]:
    """Add new URLs, atomically, keeping every line already there byte for byte (new URLs go
    where they sort); an unchanged ledger is not rewritten, and one that cannot be read is never
    rewritten. The site is built by then, so a ledger that cannot be written is a warning, and
    the next build tries again."""
    target = content / LEDGER
    text, problems = _text(target)
    if text is None:
        return problems
    lines = text.splitlines(keepends=True) or [HEADER]
    new = sorted(published - {line.strip() for line in lines if _is_url(line)})
    if not new:
        return []
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    merged: list[str] = []
    for line in lines:
        while new and _is_url(line) and new[0] < line.strip():
            merged.append(new.pop(0) + "\n")
        merged.append(line)
    merged += [url + "\n" for url in new]
    try:
        atomic.write_bytes(target, "".join(merged).encode("utf-8"))
    except OSError as exc:
        return [warning(target.as_posix(), 1, 1, "url-ledger", f"无法写入已公开网址清单（{_reason(exc)}），新网址未记录")]
    return []


def _reason(exc: OSError) -> str:
    return {errno.ENOSPC: "磁盘已满", errno.EROFS: "磁盘是只读的", errno.EACCES: "没有写入权限"}.get(exc.errno, f"系统错误 {errno.errorcode.get(exc.errno, exc.errno)}")

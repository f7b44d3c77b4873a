"""The poster font: which files, whether they are intact, and which characters they can draw.

The files are not in git: `tools/fetch-fonts.sh` downloads them at a pinned version and checks
them against the theme's `fonts/SHA256SUMS`, which is also the list of the font files.
"""

from __future__ import annotations

import hashlib
import struct
from functools import lru_cache
from pathlib import Path

from .html import default_theme

SUMS = "SHA256SUMS"


def fonts_dir(theme_dir: Path | None = None) -> Path:
    return (theme_dir or default_theme()) / "fonts"


def expected(theme_dir: Path | None = None) -> dict[str, str]:
    """File name → sha256, as pinned in the theme's SHA256SUMS (empty when the theme has none)."""
    sums = fonts_dir(theme_dir) / SUMS
    if not sums.is_file():
        return {}
    pairs = (line.split() for line in sums.read_text("utf-8").splitlines() if line.strip())
    return {name.lstrip("*"): digest for digest, name in pairs}


def font_files(theme_dir: Path | None = None) -> tuple[Path, ...]:
    folder = fonts_dir(theme_dir)
    return tuple(folder / name for name in sorted(expected(theme_dir)))


def digest(path: Path) -> str:
    """sha256 of a file, remembered by (path, size, mtime) so a build hashes each font once."""
    stat = path.stat()
    return _digest(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=32)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def font_problems(theme_dir: Path | None = None) -> list[str]:
    """What is wrong with the installed poster fonts, in Chinese (empty when all is well)."""
    pinned = expected(theme_dir)
    if not pinned:
        return [f"主题缺少海报字体清单 {fonts_dir(theme_dir) / SUMS}"]
    problems = []
    for path in font_files(theme_dir):
        if not path.is_file():
            problems.append(f"海报字体 {path.name} 尚未安装，请先运行 make fonts（即 sh tools/fetch-fonts.sh）")
        elif digest(path) != pinned[path.name]:
            problems.append(f"海报字体 {path.name} 与 SHA256SUMS 不符（文件损坏或被替换），请删除后重新运行 make fonts")
    return problems


def coverage(theme_dir: Path | None = None) -> frozenset[int] | None:
    """Code points every poster font can draw (Regular and Bold alike), or None when not installed."""
    files = font_files(theme_dir)
    if not files or not all(path.is_file() for path in files):
        return None
    return _coverage(tuple((str(path), path.stat().st_mtime_ns) for path in files))


@lru_cache(maxsize=4)
def _coverage(files: tuple[tuple[str, int], ...]) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency; only the cmap table is read

    covered: frozenset[int] | None = None
    for path, _ in files:
        with TTFont(path, lazy=True) as font:
            cmap = _format12_codepoints(font.reader["cmap"]) or frozenset(font.getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return covered or frozenset()


def _format12_codepoints(cmap: bytes) -> frozenset[int] | None:
    """The code points of a Unicode full-repertoire (3, 10, format 12) subtable, read as ranges:
    30× faster than fontTools' decompile, which also names every glyph."""
    count = struct.unpack_from(">H", cmap, 2)[0]
    for index in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", cmap, 4 + 8 * index)
        if (platform, encoding) == (3, 10) and struct.unpack_from(">H", cmap, offset)[0] == 12:
            groups = struct.unpack_from(">I", cmap, offset + 12)[0]
            codepoints: set[int] = set()
            for start, end, _ in struct.iter_unpack(">III", cmap[offset + 16 : offset + 16 + 12 * groups]):
                codepoints.update(range(start, end + 1))
            return frozenset(codepoints)
    return None

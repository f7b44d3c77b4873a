"""The poster font: which files, where they are, whether they are intact, what they can draw.

The files are neither in git nor in the wheel: `sitegen fonts` downloads them at a pinned
version into a per-user folder and checks them against the theme's `fonts/SHA256SUMS`, which
is also the list of the font files. Each file is looked up first in the theme's own `fonts/`
folder (where `make fonts` put it before, and where a theme may carry fonts of its own), then
in the per-user folder; either copy must match SHA256SUMS.
"""

from __future__ import annotations

import hashlib
import os
import struct
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .theme_dir import default_theme

SUMS = "SHA256SUMS"
FONT_DIR_VARIABLE = "SITEGEN_FONT_DIR"
FETCH_COMMAND = "sitegen fonts"


def fonts_dir(theme_dir: Path | None = None) -> Path:
    """The theme's fonts folder: its SHA256SUMS and licence, and possibly the fonts themselves."""
    return (theme_dir or default_theme()) / "fonts"


def user_fonts_dir() -> Path:
    """Where `sitegen fonts` puts the poster font: $SITEGEN_FONT_DIR, else the per-user cache
    ($XDG_CACHE_HOME/sitegen/fonts or ~/.cache/sitegen/fonts; %LOCALAPPDATA% on Windows)."""
    if os.environ.get(FONT_DIR_VARIABLE):
        return Path(os.environ[FONT_DIR_VARIABLE]).expanduser()
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "sitegen" / "fonts"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "sitegen" / "fonts"


def locate(name: str, theme_dir: Path | None = None) -> Path:
    """The copy of a pinned font file that is used: the theme's own, else the per-user one."""
    own = fonts_dir(theme_dir) / name
    return own if own.is_file() else user_fonts_dir() / name


def expected(theme_dir: Path | None = None) -> dict[str, str]:
    """File name → sha256, as pinned in the theme's SHA256SUMS (empty when the theme has none)."""
    sums = fonts_dir(theme_dir) / SUMS
    if not sums.is_file():
        return {}
    pairs = (line.split() for line in sums.read_text("utf-8").splitlines() if line.strip())
    return {name.lstrip("*"): digest for digest, name in pairs}


def font_files(theme_dir: Path | None = None) -> tuple[Path, ...]:
    """The pinned font files where they are looked up (they may not exist)."""
    return tuple(locate(name, theme_dir) for name in sorted(expected(theme_dir)))


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
    fetchable = expected(default_theme())  # what `sitegen fonts` downloads
    problems = []
    for path in font_files(theme_dir):
        ours = fetchable.get(path.name) == pinned[path.name]
        if not path.is_file():
            remedy = f"请先运行 {FETCH_COMMAND}" if ours else f"请把主题 SHA256SUMS 所列的这个文件放进 {fonts_dir(theme_dir)}"
            problems.append(f"海报字体 {path.name} 尚未安装，{remedy}")
        elif digest(path) != pinned[path.name]:
            remedy = f"请删除它后重新运行 {FETCH_COMMAND}" if ours else "请换成主题 SHA256SUMS 所列的文件"
            problems.append(f"海报字体 {path} 与 SHA256SUMS 不符（文件损坏或被替换），{remedy}")
    return problems


def url_fetcher(theme_dir: Path):
    """A WeasyPrint URL fetcher that serves the stylesheet's `../fonts/<name>` from where the
    font was found, so the theme's CSS stays as it is wherever the font lives."""
    from weasyprint.urls import URLFetcher

    moved = {os.path.realpath(fonts_dir(theme_dir) / path.name): path for path in font_files(theme_dir)}

    class FontFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            target = moved.get(os.path.realpath(unquote(urlsplit(url).path))) if url.startswith("file:") else None
            return super().fetch(target.as_uri() if target else url, headers)

    return FontFetcher()


def coverage(theme_dir: Path | None = None) -> frozenset[int] | None:
    """Code points every poster font can draw (Regular and Bold alike), or None when a font is
    missing or damaged (never read a file that fails its checksum)."""
    pinned, files = expected(theme_dir), font_files(theme_dir)
    if not files or not all(path.is_file() and digest(path) == pinned[path.name] for path in files):
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

"""`sitegen fonts`: the pinned poster font, fetched with the npm client and checked by sha256.

Noto Sans SC 2.004 (SIL OFL 1.1) comes from an npm package at a fixed version; npm uses the
registry it is configured for, so no host is named here. Nothing is written unless every file
matches the theme's SHA256SUMS, and each file is written in one rename (never half a font).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import atomic
from .oserrors import reason
from . import fonts
from .render.html import default_theme

PACKAGE = "@expo-google-fonts/noto-sans-sc@0.4.3"
MEMBERS = {  # file name in the theme's SHA256SUMS → path inside the npm tarball
    "NotoSansSC-Regular.ttf": "package/400Regular/NotoSansSC_400Regular.ttf",
    "NotoSansSC-Bold.ttf": "package/700Bold/NotoSansSC_700Bold.ttf",
}
MAX_FONT_BYTES = 64 << 20
NPM_TIMEOUT = 900


class FetchError(Exception):
    """Why the font could not be fetched, in Chinese."""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    messages: tuple[str, ...]


def ensure_fonts(check_only: bool = False) -> Outcome:
    """Make the default theme's poster font usable: a no-op when every file is found intact."""
    theme = default_theme()
    problems = fonts.font_problems(theme)
    if not problems:
        places = sorted({str(path.parent) for path in fonts.font_files(theme)})
        return Outcome(True, (f"海报字体已就绪：{'、'.join(places)}",))
    if check_only:
        return Outcome(False, tuple(problems))
    target = fonts.user_fonts_dir()
    try:
        files = verified_members(npm_pack(PACKAGE), fonts.expected(theme))
        for name, data in files.items():
            atomic.write_bytes(target / name, data)
    except FetchError as exc:
        return Outcome(False, (str(exc),))
    except OSError as exc:
        return Outcome(False, (f"无法写入字体文件夹 {target}（{reason(exc)}）；可用环境变量 {fonts.FONT_DIR_VARIABLE} 指定别的文件夹",))
    left = fonts.font_problems(theme)  # e.g. a damaged copy in the theme folder, which comes first
    if left:
        return Outcome(False, tuple(left))
    return Outcome(True, (f"已下载并核对海报字体（{PACKAGE}）到 {target}",))


def npm_pack(spec: str) -> bytes:
    """The tarball of an npm package, by `npm pack` in a temporary folder."""
    npm = shutil.which("npm")
    if npm is None:
        raise FetchError(
            "下载海报字体需要 npm（Node.js 的包管理器）：请先安装（Debian/Ubuntu：sudo apt-get install npm），"
            f"再运行 {fonts.FETCH_COMMAND}"
        )
    with tempfile.TemporaryDirectory(prefix="sitegen-fonts-") as work:
        try:
            done = subprocess.run(
                [npm, "pack", "--silent", spec], cwd=work, capture_output=True, timeout=NPM_TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise FetchError(f"npm 未能运行（{type(exc).__name__}），请检查 npm 是否可用后重试") from exc
        tarballs = sorted(Path(work).glob("*.tgz"))
        if done.returncode != 0 or len(tarballs) != 1:
            raise FetchError(
                f"npm 未能下载字体包 {spec}（退出码 {done.returncode}）：请检查网络和 npm 的设置；"
                f"在终端里运行 npm pack {spec} 可看到详细原因"
            )
        return tarballs[0].read_bytes()


def verified_members(tarball: bytes, pinned: dict[str, str]) -> dict[str, bytes]:
    """The font files out of the npm tarball, each checked against its pinned sha256."""
    files = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            for name, member in MEMBERS.items():
                info = archive.getmember(member) if member in archive.getnames() else None
                handle = archive.extractfile(info) if info is not None and info.isfile() and info.size <= MAX_FONT_BYTES else None
                if handle is None:
                    raise FetchError(f"下载的字体包里没有 {member}，拒绝使用")
                files[name] = handle.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise FetchError(f"下载的字体包已损坏，无法解开（{type(exc).__name__}），请重试") from exc
    for name, data in files.items():
        if hashlib.sha256(data).hexdigest() != pinned.get(name):
            raise FetchError(f"下载的 {name} 与主题的 SHA256SUMS 不符，拒绝使用（什么也没有写入）")
    return files

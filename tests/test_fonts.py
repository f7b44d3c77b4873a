"""The poster font outside the theme: the per-user folder, its lookup order, and `sitegen fonts`.

`sitegen fonts` runs for real against a stand-in `npm` on PATH that packs the real font files the
way the npm package does, so the tarball handling, the checksum refusal and the writing are the
program's own; only the download is replaced.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from conftest import write_tree
from sample import files

from sitegen import cli, fontfetch
from sitegen.build import build
from sitegen import fonts
from sitegen.render.html import default_theme

NAMES = ("NotoSansSC-Bold.ttf", "NotoSansSC-Regular.ttf")


@pytest.fixture(scope="module")
def font_bytes() -> dict[str, bytes]:
    """The real pinned font, wherever this machine has it (make fonts / sitegen fonts)."""
    assert not fonts.font_problems(), "the poster font is needed: run `make fonts`"
    return {path.name: path.read_bytes() for path in fonts.font_files()}


def theme_without_fonts(tmp_path: Path) -> Path:
    theme = tmp_path / "theme"
    shutil.copytree(default_theme(), theme, ignore=shutil.ignore_patterns("*.ttf"))
    return theme


def pdf_bytes(out: Path) -> dict[str, bytes]:
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*.pdf"))}


def test_posters_take_the_font_from_the_per_user_folder_byte_for_byte(tmp_path, monkeypatch, font_bytes):
    user = tmp_path / "user-fonts"
    write_tree(user, font_bytes)
    monkeypatch.setenv(fonts.FONT_DIR_VARIABLE, str(user))
    content = write_tree(tmp_path / "content", files())
    there = build(content, tmp_path / "a", theme_without_fonts(tmp_path), cache_dir=tmp_path / "cache-a")
    assert there.ok, "\n".join(map(str, there.problems))
    here = build(content, tmp_path / "b", cache_dir=tmp_path / "cache-b")  # the shipped theme, font as installed
    assert here.ok, "\n".join(map(str, here.problems))
    rendered = pdf_bytes(tmp_path / "a")
    assert rendered and rendered == pdf_bytes(tmp_path / "b")
    fonts_used = subprocess.run(["pdffonts", str(tmp_path / "a" / next(iter(rendered)))], capture_output=True, text=True, check=True)
    assert "NotoSansSC" in fonts_used.stdout.replace("-", "")


def test_the_themes_own_copy_comes_first_and_must_be_intact(tmp_path, monkeypatch, font_bytes):
    user = write_tree(tmp_path / "user-fonts", font_bytes)
    monkeypatch.setenv(fonts.FONT_DIR_VARIABLE, str(user))
    theme = theme_without_fonts(tmp_path)
    assert {path.parent for path in fonts.font_files(theme)} == {user}
    assert fonts.font_problems(theme) == []
    write_tree(theme / "fonts", {"NotoSansSC-Bold.ttf": b"not a font"})
    assert fonts.font_files(theme)[0] == theme / "fonts" / "NotoSansSC-Bold.ttf"
    (problem,) = fonts.font_problems(theme)
    assert str(theme / "fonts" / "NotoSansSC-Bold.ttf") in problem and "不符" in problem and "sitegen fonts" in problem
    assert fonts.coverage(theme) is None, "a damaged font is never parsed"


def test_a_build_without_the_font_names_the_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(fonts.FONT_DIR_VARIABLE, str(tmp_path / "empty"))
    content = write_tree(tmp_path / "content", files())
    code = cli.main(["build", str(content), "-o", str(tmp_path / "out"), "--theme", str(theme_without_fonts(tmp_path))])
    assert code == 1 and not (tmp_path / "out").exists()
    lines = [line for line in capsys.readouterr().err.splitlines() if "poster-setup" in line]
    assert sorted(line.split("海报字体 ")[1] for line in lines) == [f"{name} 尚未安装，请先运行 sitegen fonts" for name in NAMES]


def test_user_folder_follows_xdg_and_the_override(tmp_path, monkeypatch):
    monkeypatch.delenv(fonts.FONT_DIR_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert fonts.user_fonts_dir() == tmp_path / "xdg" / "sitegen" / "fonts"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert fonts.user_fonts_dir() == tmp_path / "home" / ".cache" / "sitegen" / "fonts"
    monkeypatch.setenv(fonts.FONT_DIR_VARIABLE, str(tmp_path / "mine"))
    assert fonts.user_fonts_dir() == tmp_path / "mine"


# --- `sitegen fonts` with a stand-in npm -----------------------------------------------


def tarball(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def fake_npm(bin_dir: Path, package: bytes | None, exit_code: int = 0) -> Path:
    """An `npm` that, for `npm pack --silent SPEC`, leaves `package` as a .tgz in its folder."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    (bin_dir / "package.tgz.data").write_bytes(package or b"")
    log = bin_dir / "calls.log"
    script = bin_dir / "npm"
    script.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, shutil, sys\n"
        f"pathlib.Path({str(log)!r}).open('a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        f"if {package is not None!r}:\n"
        f"    shutil.copy({str(bin_dir / 'package.tgz.data')!r}, 'expo-google-fonts-noto-sans-sc-0.4.3.tgz')\n"
        f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return log


@pytest.fixture
def no_fonts_yet(tmp_path, monkeypatch) -> Path:
    """A machine without the font: the shipped theme as a wheel has it (no .ttf), an empty
    per-user folder, and only the stand-in npm on PATH."""
    theme = theme_without_fonts(tmp_path)
    monkeypatch.setattr(fontfetch, "default_theme", lambda: theme)
    user = tmp_path / "user-fonts"
    monkeypatch.setenv(fonts.FONT_DIR_VARIABLE, str(user))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    return user


def npm_package(font_bytes: dict[str, bytes]) -> dict[str, bytes]:
    return {member: font_bytes[name] for name, member in fontfetch.MEMBERS.items()}


def test_fonts_fetches_verifies_and_then_is_a_no_op(tmp_path, no_fonts_yet, font_bytes, capsys):
    log = fake_npm(tmp_path / "bin", tarball({"package/package.json": b"{}", **npm_package(font_bytes)}))
    assert cli.main(["fonts", "--check"]) == 1
    assert cli.main(["fonts"]) == 0
    assert log.read_text().splitlines() == [f"pack --silent {fontfetch.PACKAGE}"]
    for name in NAMES:
        assert hashlib.sha256((no_fonts_yet / name).read_bytes()).hexdigest() == fonts.expected()[name]
    assert sorted(p.name for p in no_fonts_yet.iterdir()) == sorted(NAMES), "no temporary file left"
    assert cli.main(["fonts"]) == 0 and cli.main(["fonts", "--check"]) == 0
    assert len(log.read_text().splitlines()) == 1, "npm is not called when the font is in place"
    assert "海报字体已就绪" in capsys.readouterr().err


@pytest.mark.parametrize(
    "package, exit_code, says",
    [
        ("tampered", 0, "与主题的 SHA256SUMS 不符，拒绝使用"),
        ("no-bold", 0, "没有 package/700Bold/NotoSansSC_700Bold.ttf"),
        ("not-gzip", 0, "已损坏"),
        ("symlink", 0, "没有 package/400Regular/NotoSansSC_400Regular.ttf"),
        (None, 1, "npm 未能下载字体包 @expo-google-fonts/noto-sans-sc@0.4.3（退出码 1）"),
    ],
)
def test_fonts_refuses_a_bad_download_and_writes_nothing(tmp_path, no_fonts_yet, font_bytes, capsys, package, exit_code, says):
    good = npm_package(font_bytes)
    regular, bold = fontfetch.MEMBERS["NotoSansSC-Regular.ttf"], fontfetch.MEMBERS["NotoSansSC-Bold.ttf"]
    data = {
        "tampered": lambda: tarball({**good, bold: good[bold][:1000] + bytes([good[bold][1000] ^ 1]) + good[bold][1001:]}),
        "no-bold": lambda: tarball({regular: good[regular]}),
        "not-gzip": lambda: b"<html>proxy login</html>",
        "symlink": lambda: _symlink_tarball(regular, good[bold], bold),
        None: lambda: None,
    }[package]()
    fake_npm(tmp_path / "bin", data, exit_code)
    assert cli.main(["fonts"]) == 1
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert not no_fonts_yet.exists() or not any(no_fonts_yet.iterdir())


def _symlink_tarball(link_name: str, bold: bytes, bold_name: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        link = tarfile.TarInfo(link_name)
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(link)
        info = tarfile.TarInfo(bold_name)
        info.size = len(bold)
        archive.addfile(info, io.BytesIO(bold))
    return buffer.getvalue()


def test_fonts_without_npm_says_how_to_get_it(tmp_path, no_fonts_yet, capsys):
    (tmp_path / "bin").mkdir()
    assert cli.main(["fonts"]) == 1
    assert "需要 npm" in capsys.readouterr().err
    assert not no_fonts_yet.exists()


def test_fonts_reports_an_unwritable_folder(tmp_path, no_fonts_yet, font_bytes, capsys):
    fake_npm(tmp_path / "bin", tarball(npm_package(font_bytes)))
    no_fonts_yet.write_text("a file where the folder should be")
    assert cli.main(["fonts"]) == 1
    assert "无法写入字体文件夹" in capsys.readouterr().err


def test_a_theme_with_a_font_of_its_own_is_not_sent_to_sitegen_fonts(tmp_path, monkeypatch):
    monkeypatch.setenv(fonts.FONT_DIR_VARIABLE, str(tmp_path / "empty"))
    theme = theme_without_fonts(tmp_path)
    (theme / "fonts" / fonts.SUMS).write_text(f"{'0' * 64}  Custom.ttf\n", "utf-8")
    (problem,) = fonts.font_problems(theme)
    assert problem == f"海报字体 Custom.ttf 尚未安装，请把主题 SHA256SUMS 所列的这个文件放进 {theme / 'fonts'}"

"""The release: sdist and wheel by `python -m build`, installed into a fresh virtual environment
outside the checkout, where `sitegen init`, `sitegen fonts` and `sitegen build` with posters run
from a folder far from the source tree.

The fresh environment gets sitegen from the wheel alone; its dependencies are the ones this test
runs with, seen through a .pth line (no download, and pip still checks that they satisfy the
wheel's requirements). The example's posters come from this session's PDF cache, so the output
can be compared byte for byte with the checkout's build of the same content.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, TODAY
from test_init import fill

from sitegen import __version__
from sitegen import fonts

if importlib.util.find_spec("build") is None or importlib.util.find_spec("build.__main__") is None:  # not a stray build/ folder
    pytest.skip("the packaging test needs PyPA build: pip install -e '.[test]'", allow_module_level=True)


def run(*command: str | Path, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # else setuptools notes it skips .pyc
    done = run(sys.executable, "-m", "build", "--outdir", out, ROOT, env=env)
    log = done.stdout + done.stderr
    assert "warning" not in log.lower(), log
    return out


def test_sdist_and_wheel_carry_the_theme_and_never_a_font(dist):
    (wheel,) = dist.glob(f"sitegen-{__version__}-py3-none-any.whl")
    (sdist,) = dist.glob(f"sitegen-{__version__}.tar.gz")
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    theme = ROOT / "themes" / "default"
    shipped = {f"sitegen/themes/default/{p.relative_to(theme).as_posix()}" for p in theme.rglob("*") if p.is_file() and p.suffix != ".ttf"}
    assert shipped <= in_wheel
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "sitegen").rglob("*.py")}
    assert modules <= in_wheel, "a subpackage missing from pyproject's package list"
    with tarfile.open(sdist) as archive:
        in_sdist = set(archive.getnames())
    assert f"sitegen-{__version__}/themes/default/i18n/zh-Hans.yaml" in in_sdist
    assert f"sitegen-{__version__}/tests/conftest.py" in in_sdist and f"sitegen-{__version__}/Makefile" in in_sdist
    assert not [name for name in in_wheel | in_sdist if name.endswith(".ttf")], "fonts are downloaded, never shipped"


def fresh_venv(where: Path) -> Path:
    """A virtual environment without sitegen that sees this interpreter's dependencies."""
    run(sys.executable, "-m", "venv", "--without-pip", where)
    python = where / "bin" / "python"
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    ours = [path for path in sys.path if path.endswith("site-packages")]  # not the checkout on sys.path
    Path(site, "zz_test_dependencies.pth").write_text("\n".join(ours) + "\n", "utf-8")
    return python


def test_the_wheel_alone_inits_fetches_fonts_and_builds_far_from_the_checkout(dist, tmp_path, built):
    (wheel,) = dist.glob("*.whl")
    python = fresh_venv(tmp_path / "venv")
    done = run(sys.executable, "-m", "pip", "--python", python, "install", "--no-index", "--quiet", wheel)
    assert "warning" not in (done.stdout + done.stderr).lower(), done.stderr

    far = tmp_path / "far" / "away"
    far.mkdir(parents=True)
    user_fonts = tmp_path / "user-fonts"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{python.parent}{os.pathsep}{env['PATH']}", **{fonts.FONT_DIR_VARIABLE: str(user_fonts)})
    sitegen = python.parent / "sitegen"

    where = run(python, "-c", "import sitegen.render.html as h; print(h.__file__); print(h.default_theme())", cwd=far, env=env)
    module, theme = where.stdout.split()
    assert module.startswith(str(tmp_path / "venv")) and theme.startswith(str(tmp_path / "venv")), where.stdout
    assert not Path(theme, "fonts", "NotoSansSC-Regular.ttf").exists()

    run(sitegen, "init", "town", "--period", "2026-11", cwd=far, env=env)
    fill(far / "town" / "content")
    missing = subprocess.run([sitegen, "fonts", "--check"], cwd=far, env=env, capture_output=True, text=True)
    assert missing.returncode == 1 and "请先运行 sitegen fonts" in missing.stderr
    # `sitegen fonts` finds the font where it was already fetched to (the download itself is
    # tested in test_fonts.py with a stand-in npm): a no-op that verifies it.
    user_fonts.mkdir()
    for path in fonts.font_files():
        shutil.copy(path, user_fonts / path.name)
    ready = run(sitegen, "fonts", cwd=far, env=env)
    assert f"海报字体已就绪：{user_fonts}" in ready.stderr

    town = dict(env, SITEGEN_CACHE=str(tmp_path / "town-cache"))  # a cold cache: posters really render here
    as_of = ("--as-of", TODAY.isoformat())  # the checkout's build below is as of the suite's today
    run(sitegen, "check", "town/content", *as_of, cwd=far, env=town)
    run(sitegen, "build", "town/content", "-o", "town/output", *as_of, cwd=far, env=town)
    assert sorted(p.relative_to(far / "town" / "output").as_posix() for p in (far / "town" / "output").rglob("*.pdf")) == [
        "village1/board/2026-12.pdf",
        "village1/finance/2026-11/poster.pdf",
        "village1/sign.pdf",
    ]

    shutil.copytree(EXAMPLE, far / "example")
    run(sitegen, "build", "example", "-o", "example-site", *as_of, cwd=far, env=env)
    ours = {p.relative_to(built).as_posix(): p.read_bytes() for p in built.rglob("*") if p.is_file()}
    theirs = {p.relative_to(far / "example-site").as_posix(): p.read_bytes() for p in (far / "example-site").rglob("*") if p.is_file()}
    assert theirs.keys() == ours.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == [], "the wheel builds the same bytes as the checkout"

"""`sitegen init DIR`: a new content repository for a township, ready to fill in.

Everything is written into a hidden folder beside DIR and renamed into place at the end, so an
existing folder is never touched and a failure leaves nothing half-made.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

from . import clock, scaffold
from .oserrors import reason

MONTH = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])")
CI_FILES = {"github": (".github/workflows/publish.yml", "github.yml"), "gitlab": (".gitlab-ci.yml", "gitlab-ci.yml")}


class InitError(Exception):
    """Why the repository was not created, in Chinese."""


def previous_month(today: dt.date) -> str:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def repository_files(ci: str, village: str, period: str) -> dict[str, str]:
    """Relative path → text of every file of a new content repository."""
    ci_path, ci_template = CI_FILES[ci]
    return {
        "README.md": scaffold.render("README.md", VILLAGE=village, PERIOD=period, CI_FILE=ci_path),
        ".gitignore": scaffold.render("gitignore.txt"),
        ".pre-commit-config.yaml": scaffold.render("pre-commit-config.yaml"),
        ci_path: scaffold.render(ci_template),
        "content/site.yaml": scaffold.render("site.yaml"),
        "content/profile.yaml": scaffold.render("profile.yaml"),
        f"content/{village}/village.yaml": scaffold.render("village.yaml", VILLAGE=village, PERIOD=period),
        f"content/{village}/finance/{period}.yaml": scaffold.finance_statement(period),
    }


def init(directory: Path, ci: str = "github", village: str = "village1", period: str | None = None) -> list[str]:
    """Create the repository in `directory` (absent or empty); returns the files written."""
    directory = Path(directory)
    if directory.is_symlink() or directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InitError(f"{directory} 已存在且不是空文件夹：为了不覆盖任何文件，请换一个新的文件夹名")
    files = repository_files(ci, village, period or previous_month(clock.today()))
    staging = directory.parent / f".{directory.name}.sitegen-init-{os.getpid()}"
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        if directory.is_dir():
            directory.rmdir()  # empty, checked above
        staging.rename(directory)
    except OSError as exc:
        raise InitError(f"无法在 {directory} 新建内容仓库（{reason(exc)}），什么也没有留下") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(files)

"""docs/developers.md's module table names every module of the package."""

from __future__ import annotations

import re

from conftest import ROOT


def test_the_module_table_lists_every_module():
    text = (ROOT / "docs" / "developers.md").read_text("utf-8")
    table = [line for line in text.splitlines() if line.startswith("| `")]
    listed = {name for line in table for name in re.findall(r"`([\w/]+(?:\.py|/))`", line.split("|")[1])}
    package = ROOT / "sitegen"
    modules = {p.relative_to(package).as_posix() for p in package.rglob("*.py")}
    # an empty package marker or the `python -m` entry point owns nothing to describe
    trivial = {m for m in modules if m.endswith(("__main__.py", "__init__.py")) and len((package / m).read_text("utf-8")) < 200}
    missing = {m for m in modules - trivial if m not in listed and m.rsplit("/", 1)[0] + "/" not in listed}
    assert not missing, f"modules missing from docs/developers.md's table: {sorted(missing)}"

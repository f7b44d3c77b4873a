"""The minimal valid content folder (tests/fixtures/base), as text, for tests that change one thing."""

from __future__ import annotations

from pathlib import Path

BASE = Path(__file__).parent / "fixtures" / "base"
NAMES = {
    "site": "site.yaml",
    "village": "dongtan/village.yaml",
    "finance": "dongtan/finance/2026-10.yaml",
    "affairs": "dongtan/affairs/2026-Q3/dibao.md",
}
SITE, VILLAGE, FINANCE, AFFAIRS = ((BASE / NAMES[key]).read_text("utf-8") for key in ("site", "village", "finance", "affairs"))


def files(**overrides: str | None) -> dict[str, str]:
    """The minimal site; keyword overrides replace a file by its short name, None removes it."""
    tree = {path.relative_to(BASE).as_posix(): path.read_text("utf-8") for path in sorted(BASE.rglob("*")) if path.is_file()}
    for key, value in overrides.items():
        if value is None:
            tree.pop(NAMES[key])
        else:
            tree[NAMES[key]] = value
    return tree

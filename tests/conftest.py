"""Shared fixtures: the example township built once per test session."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from sitegen import clock
from sitegen.build import build
from sitegen.loader import load_site

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "content"
TODAY = dt.date(2026, 12, 8)  # the suite's today: what is due or overdue must not change with the calendar


@pytest.fixture(scope="session", autouse=True)
def pinned_today():
    """Every test runs as of TODAY unless it passes its own as-of date (the clock's own tests
    always do); only a subprocess (the preview server) sees the real date."""
    patch = pytest.MonkeyPatch()
    patch.setattr(clock, "today", lambda: TODAY)
    yield TODAY
    patch.undo()


@pytest.fixture(scope="session", autouse=True)
def poster_cache(tmp_path_factory):
    """One fresh PDF cache per test session: each session really renders its posters, once."""
    cache = tmp_path_factory.mktemp("sitegen-cache")
    before = os.environ.get("SITEGEN_CACHE")
    os.environ["SITEGEN_CACHE"] = str(cache)
    yield cache
    if before is None:
        os.environ.pop("SITEGEN_CACHE", None)
    else:
        os.environ["SITEGEN_CACHE"] = before


@pytest.fixture(scope="session")
def example_site():
    site, problems = load_site(EXAMPLE)
    assert site is not None, "\n".join(map(str, problems))
    return site


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "output"
    result = build(EXAMPLE, out)
    assert result.ok, "\n".join(map(str, result.problems))
    return out


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create a small content folder from {relative path: text or bytes}."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root

"""The benchmark's county (bench/gen.py): a realistic v2 corpus that `check` passes with no
problem and no warning as of the corpus's fixed date, with every kind of file, and the same
bytes for the same seed.

Small (8 villages × 2 years, seed 2: the first seed whose villages include board photos, points
and corrections), but written and checked by the real generator and the real checker.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).resolve().parents[1]))  # bench/ is not installed; appended, so sitegen stays the installed one
from bench import gen  # noqa: E402
from bench.corpus import common  # noqa: E402
from sitegen import history  # noqa: E402
from sitegen.rules import check_content  # noqa: E402

VILLAGES, YEARS, SEED = 8, 2, 2


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("bench") / "county"
    return root, gen.generate(root, VILLAGES, YEARS, SEED)


def digests(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(root.rglob("*")) if path.is_file()}


def test_clean_at_its_as_of_date_and_today(county):
    root, _ = county
    for day in (common.as_of(YEARS), common.Calendar(range(common.FIRST_YEAR, common.FIRST_YEAR + YEARS)).quiet):
        site, problems = check_content(root, as_of=day)
        assert site is not None and [str(problem) for problem in problems] == []


def test_every_kind_and_every_required_item(county):
    root, counts = county
    assert all(counts[kind] > 0 for kind in ("finance", "affairs", "major", "standing", "points", "postings", "files", "corrections"))
    assert counts["standing"] == 4 * VILLAGES and counts["finance"] == 12 * YEARS * VILLAGES
    for folder in root.glob("v*"):
        village = (folder / "village.yaml").read_text("utf-8")
        assert f"since: {common.FIRST_YEAR}-01" in village
        codes = {path.stem for path in (folder / "affairs").glob("*/*.md")}
        assert codes | {line.split(":")[0].strip() for line in village.split("not_applicable:")[-1].splitlines()[1:]} >= {
            "party-affairs", "dibao", "tekun", "disability", "subsidy", "homestead", "annual-plan", "cadre-pay"}
    assert any("\nquestions:" in path.read_text("utf-8") for path in root.glob("*/finance/*.yaml"))
    assert all(path.read_bytes()[:2] == b"\xff\xd8" for path in root.glob("*/files/*.jpg"))


def test_a_correction_is_a_second_version_of_a_stored_first(county):
    root, counts = county
    site, _ = check_content(root, as_of=common.as_of(YEARS))
    corrected = [village for village in site.villages if (root / "published-versions" / f"{village.slug}.jsonl").exists()]
    assert len(corrected) == counts["corrections"]
    for village in corrected:
        record, problems = history.examine(root, site, village)
        assert problems == []
        numbers = [[version.number for version in made.versions] for made in record.histories.values() if len(made.versions) > 1]
        assert numbers == [[1, 2]]


def test_same_seed_same_bytes(county, tmp_path):
    root, _ = county
    again = tmp_path / "county"
    gen.generate(again, VILLAGES, YEARS, SEED)
    assert digests(again) == digests(root)

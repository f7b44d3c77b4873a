"""Synthetic county content for the benchmark (issues 5 and 15), contract v2.

    python bench/gen.py OUT_DIR [--villages 300] [--years 3] [--seed 1]

Writes a content folder that obeys the contract (shared/spec/content-format.md) and passes
`sitegen check --as-of <as-of>` with no problem and no warning, so a benchmark measures building,
not error reporting. The as-of date is fixed by the corpus (`corpus.common.as_of`: 25 January
after the last year; bench/run.py passes it to every build), so the figures do not depend on
today. Every village is checked from its first month (`since`) and has every item the built-in
catalogue requires; per village and year: 12 chained finance statements, the 6 quarterly
affairs items × 4 (tekun and homestead not applicable in a few villages), the 2 yearly ones,
7 major matters; plus its 4 standing items, and in shares of the villages a points table per
quarter, monthly board photos (real JPEGs) and one correction with its version store.
Questions with answers are on a few items. The default is ≈ 41,000 disclosures.

Everything comes from seeded `random.Random` instances drawn in a fixed order (one per
village, seeded by its slug), so a seed always gives the same bytes; the modules under
bench/corpus/ write one kind of file each.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

try:
    from .corpus import common, corrections, village  # imported as bench.gen
except ImportError:
    from corpus import common, corrections, village  # run as a script: bench/ is on sys.path

DISCLOSURE_KINDS = ("finance", "affairs", "major", "standing", "points")


def generate(root: Path, villages: int = 300, years: int = 3, seed: int = 1) -> Counter:
    """Write the county into `root` (which must be empty or absent); returns the files per kind
    (`files` counts the photos)."""
    if root.exists() and any(root.iterdir()):
        raise SystemExit(f"gen.py: {root} is not empty; give a new folder")
    common.write(root / "site.yaml", village.site_yaml())
    calendar = common.Calendar(range(common.FIRST_YEAR, common.FIRST_YEAR + years))
    counts: Counter = Counter()
    corrected: list[corrections.Corrected] = []
    for each in village.make_villages(seed, villages):
        files, fixed = village.write_village(root, seed, each, calendar)
        counts += files
        corrected += fixed
    corrections.record(root, corrected)
    counts["corrections"] = len(corrected)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic county content folder for the benchmark.")
    parser.add_argument("out", type=Path, help="new content folder")
    parser.add_argument("--villages", type=int, default=300)
    parser.add_argument("--years", type=int, default=3, help=f"years from {common.FIRST_YEAR} on")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.villages < 1 or args.years < 1:
        parser.error("--villages and --years must be at least 1")
    start = time.perf_counter()
    counts = generate(args.out, args.villages, args.years, args.seed)
    disclosures = sum(counts[kind] for kind in DISCLOSURE_KINDS)
    detail = ", ".join(f"{kind} {counts[kind]}" for kind in (*DISCLOSURE_KINDS, "postings", "files", "corrections"))
    print(f"{disclosures} disclosures in {args.villages} villages ({detail}) written to {args.out} "
          f"in {time.perf_counter() - start:.1f} s; check and build it with --as-of {common.as_of(args.years)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

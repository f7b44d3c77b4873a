"""Per-file YAML reading speed: `source.parse_yaml` (libyaml composing plus our scalar reading)
on a synthetic county's finance statements and item front matter.

    .venv/bin/python bench/yaml_speed.py [--villages 3] [--corpus DIR] [--repeat 5]

Prints the median milliseconds per file of each kind over `--repeat` passes. Run it from two
checkouts (or with PYTHONPATH at each) in the same minute to compare; figures only.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=3)
    parser.add_argument("--corpus", type=Path, help="an existing content folder")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from sitegen.source import parse_yaml, split_front_matter

    with tempfile.TemporaryDirectory(prefix="sitegen-yaml-") as scratch:
        county = args.corpus
        if county is None:
            county = Path(scratch) / "county"
            subprocess.run([sys.executable, str(ROOT / "bench/gen.py"), str(county), "--villages", str(args.villages)], check=True, stdout=subprocess.DEVNULL)
        finance = [path.read_text("utf-8") for path in sorted(county.glob("*/finance/*.yaml"))]
        fronts = [split_front_matter(path.read_text("utf-8"))[0] for path in sorted(county.glob("*/*/**/*.md"))]
    for name, texts in (("finance statement", finance), ("item front matter", fronts)):
        passes = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            for text in texts:
                parse_yaml(text, "x.yaml")
            passes.append((time.perf_counter() - started) / len(texts) * 1000)
        print(f"{name}: {statistics.median(passes):.3f} ms per file (median of {args.repeat}, {len(texts)} files, {sum(map(len, texts)) // len(texts)} chars each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Small A/B timings on a shared machine: median wall and CPU seconds of the CLI on one corpus.

    .venv/bin/python bench/ab.py --corpus DIR [--sitegen NAME=CHECKOUT ...] [--repeat 5] [--cold-repeat 3] [--jobs 1]

Runs `python -m sitegen build --no-posters` in a scratch folder with PYTHONPATH at each checkout
given, interleaved run by run (so load noise on a shared machine falls on both alike): a cold
build `--cold-repeat` times (fresh cache and output each time), then `--repeat` no-op rebuilds and
`--repeat` one-file edits (one finance statement corrected again and again: its summary changed
and a correction entry added each time, so no edit is a silent change of a published record).
Every build is as of `--as-of` (default: the bench corpus's fixed date, `corpus.common.as_of`). Prints the median wall and CPU seconds (CPU: user + sys of the build and
its workers, steadier than wall time when other jobs share the cores). Figures only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus.common import as_of  # noqa: E402 (bench/ is on sys.path from here)


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + sys of the build and its worker processes)."""
    before, started = os.times(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds, after = time.perf_counter() - started, os.times()
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr.decode()[-2000:]}")
    return seconds, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def report(name: str, runs: list[tuple[float, float]]) -> None:
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    print(f"{name:<34} wall median {statistics.median(walls):7.3f} s  cpu median {statistics.median(cpus):7.3f} s   wall runs {' '.join(f'{r:.2f}' for r in walls)}")


def correct(county: Path, index: int) -> None:
    """The `index`-th correction of the middle finance statement without one to begin with: a
    published record changes only with a correction entry (§12)."""
    statements = sorted(county.glob("*/finance/*.yaml"))
    statement = next(path for path in statements[len(statements) // 2 :] if "\ncorrections:" not in path.read_text("utf-8") or "（第" in path.read_text("utf-8"))
    text = statement.read_text("utf-8")
    posted = text.split("posted: ", 1)[1][:10]
    entry = f"  - {{date: {posted}, reason: 更正本月说明的文字（第{index + 1}次）。}}\n"
    if "\ncorrections:\n" in text:  # added at the end: the corrections before stay as published
        lines = text.splitlines(keepends=True)
        at = lines.index("corrections:\n") + 1
        while at < len(lines) and lines[at].startswith("  - "):
            at += 1
        text = "".join([*lines[:at], entry, *lines[at:]])
    else:
        text = text.replace("opening_balance: ", "corrections:\n" + entry + "opening_balance: ", 1)
    statement.write_text(text.replace("summary: ", f"summary: （第{index + 1}次更正）", 1), "utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a content folder from bench/gen.py")
    parser.add_argument("--sitegen", action="append", metavar="NAME=PATH", help="a checkout to time (PYTHONPATH); several are interleaved run by run")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cold-repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--as-of", default=as_of().isoformat(), help="the builds' date (YYYY-MM-DD)")
    args = parser.parse_args()
    variants = dict(item.split("=", 1) for item in args.sitegen or [f"this={Path(__file__).resolve().parents[1]}"])
    results: dict[tuple[str, str], list] = {}
    with tempfile.TemporaryDirectory(prefix="sitegen-ab-") as scratch:
        work = Path(scratch)
        setups = {}
        for name, checkout in variants.items():
            folder = work / name
            shutil.copytree(args.corpus, folder / "county", symlinks=True)
            env = {**os.environ, "SITEGEN_CACHE": str(folder / "cache"), "PYTHONPATH": checkout}
            command = [sys.executable, "-m", "sitegen", "build", str(folder / "county"), "-o", str(folder / "out"), "--no-posters", "-j", str(args.jobs), "--as-of", args.as_of]
            setups[name] = (folder, env, command)

        def run(name: str, what: str) -> None:
            folder, env, command = setups[name]
            results.setdefault((what, name), []).append(timed(command, folder, env))

        for _ in range(args.cold_repeat):
            for name, (folder, _, _) in setups.items():
                shutil.rmtree(folder / "cache", ignore_errors=True)
                shutil.rmtree(folder / "out", ignore_errors=True)
                run(name, f"cold, -j {args.jobs}")
        for _ in range(args.repeat):
            for name in setups:
                run(name, "no-op")
        for index in range(args.repeat):
            for name, (folder, _, _) in setups.items():
                correct(folder / "county", index)
                run(name, "one-file edit")
    for (what, name), runs in results.items():
        report(f"{what} [{name}]", runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

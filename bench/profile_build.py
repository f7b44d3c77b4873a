"""Where a build's time goes: cProfile of a cold HTML-only build and of a one-file edit, in one process.

    .venv/bin/python bench/profile_build.py [--villages 30] [--corpus DIR] [--top 25] [--save DIR]

Generates a synthetic county (`bench/gen.py`, kept in `--corpus` when given so runs compare the
same bytes), builds it cold with `-j 1` and no posters under cProfile, corrects one finance
statement's summary (as `bench/run.py` does) and builds again, then corrects another and builds
under cProfile (the second edit: from the second build on, the staging tree is the spare). Prints, for each
run, the wall seconds of the named stages (cumulative time of the functions that own them, so
they may overlap: a stage inside another is counted in both) and the top functions by own time.
`--save DIR` keeps the raw pstats files for `python -m pstats`. Figures only; nothing asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# stage → (file suffix, function name) pairs whose cumulative times are summed
STAGES = {
    "fingerprint inputs (state.snapshot)": [("sitegen/state.py", "snapshot")],
    "build state read (load_state)": [("sitegen/state.py", "load_state")],
    "output intact check": [("sitegen/state.py", "checked")],
    "village records decode (load_record)": [("sitegen/village_record.py", "load_record")],
    "village records encode (save_record)": [("sitegen/village_record.py", "save_record")],
    "village load (load_village)": [("sitegen/loader.py", "load_village")],
    "  YAML parse (source.parse_yaml)": [("sitegen/source.py", "parse_yaml")],
    "    libyaml compose": [("yaml/__init__.py", "compose"), ("sitegen/source.py", "_compose")],
    "    PyYAML resolver (per scalar)": [("yaml/resolver.py", "resolve")],
    "    our scalar resolution (_Builder)": [("sitegen/source.py", "build")],
    "  schema (schema.fields)": [("sitegen/schema.py", "fields")],
    "  privacy + unseen characters": [("sitegen/privacy.py", "scan"), ("sitegen/privacy.py", "scan_values"), ("sitegen/characters.py", "scan"), ("sitegen/characters.py", "scan_values")],
    "rules (check_site)": [("sitegen/rules/__init__.py", "check_site")],
    "Jinja + Markdown (render_page)": [("sitegen/render/html.py", "render_page")],
    "  QR codes": [("sitegen/render/qr.py", "qr_svg")],
    "feeds, data.json, CSV (village_files)": [("sitegen/render/data.py", "village_files")],
    "blob put (hash + write)": [("sitegen/blobs.py", "put")],
    "blob verify (hash)": [("sitegen/blobs.py", "_check")],
    "publish (staging tree, links, swap)": [("sitegen/output.py", "publish")],
    "  staging folders (mkdir, or the spare checked and pruned)": [("sitegen/output.py", "_folders"), ("sitegen/staging.py", "prepare")],
    "  link or write files": [("sitegen/output.py", "_link_unchanged"), ("sitegen/blobs.py", "link"), ("sitegen/staging.py", "fill")],
    "  remove old tree": [("sitegen/output.py", "remove_tree")],
    "build state write (save_state)": [("sitegen/state.py", "save_state")],
    "output folder mtimes": [("sitegen/staging.py", "folder_mtimes")],
}


def stage_times(stats: pstats.Stats, stages: dict[str, list[tuple[str, str]]] = STAGES) -> dict[str, float]:
    """Cumulative seconds per named stage (builtins have the file name "~")."""
    found = {name: 0.0 for name in stages}
    for (filename, _, function), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for name, owners in stages.items():
            if any(filename.endswith(suffix) and function == owner for suffix, owner in owners):
                found[name] += cumulative
    return found


def profiled(label: str, call, top: int, save: Path | None) -> float:
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    result = call()
    profile.disable()
    seconds = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"{label}: build failed: {result.problems[:3]}")
    stats = pstats.Stats(profile)
    if save:
        save.mkdir(parents=True, exist_ok=True)
        stats.dump_stats(save / f"{label.replace(' ', '-')}.pstats")
    print(f"\n## {label}: {seconds:.2f} s wall under cProfile ({result.files} files, {result.written} written)\n")
    print(f"| {'stage':<58} | {'s':>7} | {'share':>6} |")
    print(f"|{'-' * 60}|{'-' * 9}|{'-' * 8}|")
    for name, value in stage_times(stats).items():
        if value:
            print(f"| {name:<58} | {value:7.3f} | {100 * value / seconds:5.1f}% |")
    print(f"\ntop {top} functions by own time:")
    stats.sort_stats("tottime").print_stats(top)
    return seconds


def edit_one_statement(county: Path) -> str:
    from run import edit_one_statement as edit  # the same edit as `make bench`

    return edit(county)


def edit_another_statement(county: Path) -> str:
    """The statement after the middle one, corrected the same way."""
    statements = sorted(county.glob("*/finance/*.yaml"))
    statement = statements[len(statements) // 2 + 1]
    statement.write_text(statement.read_text("utf-8").replace("summary: ", "summary: （已更正）", 1), "utf-8")
    return statement.relative_to(county).as_posix()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=30)
    parser.add_argument("--corpus", type=Path, help="content folder to reuse (generated there when missing)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", type=Path, help="folder for the raw .pstats files")
    args = parser.parse_args()
    from sitegen.build import build

    with tempfile.TemporaryDirectory(prefix="sitegen-profile-") as scratch:
        work = Path(scratch)
        county = work / "county"
        if args.corpus and args.corpus.exists():
            subprocess.run(["cp", "-a", str(args.corpus), str(county)], check=True)
        else:
            subprocess.run([sys.executable, str(ROOT / "bench/gen.py"), str(county), "--villages", str(args.villages)], check=True, stdout=subprocess.DEVNULL)
            if args.corpus:
                subprocess.run(["cp", "-a", str(county), str(args.corpus)], check=True)
        out, cache = work / "out", work / "cache"

        def run():
            return build(county, out, posters=False, cache_dir=cache, jobs=1, record_urls=False)

        profiled("cold HTML-only build", run, args.top, args.save)
        print("edited", edit_one_statement(county))
        if not run().ok:
            raise SystemExit("the first edit's build failed")
        print("edited", edit_another_statement(county))
        profiled("one-file edit", run, args.top, args.save)
    return 0


if __name__ == "__main__":
    sys.exit(main())

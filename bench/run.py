"""`make bench`: one table from one run — sitegen on a synthetic county against Hugo and Pelican.

    .venv/bin/python bench/run.py [--villages 300] [--poster-villages 4] [--skip-competitors]

Rows: our cold HTML-only build (empty cache), a rebuild into a fresh output folder with the cache
kept, a no-op rebuild, a one-file edit; `sitegen status` (the inspection report in the terminal);
the next day's rebuild (as-of + 1 day, cache kept: the daily CI cron); CI with a restored cache (a
fresh copy of the content with new mtimes, as a fresh clone has, the cache copied from the runs
before, an empty output folder); then a cold build with posters and a one-file edit with posters
on a sample of villages (a whole county's posters take over an hour at ~5 posters/s), each with
its peak RSS; then Hugo and Pelican building an equivalent Markdown corpus. Every build and the
status run are as of the corpus's fixed date (`corpus.common.as_of`), so the figures do not
depend on today. Figures only: nothing here is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITEGEN = [sys.executable, "-m", "sitegen"]
sys.path.insert(0, str(ROOT / "bench"))

from corpus.common import as_of  # noqa: E402 (bench/ is on sys.path from here)

AS_OF = as_of()  # of gen.py's default years


def timed(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one command: the largest sum, sampled every 50 ms, over
    the process and all its workers (wait4 alone gives the largest single process)."""
    started = time.perf_counter()
    # stderr to a file, not a pipe: a build that reports many warnings would block on a full pipe
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=log)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], tree_rss_kib(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        log.seek(0)
        raise SystemExit(f"failed: {' '.join(command)}\n{log.read().decode()}")
    return seconds, max(peak[0], usage.ru_maxrss) / 1024


def tree_rss_kib(root: int) -> int:
    """Resident memory of `root` and every descendant, from /proc (Linux)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue  # ended while we looked
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(rss.get(pid, 0) for pid in tree)


def count(folder: Path, suffix: str) -> int:
    return sum(1 for _ in folder.rglob(f"*{suffix}"))


def edit_one_statement(county: Path) -> str:
    """Correct the summary of one finance statement in the middle of the county, as a clerk would
    (one without a correction yet: gen.py corrects a few)."""
    statements = sorted(county.glob("*/finance/*.yaml"))
    statement = next(path for path in statements[len(statements) // 2:] if "\ncorrections:" not in path.read_text("utf-8"))
    text = statement.read_text("utf-8")
    posted = text.split("posted: ", 1)[1][:10]  # a published statement changes only with a correction (§12)
    correction = f"corrections:\n  - {{date: {posted}, reason: 更正本月说明的文字。}}\nopening_balance: "
    statement.write_text(text.replace("summary: ", "summary: （已更正）", 1).replace("opening_balance: ", correction, 1), "utf-8")
    return statement.relative_to(county).as_posix()


def html_build(county: Path, out: Path, day: dt.date) -> list[str]:
    return [*SITEGEN, "build", str(county), "-o", str(out), "--no-posters", "--as-of", day.isoformat()]


def daily_rows(county: Path, work: Path, out: Path, env: dict) -> list[tuple[str, float, float, str]]:
    """What CI does every day: the status report, the next day's build with the cache kept, and a
    build on a fresh clone with the cache restored, into an empty output folder. The last two are as
    of the next day."""
    rows = []
    seconds, rss = timed([*SITEGEN, "status", str(county), "--as-of", AS_OF.isoformat()], env)
    rows.append(("sitegen status (inspection report)", seconds, rss, f"as of {AS_OF}"))
    next_day = AS_OF + dt.timedelta(days=1)
    seconds, rss = timed(html_build(county, out, next_day), env)
    rows.append(("sitegen next day (as-of +1 day), cache kept", seconds, rss, f"as of {next_day}"))
    # CI checks out and restores at the same paths every day: the old ones are moved away first
    cache = Path(env["SITEGEN_CACHE"])
    county.rename(work / "county-before")
    shutil.copytree(work / "county-before", county, copy_function=shutil.copyfile)  # new mtimes, as a fresh clone has
    cache.rename(work / "cache-before")
    shutil.copytree(work / "cache-before", cache)  # as CI restores it (times kept, like a tar)
    shutil.rmtree(out)
    seconds, rss = timed(html_build(county, out, next_day), env)
    rows.append(("sitegen CI: fresh clone, restored cache", seconds, rss, "new mtimes, empty output folder"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=300)
    parser.add_argument("--poster-villages", type=int, default=4)
    parser.add_argument("--skip-competitors", action="store_true")
    args = parser.parse_args()
    rows: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as scratch:
        work = Path(scratch)
        county, sample = work / "county", work / "sample"
        subprocess.run([sys.executable, "bench/gen.py", str(county), "--villages", str(args.villages)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, "bench/gen.py", str(sample), "--villages", str(args.poster_villages)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        out, cache = work / "out", work / "cache"
        env = {"SITEGEN_CACHE": str(cache)}
        html = html_build(county, out, AS_OF)

        seconds, rss = timed(html, env)
        pages = count(out, ".html")
        rows.append(("sitegen cold, HTML only", seconds, rss, f"{pages} pages"))
        seconds, rss = timed(html_build(county, work / "fresh", AS_OF), env)
        rows.append(("sitegen, cache kept, fresh output folder", seconds, rss, f"{pages} pages"))
        seconds, rss = timed(html, env)
        rows.append(("sitegen no-op rebuild", seconds, rss, "nothing rendered or written"))
        statement = edit_one_statement(county)
        seconds, rss = timed(html, env)
        rows.append(("sitegen one-file edit, HTML", seconds, rss, statement))
        rows += daily_rows(county, work, out, env)

        poster_out, poster_env = work / "poster-out", {"SITEGEN_CACHE": str(work / "poster-cache")}
        with_posters = [*SITEGEN, "build", str(sample), "-o", str(poster_out), "--as-of", AS_OF.isoformat()]
        seconds, rss = timed(with_posters, poster_env)
        pdfs = count(poster_out, ".pdf")
        rows.append((f"sitegen cold with posters ({args.poster_villages} villages)", seconds, rss, f"{pdfs} PDFs, {pdfs / seconds:.1f} PDFs/s overall"))
        statement = edit_one_statement(sample)
        seconds, rss = timed(with_posters, poster_env)
        rows.append((f"sitegen one-file edit with posters ({args.poster_villages} v.)", seconds, rss, f"{statement}: page, poster, month pack"))

        single = work / "one-village"  # sitegen's poster render against bare WeasyPrint on the same documents
        subprocess.run([sys.executable, "bench/gen.py", str(single), "--villages", "1"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        from posters import compare

        figures = compare(single, as_of=AS_OF)
        rows.append((f"posters, 1 village: sitegen render ({figures['workers']} proc.)", figures["sitegen_seconds"], 0,
                     f"{figures['pdfs']} PDFs of {figures['documents']} documents; bare WeasyPrint, same documents and processes: "
                     f"{figures['bare_seconds']:.2f} s (bare / sitegen {figures['bare_seconds'] / figures['sitegen_seconds']:.2f}×; "
                     f"CPU {figures['sitegen_cpu_seconds']:.1f} vs {figures['bare_cpu_seconds']:.1f} s)"))

        competitors = {}
        if not args.skip_competitors:
            from competitors import run_competitors

            competitors = run_competitors(pages, work / "competitors")
            for name, figures in competitors.items():
                if isinstance(figures, dict) and "seconds" in figures:
                    rows.append((f"{name} {figures['version']}", figures["seconds"], figures["peak_rss_mib"], f"{figures['html_files']} pages"))
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nsitegen benchmark — {args.villages} villages, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    print("peak RSS: sitegen rows sum the parent and its worker processes; Hugo and Pelican are one process each")
    print(f"| {'run':<44} | {'seconds':>8} | {'peak RSS MiB':>12} | notes")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 14}|------")
    for name, seconds, rss, note in rows:
        print(f"| {name:<44} | {seconds:>8.2f} | {rss:>12.0f} | {note}")
    cold = rows[0][1]
    for name in ("hugo", "pelican"):
        figures = competitors.get(name)
        if isinstance(figures, dict) and "seconds" in figures:
            print(f"\nsitegen cold / {name}: {cold / figures['seconds']:.2f}×   {name} / sitegen cold: {figures['seconds'] / cold:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())

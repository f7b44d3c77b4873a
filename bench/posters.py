"""Poster benchmark: PDFs per second from a cold cache, and a rebuild where nothing changed.

    .venv/bin/python bench/posters.py [content] [--workers N] [--repeat N] [--theme DIR]

Cold: every PDF of the site (posters, signs, board packs) rendered into an empty cache.
No-op: the whole `sitegen build` again with that cache, and the poster step alone.
Figures go to stdout; they are not asserted anywhere (machines differ).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitegen.build import build  # noqa: E402
from sitegen.render import pdf, poster_plan  # noqa: E402
from sitegen.render.html import Theme, default_theme  # noqa: E402
from sitegen.rules import check_content  # noqa: E402

from poster_pool import runner  # noqa: E402  (beside this file)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", nargs="?", default=str(ROOT / "content"))
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs to take the median of")
    parser.add_argument("--theme", type=Path, default=default_theme(), help="theme folder (to compare fonts)")
    args = parser.parse_args()

    site, problems = check_content(args.content)
    if site is None:
        print("\n".join(map(str, problems)), file=sys.stderr)
        return 1
    theme = Theme(args.theme, site.config.locale)
    setup = pdf.setup_problems(theme)
    if setup:
        print("\n".join(setup), file=sys.stderr)
        return 1
    plan = poster_plan.plan_posters(site, theme)
    kinds = {"poster": 0, "sign": 0, "board": 0}
    for batch in plan:
        for file in batch.files:
            kinds["board" if "/board/" in file.path else "sign" if file.path.endswith("sign.pdf") else "poster"] += 1
    total = sum(kinds.values())
    workers = args.workers or os.cpu_count() or 1
    print(f"site: {args.content}  PDFs: {total} ({kinds['poster']} posters, {kinds['sign']} signs, {kinds['board']} board packs)")
    print(f"workers: {workers}  cores: {os.cpu_count()}  HarfBuzz subsetter: {pdf.harfbuzz_subset_loaded()}")

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        cold = []
        for run in range(args.repeat):
            cache = scratch / f"cache-{run}"
            started = time.perf_counter()
            rendered = pdf.render_posters(poster_plan.plan_posters(site, theme), theme, cache, run=runner(args.workers))
            cold.append(time.perf_counter() - started)
            assert rendered.rendered == total, rendered.rendered
        size = sum(len(data) for data in rendered.files.values())
        median = statistics.median(cold)
        print(f"cold render: {median:.2f} s median of {args.repeat} ({', '.join(f'{t:.2f}' for t in cold)})")
        print(f"  {total / median:.1f} PDFs/s, {kinds['poster'] / median:.1f} posters/s (packs reuse the posters' layout)")
        print(f"  {size / total / 1024:.0f} KB per PDF on average, {size / 1024 / 1024:.1f} MB in all")

        warm = scratch / "cache-0"
        started = time.perf_counter()
        again = pdf.render_posters(poster_plan.plan_posters(site, theme), theme, warm, run=runner(args.workers))
        step = time.perf_counter() - started
        assert again.rendered == 0
        output = scratch / "output"
        build(args.content, output, args.theme, cache_dir=warm)  # first build writes the site
        started = time.perf_counter()
        result = build(args.content, output, args.theme, cache_dir=warm)
        noop = time.perf_counter() - started
        assert result.ok
        started = time.perf_counter()
        build(args.content, scratch / "no-posters", args.theme, posters=False)
        html_only = time.perf_counter() - started
        print(f"no-op rebuild (whole build, nothing changed): {noop:.2f} s; poster step alone {step:.2f} s")
        print(f"build --no-posters for comparison: {html_only:.2f} s")

        documents = [(doc.html, doc.base_url) for batch in plan for doc in batch.docs]
        started = time.perf_counter()
        with multiprocessing.get_context("forkserver").Pool(workers) as pool:
            pool.starmap(_bare, [(html, url, str(pdf.stylesheet(theme))) for html, url in documents])
        bare = time.perf_counter() - started
        print(f"bare WeasyPrint, same {len(documents)} posters and signs, {workers} processes, no cache: "
              f"{bare:.2f} s, {len(documents) / bare:.1f} documents/s; "
              f"sitegen cold: {kinds['poster'] + kinds['sign']} documents in {median:.2f} s (packs reuse their pages)")
    return 0


def _bare(html: str, base_url: str, stylesheet: str) -> int:
    """The reference: WeasyPrint with nothing of sitegen's around it."""
    from weasyprint import CSS, HTML

    return len(HTML(string=html, base_url=base_url).write_pdf(stylesheets=[CSS(filename=stylesheet)]))


if __name__ == "__main__":
    sys.exit(main())

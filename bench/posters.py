"""Poster benchmark: PDFs per second from a cold cache against bare WeasyPrint, and a rebuild
where nothing changed.

    .venv/bin/python bench/posters.py [content] [--workers N] [--repeat N] [--theme DIR] [--profile]

Cold: every PDF of the site (posters, signs, board packs) rendered into an empty cache.
Bare: each distinct document (poster or sign) once, as WeasyPrint alone would make it: its own
FontConfiguration and parsed stylesheet, one layout, one `write_pdf`, no packs, no fitting.
No-op: the whole `sitegen build` again with that cache, and the poster step alone.
`--profile`: one cold render in this process under cProfile instead, with the layouts per
document, the fit tries and the share of each WeasyPrint stage (docs/developers.md, Posters profile).
`compare()` is what the benchmark table calls. Figures go to stdout; nothing is asserted.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitegen import fonts  # noqa: E402
from sitegen.build import build  # noqa: E402
from sitegen.render import fit, pdf, poster_plan  # noqa: E402
from sitegen.render.html import Theme, default_theme  # noqa: E402
from sitegen.rules import check_content  # noqa: E402

from poster_pool import Clock, pool_map, runner  # noqa: E402  (beside this file)
from profile_build import stage_times  # noqa: E402


def load(content: Path, theme_dir: Path | None = None, as_of=None):
    """(site, theme) of a content folder that checks clean (as of `as_of`, default today) and has what posters need."""
    site, problems = check_content(content, as_of) if as_of else check_content(content)
    if site is None:
        raise SystemExit("\n".join(map(str, problems)))
    theme = Theme(theme_dir or default_theme(), site.config.locale)
    setup = pdf.setup_problems(theme)
    if setup:
        raise SystemExit("\n".join(setup))
    return site, theme


def documents(plan: list[poster_plan.Batch]) -> list[tuple[str, str]]:
    """Each distinct (HTML, base URL) once: a poster in several months' packs is one document."""
    return list(dict.fromkeys((doc.html, doc.base_url) for batch in plan for doc in batch.docs))


def compare(content: Path, workers: int | None = None, theme_dir: Path | None = None, as_of=None) -> dict:
    """One cold sitegen render of every PDF and one bare WeasyPrint pass over the same documents,
    both in `workers` processes (default: all cores; 1: in this process). Seconds are wall
    seconds; `*_cpu_seconds` add up this process and every worker."""
    site, theme = load(content, theme_dir, as_of)
    count = workers or os.cpu_count() or 1
    plan = poster_plan.plan_posters(site, theme)
    docs = documents(plan)
    with tempfile.TemporaryDirectory() as cache:
        clock = Clock()
        started = time.perf_counter()
        rendered = pdf.render_posters(poster_plan.plan_posters(site, theme), theme, Path(cache), run=runner(count, clock))
        sitegen_seconds, sitegen_cpu = time.perf_counter() - started, clock.seconds()
    clock = Clock()
    started = time.perf_counter()
    sheet = str(pdf.stylesheet(theme))
    for _ in pool_map(bare, [(html, url, sheet) for html, url in docs], min(count, len(docs)), clock):
        pass
    bare_seconds, bare_cpu = time.perf_counter() - started, clock.seconds()
    return {
        "documents": len(docs),
        "pdfs": rendered.rendered,
        "workers": count,
        "sitegen_seconds": sitegen_seconds,
        "bare_seconds": bare_seconds,
        "sitegen_cpu_seconds": sitegen_cpu,
        "bare_cpu_seconds": bare_cpu,
    }


def bare(html: str, base_url: str, stylesheet: str) -> int:
    """The reference: WeasyPrint with nothing of sitegen's around it, fonts declared the way
    its documentation says (without a FontConfiguration @font-face is ignored and a system font
    is used: not the same document)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    css = CSS(filename=stylesheet, font_config=font_config, url_fetcher=fonts.url_fetcher(Path(stylesheet).parents[1]))
    return len(HTML(string=html, base_url=base_url).write_pdf(stylesheets=[css], font_config=font_config))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", nargs="?", default=str(ROOT / "content"))
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs to take the median of")
    parser.add_argument("--theme", type=Path, default=default_theme(), help="theme folder (to compare fonts)")
    parser.add_argument("--profile", action="store_true", help="one cold render in this process under cProfile")
    args = parser.parse_args()
    if args.profile:
        return profile(Path(args.content), args.theme)

    site, theme = load(Path(args.content), args.theme)
    plan = poster_plan.plan_posters(site, theme)
    kinds = collections.Counter(kind(file.path) for batch in plan for file in batch.files)
    total = sum(kinds.values())
    workers = args.workers or os.cpu_count() or 1
    print(f"site: {args.content}  PDFs: {total} ({kinds['poster']} posters, {kinds['sign']} signs, {kinds['board']} board packs)")
    print(f"workers: {workers}  cores: {os.cpu_count()}  HarfBuzz subsetter: {pdf.harfbuzz_subset_loaded()}")

    runs = [compare(Path(args.content), workers, args.theme) for _ in range(args.repeat)]
    for name in ("sitegen", "bare"):
        wall = statistics.median(run[f"{name}_seconds"] for run in runs)
        cpu = statistics.median(run[f"{name}_cpu_seconds"] for run in runs)
        each = ", ".join(f"{run[name + '_seconds']:.2f}" for run in runs)
        label = "cold render" if name == "sitegen" else "bare WeasyPrint"
        print(f"{label}: {wall:.2f} s wall, {cpu:.2f} s CPU, median of {args.repeat} ({each})")
    ratio = statistics.median(run["bare_seconds"] / run["sitegen_seconds"] for run in runs)
    cpu_ratio = statistics.median(run["bare_cpu_seconds"] / run["sitegen_cpu_seconds"] for run in runs)
    print(f"  sitegen: {total} PDFs from {runs[0]['documents']} documents; bare: those {runs[0]['documents']} documents once each, no packs")
    print(f"  bare / sitegen: {ratio:.2f}× wall, {cpu_ratio:.2f}× CPU")

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        warm = scratch / "cache"
        pdf.render_posters(poster_plan.plan_posters(site, theme), theme, warm, run=runner(args.workers))
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
    return 0


def kind(path: str) -> str:
    return "board" if "/board/" in path else "sign" if path.endswith("sign.pdf") else "poster"


# --- --profile -------------------------------------------------------------------------

# stage → (file suffix, function) whose cumulative seconds are summed; nested stages overlap
STAGES = {
    "all (render_posters)": ("sitegen/render/pdf.py", "render_posters"),
    "layout (HTML.render)": ("weasyprint/__init__.py", "render"),
    "  styles (get_all_computed_styles)": ("weasyprint/css/__init__.py", "get_all_computed_styles"),
    "  boxes (build_formatting_structure)": ("formatting_structure/build.py", "build_formatting_structure"),
    "  layout_document": ("weasyprint/layout/__init__.py", "layout_document"),
    "    of it flex_layout": ("weasyprint/layout/flex.py", "flex_layout"),
    "    of it table_layout": ("weasyprint/layout/table.py", "table_layout"),
    "write_pdf": ("weasyprint/document.py", "write_pdf"),
    "  paint pages": ("weasyprint/document.py", "paint"),
    "    of it SVG paths (QR codes)": ("weasyprint/svg/path.py", "path"),
    "  font subsetting (HarfBuzz)": ("weasyprint/pdf/fonts.py", "_harfbuzz_subset"),
    "  serialising (pydyf)": ("pydyf/__init__.py", "write"),
    "  zlib": ("~", "<method 'compress' of 'zlib.Compress' objects>"),
}


def profile(content: Path, theme_dir: Path) -> int:
    """Cold render in-process under cProfile: layouts per document, fit tries, stage shares."""
    import weasyprint

    site, theme = load(content, theme_dir)
    plan = poster_plan.plan_posters(site, theme)
    layouts = collections.Counter()
    tries = collections.Counter()  # (layouts, pages) per document that went through fit
    render, one_page = weasyprint.HTML.render, fit.one_page

    def counted(self, *args, **kwargs):
        layouts["all"] += 1
        return render(self, *args, **kwargs)

    def fitted(make, html):
        before = layouts["all"]
        document = one_page(make, html)
        tries[(layouts["all"] - before, len(document.pages))] += 1
        return document

    weasyprint.HTML.render, fit.one_page = counted, fitted
    profiler = cProfile.Profile()
    try:
        with tempfile.TemporaryDirectory() as cache:
            profiler.enable()
            rendered = pdf.render_posters(plan, theme, Path(cache))
            profiler.disable()
    finally:
        weasyprint.HTML.render, fit.one_page = render, one_page
    unique = len(documents(plan))
    print(f"{rendered.rendered} PDFs, {unique} distinct documents, {layouts['all']} layouts ({layouts['all'] / unique:.2f} a document)")
    print("layouts, pages → documents:", ", ".join(f"{n} layouts {p} p → {c}" for (n, p), c in sorted(tries.items())))
    found = stage_times(pstats.Stats(profiler), {label: [owner] for label, owner in STAGES.items()})
    total = found["all (render_posters)"]
    for label, seconds in found.items():
        print(f"  {label:40s} {seconds:7.2f} s {100 * seconds / total:5.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Hugo and Pelican building an equivalent Markdown corpus, cold, one run each (issue 5).

    python bench/competitors.py [--pages 45000] [--workdir DIR] [--seed 1]

The corpus has the page count of gen.py's default county (disclosures plus village
pages): each village is a list page linking its disclosures, and each disclosure is
Chinese prose with a 20-row Markdown table. Both tools get a minimal theme written here
at run time, build exactly `pages` pages plus one home page, and the counts are checked.
Taxonomies, feeds, sitemaps and archives are switched off, because sitegen's figure
to compare with is its HTML pages.

Peak RSS comes from os.wait4 on each tool's process: that is its own maximum, whereas
RUSAGE_CHILDREN would keep the largest of every child run so far.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

try:
    from .corpus import common  # imported as bench.competitors
    from .corpus.village import village_names
except ImportError:
    from corpus import common  # run as a script: bench/ is on sys.path
    from corpus.village import village_names

# gen.py's default, about 150 a village: 45 disclosures a year × 3 years, 4 standing items, a few
# points tables and board-photo months, the odd superseded version, plus the village page
PAGES_PER_VILLAGE = 150
DEFAULT_PAGES = 300 * PAGES_PER_VILLAGE
TABLE_COLUMNS = ("户主姓名", "村民小组", "补贴面积(亩)", "补贴金额(元)")

HUGO_CONFIG = f"""baseURL = "{common.BASE_URL}"
title = "{common.COUNTY}村务公开"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
buildFuture = true
"""
HUGO_LAYOUTS = {
    "baseof.html": (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>\n'
        '<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>\n'
        '<main>{{ block "main" . }}{{ end }}</main></body></html>\n'
    ),
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }}</p>{{ .Content }}{{ end }}\n',
    "list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n'
    ),
}

PELICAN_CONFIG = f"""SITENAME = "{common.COUNTY}村务公开"
SITEURL = ""
PATH = "content"
THEME = "theme"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
ARTICLE_TRANSLATION_ID = None
ARTICLE_URL = "{{category}}/{{slug}}/"
ARTICLE_SAVE_AS = "{{category}}/{{slug}}/index.html"
CATEGORY_URL = "{{slug}}/"
CATEGORY_SAVE_AS = "{{slug}}/index.html"
DIRECT_TEMPLATES = ["index"]
TAG_SAVE_AS = TAGS_SAVE_AS = AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = ARCHIVES_SAVE_AS = ""
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = False
"""
PELICAN_TEMPLATES = {
    "base.html": (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{% block title %}{{ SITENAME }}{% endblock %}</title></head>\n'
        '<body><header><a href="{{ SITEURL }}/">{{ SITENAME }}</a></header>\n'
        "<main>{% block content %}{% endblock %}</main></body></html>\n"
    ),
    "article.html": (
        '{% extends "base.html" %}{% block title %}{{ article.title }}{% endblock %}{% block content %}'
        "<h1>{{ article.title }}</h1><p>{{ article.date.strftime('%Y-%m-%d') }}</p>{{ article.content }}{% endblock %}\n"
    ),
    "category.html": (
        '{% extends "base.html" %}{% block content %}<h1>{{ category }}</h1><ul>{% for article in articles %}'
        '<li><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a></li>{% endfor %}</ul>{% endblock %}\n'
    ),
    "index.html": (
        '{% extends "base.html" %}{% block content %}<ul>{% for category, articles in categories %}'
        '<li><a href="{{ SITEURL }}/{{ category.url }}">{{ category }}</a></li>{% endfor %}</ul>{% endblock %}\n'
    ),
}


def villages_for(pages: int) -> list[int]:
    """Disclosures per village, so that villages + disclosures == pages, spread as evenly as gen.py's."""
    if pages < 2:
        raise SystemExit("competitors.py: --pages must be at least 2 (a village and one disclosure)")
    villages = max(1, round(pages / PAGES_PER_VILLAGE))
    items = pages - villages
    return [items // villages + (1 if index < items % villages else 0) for index in range(villages)]


def page_body(rng: random.Random, village: str) -> str:
    """Prose and a 20-row table, like a subsidy notice of gen.py written as plain Markdown."""
    rate = rng.randint(8000, 15000)
    rows = []
    for _ in range(20):
        area = rng.randint(150, 1500)
        cells = (common.person(rng), rng.choice(common.GROUPS), common.yuan(area), common.yuan((area * rate + 50) // 100))
        rows.append("| " + " | ".join(cells) + " |")
    table = "| " + " | ".join(TABLE_COLUMNS) + " |\n|---|---|---:|---:|\n" + "\n".join(rows)
    return (
        f"{village}本期补贴标准为每亩{common.yuan(rate)}元，补贴面积以第二轮土地承包确权面积为准。\n\n"
        f"{common.paragraphs(rng, 3)}\n\n{table}\n\n{common.paragraphs(rng, 1)}\n"
    )


def write_corpus(hugo: Path, pelican: Path, pages: int, seed: int) -> None:
    """The same pages twice: Hugo wants YAML front matter, Pelican `Key: value` metadata."""
    rng = random.Random(seed)
    counts = villages_for(pages)
    for number, (name, count) in enumerate(zip(village_names(rng, len(counts)), counts), start=1):
        slug = f"v{number:04d}"
        common.write(hugo / "content" / slug / "_index.md", f"---\ntitle: {name}\n---\n")
        for item in range(1, count + 1):
            title, date = f"{name}村务公开第{item}号", f"2026-{item % 12 + 1:02d}-{item % 28 + 1:02d}"
            body = page_body(rng, name)
            common.write(hugo / "content" / slug / f"d{item:03d}.md", f"---\ntitle: {title}\ndate: {date}\n---\n{body}")
            metadata = f"Title: {title}\nDate: {date}\nCategory: {slug}\nSlug: d{item:03d}\n\n"
            common.write(pelican / "content" / slug / f"d{item:03d}.md", metadata + body)


def write_themes(hugo: Path, pelican: Path) -> None:
    common.write(hugo / "hugo.toml", HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        common.write(hugo / "layouts" / "_default" / name, text)
    common.write(pelican / "pelicanconf.py", PELICAN_CONFIG)
    for name, text in PELICAN_TEMPLATES.items():
        common.write(pelican / "theme" / "templates" / name, text)


def measure(command: list[str], cwd: Path, log: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB of one command; its output goes to `log`."""
    start = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        tail = log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{command[0]} exited {process.returncode}:\n{tail}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports KiB


def tool(name: str) -> str:
    """The console script installed next to this Python (the `bench` extra), else one on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"competitors.py: {name} not found; install with pip install -e '.[bench]'")
    return found


def html_files(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def run_tool(name: str, command: list[str], site: Path, output: Path, pages: int) -> dict:
    """One cold build: no output folder and no cache beforehand; checks the page count."""
    seconds, rss = measure(command, site, site / "build.log")
    built = html_files(output)
    if built != pages + 1:
        raise RuntimeError(f"{name} built {built} HTML files, expected {pages} pages + 1 home page")
    return {"version": version(name), "seconds": round(seconds, 2), "peak_rss_mib": round(rss), "html_files": built}


def run_competitors(pages: int, workdir: Path, seed: int = 1) -> dict:
    """Write both corpora into `workdir` (new or empty) and time Hugo, then Pelican."""
    if workdir.exists() and any(workdir.iterdir()):
        raise SystemExit(f"competitors.py: {workdir} is not empty; give a new folder")
    hugo, pelican = workdir / "hugo", workdir / "pelican"
    write_corpus(hugo, pelican, pages, seed)
    write_themes(hugo, pelican)
    hugo_command = [tool("hugo"), "--quiet", "--cacheDir", str(workdir / "hugo-cache"), "--destination", "public"]
    pelican_command = [tool("pelican"), "content", "--settings", "pelicanconf.py", "--output", "output", "--quiet"]
    return {
        "pages": pages,
        "hugo": run_tool("hugo", hugo_command, hugo, hugo / "public", pages),
        "pelican": run_tool("pelican", pelican_command, pelican, pelican / "output", pages),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time Hugo and Pelican on an equivalent Markdown corpus.")
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES, help=f"village + disclosure pages (default {DEFAULT_PAGES})")
    parser.add_argument("--workdir", type=Path, help="new folder for both sites (default: a new one under the temp folder)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="sitegen-competitors-"))
    results = run_competitors(args.pages, workdir, args.seed)
    print(f"{results['pages']} pages (+1 home page), sites in {workdir}")
    for name in ("hugo", "pelican"):
        run = results[name]
        print(f"{name:8} {run['version']:>8}  {run['seconds']:8.2f} s  {run['peak_rss_mib']:6d} MiB peak RSS  {run['html_files']} HTML files")
    return 0


if __name__ == "__main__":
    sys.exit(main())

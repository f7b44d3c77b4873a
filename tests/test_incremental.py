"""Incremental builds: a rebuild equals a clean build byte for byte, and touches only what changed."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import ROOT, TODAY, write_tree
from sample import files
from test_site import tree_digest

import sitegen.build
import sitegen.render.html
import sitegen.village_build

# Deleting and adding sources is the point here, not the published-URL ledger (tests/test_ledger.py).
build = functools.partial(sitegen.build.build, record_urls=False)

THEME = ROOT / "themes" / "default"


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def clean_digest(content: Path, theme: Path, tmp: Path) -> dict[str, str]:
    out = tmp / "clean"
    shutil.rmtree(out, ignore_errors=True)
    assert build(content, out, theme, posters=False, cache_dir=tmp / "clean-cache").ok
    digest = tree_digest(out)
    shutil.rmtree(out)
    shutil.rmtree(tmp / "clean-cache")
    return digest


def setup(tmp_path):
    content = write_tree(tmp_path / "content", files())
    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme, ignore=shutil.ignore_patterns("*.ttf"))
    return content, theme, tmp_path / "out", tmp_path / "cache"


def test_noop_rebuild_renders_and_rewrites_nothing(tmp_path):
    content, theme, out, cache = setup(tmp_path)
    first = build(content, out, theme, posters=False, cache_dir=cache)
    assert first.ok and first.written == first.files
    before = mtimes(out)
    again = build(content, out, theme, posters=False, cache_dir=cache)
    assert again.ok and again.written == 0 and again.files == first.files
    assert mtimes(out) == before


def test_one_edit_rewrites_only_the_pages_that_show_it(tmp_path):
    content, theme, out, cache = setup(tmp_path)
    assert build(content, out, theme, posters=False, cache_dir=cache).ok
    before = mtimes(out)
    finance = content / "dongtan/finance/2026-10.yaml"
    finance.write_text(finance.read_text("utf-8").replace("本月收入为土地发包费。", "本月收入为土地发包费和鱼塘承包费。"), "utf-8")
    result = build(content, out, theme, posters=False, cache_dir=cache)
    assert result.ok
    after = mtimes(out)
    changed = {path for path in after if after[path] != before.get(path)}
    # the summary shows on its page and in the feeds; the data files name the new version id
    feeds_and_data = {"feed.xml", "dongtan/feed.xml", "dongtan/data.json", "dongtan/finance/2026-10/datapackage.json"}
    assert changed == {"dongtan/finance/2026-10/index.html", *feeds_and_data}
    assert tree_digest(out) == clean_digest(content, theme, tmp_path)


def test_deleting_a_source_removes_its_outputs(tmp_path):
    content, theme, out, cache = setup(tmp_path)
    assert build(content, out, theme, posters=False, cache_dir=cache).ok
    assert (out / "dongtan/major/2026-road/index.html").is_file()
    (content / "dongtan/major/2026-road.md").unlink()
    assert build(content, out, theme, posters=False, cache_dir=cache).ok
    assert not (out / "dongtan/major/2026-road").exists()
    assert tree_digest(out) == clean_digest(content, theme, tmp_path)


def test_a_template_change_reaches_every_page_that_uses_it(tmp_path):
    content, theme, out, cache = setup(tmp_path)
    assert build(content, out, theme, posters=False, cache_dir=cache).ok
    major = theme / "templates/major.html"
    major.write_text(major.read_text("utf-8").replace("{% endblock %}", "<!-- v2 -->{% endblock %}", 1), "utf-8")
    result = build(content, out, theme, posters=False, cache_dir=cache)
    assert result.ok and result.written >= 1
    assert "<!-- v2 -->" in (out / "dongtan/major/2026-road/index.html").read_text("utf-8")
    assert tree_digest(out) == clean_digest(content, theme, tmp_path)


SITE_WIDE = {"index.html", "404.html", "status/index.html"}  # made from the villages' listings (and clocks) on every build, never cached


def rendered_pages(monkeypatch) -> list[str]:
    """The files of the pages actually rendered (village work runs in this process with jobs=1):
    a village's pages in its task, the site-wide pages in the build itself."""
    paths: list[str] = []
    real = sitegen.village_build.render_page

    def spy(theme, site, page):
        paths.append(page.file)
        return real(theme, site, page)

    monkeypatch.setattr(sitegen.village_build, "render_page", spy)
    monkeypatch.setattr(sitegen.render.html, "render_page", spy)  # the build imports it when it renders
    return paths


def test_a_template_change_renders_exactly_the_pages_that_loaded_it(tmp_path, monkeypatch):
    content, theme, out, cache = setup(tmp_path)
    assert build(content, out, theme, posters=False, cache_dir=cache, jobs=1).ok
    every_page = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    rendered = rendered_pages(monkeypatch)
    major = theme / "templates/major.html"
    major.write_text(major.read_text("utf-8") + "{# v2 #}\n", "utf-8")
    assert build(content, out, theme, posters=False, cache_dir=cache, jobs=1).ok
    major_pages = {p for p in every_page if "/major/" in p}
    assert major_pages and set(rendered) == major_pages | SITE_WIDE
    rendered.clear()
    macros = theme / "templates/_macros.html"  # imported by every page template
    macros.write_text(macros.read_text("utf-8") + "{# v2 #}\n", "utf-8")
    assert build(content, out, theme, posters=False, cache_dir=cache, jobs=1).ok
    assert set(rendered) == every_page
    assert tree_digest(out) == clean_digest(content, theme, tmp_path)


def test_one_finance_edit_renders_its_page_and_listings_and_rechecks_the_next_month(tmp_path, monkeypatch):
    content, theme, out, cache = setup(tmp_path)
    assert build(content, out, theme, posters=False, cache_dir=cache, jobs=1).ok
    rendered = rendered_pages(monkeypatch)
    finance = content / "dongtan/finance/2026-10.yaml"
    finance.write_text(finance.read_text("utf-8").replace("本月收入为土地发包费。", "本月收入为土地发包费和鱼塘承包费。"), "utf-8")
    assert build(content, out, theme, posters=False, cache_dir=cache, jobs=1).ok
    assert set(rendered) == SITE_WIDE | {"dongtan/index.html", "dongtan/finance/2026-10/index.html"}
    november = content / "dongtan/finance/2026-11.yaml"
    november.write_text(
        "period: 2026-11\nposted: 2026-12-05\nsummary: 本月无收支。\n"
        "review: {reviewers: [刘秀英], date: 2026-12-03}\nopening_balance: 100.30\nclosing_balance: 100.30\n",
        "utf-8",
    )
    assert build(content, out, theme, posters=False, cache_dir=cache, jobs=1).ok
    text = finance.read_text("utf-8")  # October still balances, but November no longer follows on
    finance.write_text(text.replace("amount: 0.20", "amount: 1.20").replace("closing_balance: 100.30", "closing_balance: 101.30"), "utf-8")
    result = build(content, out, theme, posters=False, cache_dir=cache, jobs=1)
    assert not result.ok and [(Path(p.path).name, p.code) for p in result.problems] == [("2026-11.yaml", "finance-chain")]


def test_the_next_day_renders_only_what_shows_the_date(tmp_path, monkeypatch):
    """The daily CI build changes only the date: the village homes (their clock) and the
    site-wide pages are rendered again, every item page is kept, and the site equals a clean
    build as of that day."""
    content, theme, out, cache = setup(tmp_path)
    assert build(content, out, theme, posters=False, cache_dir=cache, jobs=1, as_of=TODAY).ok
    homes = {p.relative_to(out).as_posix() for p in out.glob("*/index.html") if p.parent.name != "status"}
    before = (out / "dongtan/index.html").read_bytes()
    rendered = rendered_pages(monkeypatch)
    next_year = dt.date(2027, 1, 20)  # the clock's dates now name their year, and more is due
    assert build(content, out, theme, posters=False, cache_dir=cache, jobs=1, as_of=next_year).ok
    assert homes and set(rendered) == SITE_WIDE | homes
    assert (out / "dongtan/index.html").read_bytes() != before
    clean = tmp_path / "clean"
    assert build(content, clean, theme, posters=False, cache_dir=tmp_path / "clean-cache", as_of=next_year).ok
    assert tree_digest(out) == tree_digest(clean)


def test_a_fresh_output_folder_is_linked_from_the_cache_without_rendering(tmp_path, monkeypatch):
    content, theme, out, cache = setup(tmp_path)
    assert build(content, out, theme, posters=False, cache_dir=cache, jobs=1).ok
    rendered = rendered_pages(monkeypatch)
    fresh = tmp_path / "fresh"
    assert build(content, fresh, theme, posters=False, cache_dir=cache, jobs=1).ok
    assert set(rendered) == SITE_WIDE and tree_digest(fresh) == tree_digest(out)


def test_an_output_file_edited_in_place_never_reaches_another_output(tmp_path):
    """Output files are hard links to cached blobs; writing into one must not poison the cache."""
    content, theme, out, cache = setup(tmp_path)
    assert build(content, out, theme, posters=False, cache_dir=cache).ok
    expected = tree_digest(out)
    page = out / "dongtan/finance/2026-10/index.html"
    with open(page, "r+b") as handle:  # same size, same inode: only the mtime tells
        handle.write(b"<!--defaced-->")
    assert build(content, tmp_path / "fresh", theme, posters=False, cache_dir=cache).ok
    assert tree_digest(tmp_path / "fresh") == expected


def test_a_tampered_output_file_is_restored(tmp_path):
    content, theme, out, cache = setup(tmp_path)
    assert build(content, out, theme, posters=False, cache_dir=cache).ok
    expected = tree_digest(out)
    (out / "index.html").write_text("defaced", "utf-8")
    (out / "stray.html").write_text("stray", "utf-8")
    assert build(content, out, theme, posters=False, cache_dir=cache).ok
    assert tree_digest(out) == expected


EDITS = st.sampled_from(["summary", "amount", "delete-affairs", "add-major", "css", "major-template", "village-name", "revert"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EDITS, min_size=1, max_size=4))
def test_random_edit_sequences_match_a_clean_build(tmp_path_factory, edits):
    tmp = tmp_path_factory.mktemp("seq")
    content, theme, out, cache = setup(tmp)
    original = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    assert build(content, out, theme, posters=False, cache_dir=cache).ok
    for step, edit in enumerate(edits):
        apply_edit(content, theme, edit, step, original)
        assert build(content, out, theme, posters=False, cache_dir=cache).ok
        assert tree_digest(out) == clean_digest(content, theme, tmp), edits[: step + 1]


def apply_edit(content: Path, theme: Path, edit: str, step: int, original: dict[Path, bytes]) -> None:
    finance = content / "dongtan/finance/2026-10.yaml"
    if edit == "summary":
        finance.write_text(finance.read_text("utf-8").replace("。\n", f"（第{step}次修改）。\n", 1), "utf-8")
    elif edit == "amount":  # income and closing balance together, so it still balances
        text = finance.read_text("utf-8")
        finance.write_text(text.replace("amount: 0.20", "amount: 1.20").replace("closing_balance: 100.30", "closing_balance: 101.30"), "utf-8")
    elif edit == "delete-affairs":
        (content / "dongtan/affairs/2026-Q3/dibao.md").unlink(missing_ok=True)
    elif edit == "add-major":
        road = (content / "dongtan/major/2026-road.md")
        if road.exists():
            (content / f"dongtan/major/road-{step}.md").write_text(road.read_text("utf-8").replace("村内主干道", f"第{step}条道路"), "utf-8")
    elif edit == "css":
        css = theme / "static/site.css"
        css.write_text(css.read_text("utf-8") + f"\n/* {step} */\n", "utf-8")
    elif edit == "major-template":
        major = theme / "templates/major.html"
        major.write_text(major.read_text("utf-8").replace("{% endblock %}", f"<!-- {step} -->{{% endblock %}}", 1), "utf-8")
    elif edit == "village-name":
        village = content / "dongtan/village.yaml"
        village.write_text(village.read_text("utf-8").replace("name: 东滩村", f"name: 东滩{step}村"), "utf-8")
    else:  # revert everything: the cache must not serve the edited versions
        for path in [p for p in content.rglob("*") if p.is_file()]:
            if path not in original:
                path.unlink()
        for path, data in original.items():
            path.write_bytes(data)


def test_two_builds_at_once_share_one_cache_safely(tmp_path):
    """Two clerks' previews, or CI jobs, may build at the same moment with the same cache."""
    content = write_tree(tmp_path / "content", files())
    cache = tmp_path / "cache"
    env = {**os.environ, "SITEGEN_CACHE": str(cache)}
    command = [sys.executable, "-m", "sitegen", "build", str(content), "--no-posters", "--preview", "--as-of", TODAY.isoformat(), "-o"]
    runs = [subprocess.Popen([*command, str(tmp_path / name)], env=env, stderr=subprocess.PIPE) for name in ("a", "b")]
    assert [run.wait(timeout=120) for run in runs] == [0, 0], [run.stderr.read().decode() for run in runs]
    expected = clean_digest(content, ROOT / "themes" / "default", tmp_path)
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b") == expected
    assert build(content, tmp_path / "c", posters=False, cache_dir=cache).ok  # the cache they left is sound
    assert tree_digest(tmp_path / "c") == expected

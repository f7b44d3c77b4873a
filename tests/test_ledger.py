"""URLs that never break: the published-URL ledger, redirect pages, withdrawal notices, 404 and robots."""

from __future__ import annotations

import errno
import posixpath
from pathlib import Path

import pytest

from conftest import EXAMPLE, write_tree
from helpers import soup
from sample import files
from test_site import tree_digest

import sitegen.build
from sitegen import history, ledger, urls
from sitegen.build import build
from sitegen.ledger import LEDGER
from sitegen.rules import check_content

BASE = "https://cwgk.example.gov.cn/ceshi/"
ROAD = "dongtan/major/2026-road/"


def ledger_urls(content: Path) -> list[str]:
    return [line for line in (content / LEDGER).read_text("utf-8").splitlines() if line and not line.startswith("#")]


def pages(out: Path) -> set[str]:
    return {BASE + p.parent.relative_to(out).as_posix().removeprefix(".") + "/" if p.parent != out else BASE for p in out.rglob("index.html")}


def test_build_records_every_page_url_and_rewrites_the_ledger_only_for_new_ones(tmp_path):
    content, out = write_tree(tmp_path / "content", files()), tmp_path / "out"
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    urls = ledger_urls(content)
    assert urls == sorted(urls) and set(urls) == pages(out) and BASE + ROAD in urls
    before = (content / LEDGER).stat().st_mtime_ns
    assert build(content, tmp_path / "again", posters=False, cache_dir=tmp_path / "cache").ok
    assert (content / LEDGER).stat().st_mtime_ns == before


def test_a_page_that_would_disappear_is_an_error_and_nothing_is_written(tmp_path):
    content, out = write_tree(tmp_path / "content", files()), tmp_path / "out"
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    published, ledger = tree_digest(out), (content / LEDGER).read_bytes()
    (content / "dongtan/major/2026-road.md").unlink()
    result = build(content, out, posters=False, cache_dir=tmp_path / "cache")
    assert not result.ok
    [problem] = [p for p in result.problems if p.code == "url-removed"]
    line = (content / LEDGER).read_text("utf-8").splitlines().index(BASE + ROAD) + 1
    assert (problem.path, problem.line, problem.col) == ((content / LEDGER).as_posix(), line, 1)
    assert BASE + ROAD in problem.message and "redirects" in problem.message
    assert tree_digest(out) == published and (content / LEDGER).read_bytes() == ledger


def test_a_renamed_item_keeps_its_old_address_as_a_redirect_page(tmp_path):
    content, out = write_tree(tmp_path / "content", files()), tmp_path / "out"
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    (content / "dongtan/major/2026-road.md").rename(content / "dongtan/major/2026-main-road.md")
    with open(content / "site.yaml", "a", encoding="utf-8") as handle:
        handle.write(f"redirects:\n  {ROAD}: dongtan/major/2026-main-road/\n")
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    page = soup(out / ROAD / "index.html")
    refresh = page.find("meta", attrs={"http-equiv": "refresh"})["content"]
    target = refresh.split("url=", 1)[1]
    assert (out / posixpath.normpath(ROAD + target) / "index.html").is_file()
    assert page.find("link", rel="canonical")["href"] == BASE + "dongtan/major/2026-main-road/"
    assert page.find("a", href=target) is not None  # a visible link for browsers that ignore refresh
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert BASE + ROAD not in (out / "sitemap.xml").read_text("utf-8")
    assert {BASE + ROAD, BASE + "dongtan/major/2026-main-road/"} <= set(ledger_urls(content))


def test_a_withdrawn_item_leaves_a_notice_saying_when_and_why(tmp_path):
    content, out = write_tree(tmp_path / "content", files()), tmp_path / "out"
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    (content / "dongtan/major/2026-road.md").unlink()
    with open(content / "site.yaml", "a", encoding="utf-8") as handle:
        handle.write(f"withdrawn:\n  {ROAD}:\n    date: 2026-11-20\n    reason: 预算有误，核实后重新公开。\n")
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    page = soup(out / ROAD / "index.html")
    text = page.find("main").get_text()
    assert "已撤回" in text and "2026年11月20日" in text and "预算有误，核实后重新公开。" in text
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_redirects_and_withdrawals_must_make_sense(tmp_path):
    site = files()["site.yaml"]
    for extra, code, needle in [
        ("redirects:\n  dongtan/major/old/: dongtan/major/nowhere/\n", "redirect", "dongtan/major/old/"),
        (f"withdrawn:\n  {ROAD}:\n    date: 2026-11-20\n    reason: 测试\n", "output", ROAD),
    ]:
        content = write_tree(tmp_path / code / "content", files(site=site + extra))
        result = build(content, tmp_path / code / "out", posters=False, cache_dir=tmp_path / "cache")
        [problem] = result.problems
        lines = (content / "site.yaml").read_text("utf-8").splitlines()
        assert problem.code == code and lines[problem.line - 1][problem.col - 1 :].startswith(needle)
        assert not (tmp_path / code / "out").exists()


def test_changing_base_url_breaks_every_printed_code_and_is_refused(tmp_path):
    content, out = write_tree(tmp_path / "content", files()), tmp_path / "out"
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    site = content / "site.yaml"
    site.write_text(site.read_text("utf-8").replace(BASE, "https://new.example.gov.cn/"), "utf-8")
    result = build(content, out, posters=False, cache_dir=tmp_path / "cache")
    assert {p.code for p in result.problems} == {"url-removed"} and len(result.problems) == len(pages(out))


def test_404_page_works_at_any_depth_and_robots_names_the_sitemap(tmp_path):
    content, out = write_tree(tmp_path / "content", files()), tmp_path / "out"
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    page = soup(out / "404.html")
    stylesheet = page.find("link", rel="stylesheet")["href"]
    assert stylesheet.startswith("/ceshi/assets/") and (out / stylesheet.removeprefix("/ceshi/")).is_file()
    assert [a["href"] for a in page.select("main a") if not a["href"].startswith("tel:")] == ["/ceshi/"]
    assert (out / "robots.txt").read_text("utf-8") == f"User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n"


def test_a_preview_checks_the_ledger_but_records_no_draft_address(tmp_path):
    content, out = write_tree(tmp_path / "content", files()), tmp_path / "out"
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache", record_urls=False).ok
    assert not (content / LEDGER).exists()
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    (content / "dongtan/major/2026-road.md").unlink()
    result = build(content, out, posters=False, cache_dir=tmp_path / "cache", record_urls=False)
    assert [p.code for p in result.problems] == ["url-removed"]


def test_check_finds_a_vanishing_url_without_rendering(tmp_path):
    content = write_tree(tmp_path / "content", files())
    assert build(content, tmp_path / "out", posters=False, cache_dir=tmp_path / "cache").ok
    site, problems = check_content(content)
    assert problems == [] and urls.site_urls(site) == pages(tmp_path / "out")  # the model's URLs are the build's
    (content / "dongtan/major/2026-road.md").unlink()
    _, problems = check_content(content)
    assert [(p.code, p.path) for p in problems] == [("url-removed", (content / LEDGER).as_posix())]


def test_the_example_ledger_is_exactly_what_the_example_publishes(example_site):
    assert set(ledger.read(EXAMPLE)[0]) == urls.site_urls(example_site, history.superseded_paths(EXAMPLE, example_site))


def test_a_village_that_fails_to_load_is_not_reported_as_removed(tmp_path):
    content = write_tree(tmp_path / "content", files())
    assert build(content, tmp_path / "out", posters=False, cache_dir=tmp_path / "cache").ok
    village = content / "dongtan/village.yaml"
    village.write_text(village.read_text("utf-8").replace("name: ", "name: [", 1), "utf-8")
    for problems in (check_content(content)[1], build(content, tmp_path / "out", posters=False, cache_dir=tmp_path / "cache").problems):
        assert [p.code for p in problems] == ["yaml-syntax"]


def test_the_build_after_recording_is_a_no_op_and_a_hand_edit_of_the_ledger_is_checked(tmp_path, monkeypatch):
    content, out = write_tree(tmp_path / "content", files()), tmp_path / "out"
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok  # records the URLs
    with monkeypatch.context() as patch:
        patch.setattr(sitegen.build, "produce", lambda *args: pytest.fail("a no-op build loaded the content"))
        again = build(content, out, posters=False, cache_dir=tmp_path / "cache")
    assert again.ok and again.written == 0
    with open(content / LEDGER, "a", encoding="utf-8") as handle:
        handle.write(BASE + "dongtan/major/never/\n")
    result = build(content, out, posters=False, cache_dir=tmp_path / "cache")
    assert [(p.code, p.line) for p in result.problems] == [("url-removed", len((content / LEDGER).read_text("utf-8").splitlines()))]


def test_a_ledger_with_a_bad_byte_stops_check_and_build_and_is_never_rewritten_shorter(tmp_path):
    content, out = write_tree(tmp_path / "content", files()), tmp_path / "out"
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    published = tree_digest(out)
    lines = (content / LEDGER).read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].replace(b"dongtan", b"dong\xfftan")  # one bad byte, in the fourth line
    damaged = b"".join(lines)
    (content / LEDGER).write_bytes(damaged)
    (content / "dongtan/major/2026-road.md").unlink()  # would be url-removed, if the ledger were read as empty
    expected = ((content / LEDGER).as_posix(), 4, lines[3].index(b"\xff") + 1, "encoding")
    _, checked = check_content(content)
    assert [(p.path, p.line, p.col, p.code) for p in checked if p.code == "encoding"] == [expected]
    result = build(content, out, posters=False, cache_dir=tmp_path / "cache")
    assert not result.ok and expected in [(p.path, p.line, p.col, p.code) for p in result.problems]
    assert (content / LEDGER).read_bytes() == damaged and tree_digest(out) == published


def test_a_ledger_that_cannot_be_read_is_an_error_not_an_empty_ledger(tmp_path, monkeypatch):
    content, out = write_tree(tmp_path / "content", files()), tmp_path / "out"
    assert build(content, tmp_path / "first", posters=False, cache_dir=tmp_path / "cache").ok
    before = (content / LEDGER).read_bytes()
    read_bytes = Path.read_bytes

    def denied(path: Path) -> bytes:  # tests run as root, so chmod would not stop the read
        if path.name == LEDGER:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", denied)
    result = build(content, out, posters=False, cache_dir=tmp_path / "cache")
    assert not result.ok and [(p.code, p.path) for p in result.problems] == [("encoding", (content / LEDGER).as_posix())]
    assert "没有读取权限" in result.problems[0].message and not out.exists()
    monkeypatch.undo()
    assert (content / LEDGER).read_bytes() == before


def test_adding_urls_keeps_every_line_of_the_ledger(tmp_path):
    content, out = write_tree(tmp_path / "content", files()), tmp_path / "out"
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    old = (content / LEDGER).read_text("utf-8").replace(BASE + ROAD + "\n", "")  # so one URL is new again
    old = old.replace(BASE + "\n", BASE + "\n# 2026-10 乡政府审核后公开\n\n", 1)
    (content / LEDGER).write_text(old, "utf-8")
    assert build(content, out, posters=False, cache_dir=tmp_path / "cache").ok
    now = (content / LEDGER).read_text("utf-8").splitlines(keepends=True)
    assert [line for line in now if line != BASE + ROAD + "\n"] == old.splitlines(keepends=True)
    assert ledger_urls(content) == sorted(ledger_urls(content))

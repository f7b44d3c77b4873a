"""Renamed and withdrawn addresses are judged by `check` as by `build` (contract §11)."""

from __future__ import annotations

from conftest import write_tree
from sample import SITE, files

from sitegen.build import build
from sitegen.cli import main
from sitegen.rules import check_content

LIVE = "dongtan/major/2026-road/"  # a published page of the minimal site


def _site(tmp_path, extra: str):
    return write_tree(tmp_path / "content", files(site=SITE + extra))


def _shown(problems):
    return [(p.path.rsplit("/", 1)[-1], p.line, p.col, p.code) for p in problems]


def test_a_redirect_to_no_page_is_reported_by_check_and_refused_by_build(tmp_path, capsys):
    extra = "redirects:\n  dongtan/major/road/: dongtan/major/no-such/\n"
    root = _site(tmp_path, extra)
    line = SITE.count("\n") + 2
    _, problems = check_content(root)
    assert _shown(problems) == [("site.yaml", line, 3, "redirect")]
    assert "dongtan/major/no-such/" in problems[0].message
    assert main(["check", str(root)]) == 1
    assert f"site.yaml:{line}:3: error[redirect]: redirects 中" in capsys.readouterr().err
    result = build(root, tmp_path / "out")
    assert _shown(result.problems) == _shown(problems) and not (tmp_path / "out").exists()


def test_a_withdrawn_address_that_is_still_a_page_is_reported_by_check(tmp_path):
    extra = f"withdrawn:\n  {LIVE}:\n    date: 2026-11-20\n    reason: 核实后重新公开。\n"
    root = _site(tmp_path, extra)
    _, problems = check_content(root)
    assert _shown(problems) == [("site.yaml", SITE.count("\n") + 2, 3, "output")]
    assert LIVE in problems[0].message
    assert _shown(build(root, tmp_path / "out").problems) == _shown(problems)


def test_a_redirect_from_a_live_page_and_to_one_is_reported_once(tmp_path):
    extra = f"redirects:\n  {LIVE}: dongtan/\n"
    _, problems = check_content(_site(tmp_path, extra))
    assert [p.code for p in problems] == ["output"]

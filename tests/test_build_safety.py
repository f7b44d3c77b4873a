"""Bad input gets a located error, never a traceback, and never costs the published site."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import write_tree
from helpers import soup
from sample import FINANCE, files
from test_site import tree_digest

from sitegen.build import build


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_failed_build_leaves_previous_output_untouched(tmp_path):
    content = write_tree(tmp_path / "content", files())
    out = tmp_path / "output"
    assert build(content, out).ok
    before = tree_digest(out)
    (content / "dongtan/finance/2026-10.yaml").write_text(FINANCE.replace("period: 2026-10\n", "period: [\n"), "utf-8")
    result = build(content, out)
    assert not result.ok
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "output"], "no staging folder left behind"


def test_cli_reports_located_yaml_error_and_exit_1(tmp_path):
    broken = FINANCE.replace("summary: 本月收入为土地发包费。", "summary: 本月: 收入")
    write_tree(tmp_path / "content", files(finance=broken))
    result = run_cli("build", "content", "-o", "output", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("content/dongtan/finance/2026-10.yaml:3:")
    assert "error[yaml-syntax]" in result.stderr
    assert not (tmp_path / "output").exists()


def test_cli_check_json_and_exit_codes(tmp_path):
    write_tree(tmp_path / "content", files(finance=FINANCE.replace("amount: 0.20", "amount: 0.205")))
    result = run_cli("check", "content", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    (problem,) = json.loads(result.stdout)
    assert problem["code"] == "amount-format" and problem["severity"] == "error" and problem["line"] == 17
    assert run_cli("check", "nope", cwd=tmp_path).returncode == 1
    assert run_cli("frobnicate", cwd=tmp_path).returncode == 2


def test_refuses_to_replace_content_or_unrelated_folders(tmp_path):
    content = write_tree(tmp_path / "content", files())
    unrelated = tmp_path / "docs"
    (unrelated / "keep.txt").parent.mkdir()
    (unrelated / "keep.txt").write_text("precious")
    for out in (content, content / "output", tmp_path, unrelated):
        result = build(content, out)
        assert not result.ok and result.problems[0].code == "output", out
    assert (unrelated / "keep.txt").read_text() == "precious"
    assert (content / "site.yaml").is_file()


def test_unsafe_markdown_never_reaches_the_page(tmp_path):
    from sitegen.render.html import Theme, default_theme

    theme = Theme(default_theme(), "zh-Hans")
    html = theme.markdown('<script>alert(1)</script> <img src=x onerror=alert(2)> [点我](javascript:alert(3)) [政策](https://example.gov.cn/)')
    assert "<script" not in html and "<img" not in html and "javascript:" not in html
    assert "alert(1)" in html  # escaped, shown as text so the clerk sees what was written
    assert '<a href="https://example.gov.cn/">政策</a>' in html


def test_harmless_raw_html_is_a_warning_and_shown_as_text(tmp_path):
    from sample import AFFAIRS

    content = write_tree(tmp_path / "content", files(affairs=AFFAIRS.replace("依据有关规定公示。", "依据有关规定<br>公示。")))
    out = tmp_path / "output"
    result = build(content, out)
    assert result.ok
    assert [(p.severity.value, p.code, p.line) for p in result.problems] == [("warning", "unsafe-html", 15)]
    page = soup(out / "dongtan/affairs/2026-Q3/dibao/index.html")
    assert "依据有关规定<br>公示。" in page.get_text()

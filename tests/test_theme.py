"""The theme: both locales complete, zh-Hant really switches, template errors are located."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml
from conftest import EXAMPLE, ROOT, write_tree
from helpers import soup
from sample import SITE, files

from sitegen.build import build

THEME = ROOT / "themes" / "default"


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_locales_have_the_same_keys_and_placeholders():
    hans = yaml.safe_load((THEME / "i18n/zh-Hans.yaml").read_text("utf-8"))
    hant = yaml.safe_load((THEME / "i18n/zh-Hant.yaml").read_text("utf-8"))
    assert hans.keys() == hant.keys()
    for key in hans:
        assert placeholders(str(hans[key])) == placeholders(str(hant[key])), key
    assert sum(hans[k] != hant[k] for k in hans) > len(hans) / 2, "zh-Hant must actually be translated"


def test_zh_hant_site(tmp_path):
    content = write_tree(tmp_path / "content", files(site=SITE + "locale: zh-Hant\n"))
    out = tmp_path / "out"
    assert build(content, out).ok
    page = soup(out / "dongtan/finance/2026-10/index.html")
    assert page.find("html")["lang"] == "zh-Hant"
    assert "2026年10月財務收支公開" in page.title.get_text()
    assert "壹佰元參角整" in page.get_text()  # closing balance 100.30 in traditional 大写


def theme_with_line_7_of_village_html(tmp_path, line: str) -> Path:
    """A copy of the default theme with `line` inserted as line 7 of the village page's template."""
    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme)
    village = theme / "templates/village.html"
    lines = village.read_text("utf-8").splitlines()
    lines.insert(6, line)
    village.write_text("\n".join(lines) + "\n", "utf-8")
    return theme


def test_template_error_is_located_and_keeps_output(tmp_path):
    theme = theme_with_line_7_of_village_html(tmp_path, "{{ no_such_variable }}")
    content = write_tree(tmp_path / "content", files())
    result = build(content, tmp_path / "out", theme)
    assert not result.ok
    (problem,) = result.problems
    assert problem.code == "template" and problem.path.endswith("village.html") and problem.line == 7
    assert not (tmp_path / "out").exists()


def test_a_template_syntax_error_is_located_when_workers_share_the_compiled_templates(tmp_path):
    """The build compiles the page templates before forking its workers, passing over one that
    fails: the workers' renders still report it, located."""
    theme = theme_with_line_7_of_village_html(tmp_path, "{% if %}")
    result = build(EXAMPLE, tmp_path / "out", theme, posters=False, cache_dir=tmp_path / "cache", jobs=2, record_urls=False)
    assert not result.ok
    (problem,) = result.problems
    assert problem.code == "template" and problem.path.endswith("village.html") and problem.line == 7
    assert not (tmp_path / "out").exists()

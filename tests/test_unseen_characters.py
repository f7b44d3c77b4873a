"""Characters a clerk cannot see: control characters are errors, format characters warnings,
and odd file names (line breaks, controls, undecodable bytes) are `slug` errors printed escaped."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_tree
from sample import AFFAIRS, FINANCE, VILLAGE, files
from sitegen.build import build
from sitegen.cli import main
from sitegen.rules import check_content

ROOT = Path(__file__).resolve().parents[1]
PROBLEM_LINE = re.compile(r"[^\n]+:\d+:\d+: (error|warning)\[[a-z0-9-]+\]: [^\n]+")
FINANCE_PATH, AFFAIRS_PATH = "dongtan/finance/2026-10.yaml", "dongtan/affairs/2026-Q3/dibao.md"

CONTROLS = {
    "\x00": "U+0000（NUL 空字符 控制字符）",
    "\x1b": "U+001B（ESC 控制字符）",
    "\x0c": "U+000C（FF 换页 控制字符）",
    "\x07": "U+0007（BEL 响铃 控制字符）",
    "\x7f": "U+007F（DEL 删除 控制字符）",
    "\x85": "U+0085（NEL 下一行 控制字符）",
    "\x9b": "U+009B（控制字符）",
}


def located(problems, code: str) -> list[tuple[str, int, int, str]]:
    return [(p.path.split("/content/")[-1], p.line, p.col, p.message) for p in problems if p.code == code]


@pytest.mark.parametrize("char", CONTROLS)
@pytest.mark.parametrize(
    "path, original, changed, line, col",
    [
        (FINANCE_PATH, "    item: 土地发包收入", "    item: 土地{}发包收入", 10, 13),
        (AFFAIRS_PATH, "依据有关规定公示。", "依据有关{}规定公示。", 15, 5),
    ],
)
def test_a_control_character_is_a_located_error_naming_it(tmp_path, char, path, original, changed, line, col):
    key = "finance" if path == FINANCE_PATH else "affairs"
    text = (FINANCE if key == "finance" else AFFAIRS).replace(original, changed.format(char))
    root = write_tree(tmp_path / "content", files(**{key: text}))
    _, problems = check_content(root)
    assert [(p, l, c) for p, l, c, _ in located(problems, "control-char")] == [(path, line, col)]
    assert CONTROLS[char] in located(problems, "control-char")[0][3]
    assert located(problems, "yaml-syntax") == []
    result = build(root, tmp_path / "out", posters=False, cache_dir=tmp_path / "cache")
    assert not result.ok and not (tmp_path / "out").exists()


def test_tabs_and_windows_line_breaks_are_no_control_characters(tmp_path):
    body = AFFAIRS.replace("依据有关规定公示。", "依据有关规定\t公示。").replace("\n", "\r\n")
    _, problems = check_content(write_tree(tmp_path / "content", files(affairs=body)))
    assert [p for p in problems if p.code in ("control-char", "invisible-char")] == []


@pytest.mark.parametrize(
    "char, what",
    [
        ("\u202e", "U+202E 从右向左覆盖字符，会让文字倒序显示"),
        ("\u200b", "U+200B 零宽空格"),
        ("\u2066", "U+2066 从左向右隔离字符"),
        ("\ufeff", "U+FEFF 零宽不换行空格（BOM）"),
        ("\u00ad", "U+00AD 软连字符"),
    ],
)
def test_an_invisible_character_in_a_name_title_or_cell_is_a_located_warning(tmp_path, char, what):
    village = VILLAGE.replace("  chair: 刘秀英", f"  chair: 刘秀{char}英")
    affairs = AFFAIRS.replace("title: 2026年第三季度", f"title: 2026年第{char}三季度").replace("[王某某,", f"[王某{char}某,")
    root = write_tree(tmp_path / "content", files(village=village, affairs=affairs))
    _, problems = check_content(root)
    warnings = located(problems, "invisible-char")
    assert [(p, l, c) for p, l, c, _ in warnings] == [("dongtan/affairs/2026-Q3/dibao.md", 2, 14), ("dongtan/affairs/2026-Q3/dibao.md", 13, 12), ("dongtan/village.yaml", 3, 12)]
    assert all(what in message for *_, message in warnings)
    assert all(p.severity.value == "warning" for p in problems if p.code == "invisible-char")


def test_a_leading_byte_order_mark_is_fine(tmp_path):
    root = write_tree(tmp_path / "content", files(finance="\ufeff" + FINANCE))
    _, problems = check_content(root)
    assert located(problems, "invisible-char") == []


# --- file names -----------------------------------------------------------------------------

FORGED = "x.md\n2026-10.yaml:1:1: error[finance-balance]: 伪造的问题"
ODD_NAMES = [f"dongtan/major/{FORGED}", "dongtan/major/a\x1b[31mb.md", "dongtan/major/\u202edm.txt", "dongtan/affairs/2026-Q3/\u200bdibao2.md", "dongtan/fin\x0cance", "dongtan/..x\ny.md"]


def printed_lines(capsys, argv: list[str]) -> tuple[int, list[str]]:
    code = main(argv)
    return code, capsys.readouterr().err.splitlines()


def test_odd_file_names_are_slug_errors_one_printed_line_each(tmp_path, capsys):
    tree = files()
    for name in ODD_NAMES:
        tree[name + ("/x.yaml" if name.endswith("ance") else "")] = "title: x\n"
    root = write_tree(tmp_path / "content", tree)
    _, problems = check_content(root)
    assert sorted(p.path.split("/content/")[-1] for p in problems if p.code == "slug") == sorted(
        [
            "dongtan/major/x.md\\n2026-10.yaml:1:1: error[finance-balance]: 伪造的问题",
            "dongtan/major/a\\x1b[31mb.md",
            "dongtan/major/\\u202edm.txt",
            "dongtan/affairs/2026-Q3/\\u200bdibao2.md",
            "dongtan/fin\\x0cance",
            "dongtan/..x\\ny.md",  # the `..` rule's own problem: escaped by Problem itself
        ]
    )
    code, lines = printed_lines(capsys, ["check", str(root)])
    assert code == 1
    assert len(lines) == len(problems) and all(PROBLEM_LINE.fullmatch(line) for line in lines), lines
    assert not any(line.startswith("2026-10.yaml") for line in lines)  # nothing forged
    assert not any(re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e\u200b]", line) for line in lines)
    assert main(["check", str(root), "--format", "json"]) == 1
    assert len(json.loads(capsys.readouterr().out)) == len(problems)
    code, lines = printed_lines(capsys, ["build", str(root), "-o", str(tmp_path / "out"), "--no-posters"])
    assert code == 1 and lines[-1] == "生成失败，原有网站未改动。"


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse undecodable names")
def test_an_undecodable_file_name_is_a_slug_error_not_an_internal_one(tmp_path):
    root = write_tree(tmp_path / "content", files())
    for raw in (b"dongtan/major/\xff\xfe.md", b"dongtan/\xe4\xb8"):
        with open(os.fsencode(root) + b"/" + raw, "wb") as handle:
            handle.write(b"title: x\n")
    for argv in (["check", str(root)], ["check", str(root), "--format", "json"], ["build", str(root), "-o", str(tmp_path / "out"), "--no-posters"]):
        run = subprocess.run([sys.executable, "-m", "sitegen", *argv], cwd=ROOT, capture_output=True)
        assert run.returncode == 1, run.stderr.decode("utf-8", "replace")
        out = run.stderr.decode("utf-8") if "json" not in argv else "\n".join(p["path"] for p in json.loads(run.stdout))
        assert "\\xff\\xfe.md" in out and "dongtan/\\xe4\\xb8" in out
        if "json" not in argv:
            lines = out.splitlines()
            assert all(PROBLEM_LINE.fullmatch(line) for line in lines if line != "生成失败，原有网站未改动。"), lines


@pytest.mark.parametrize(
    "escaped, code, named",
    [("\\e[31m", "control-char", "U+001B（ESC 控制字符）"), ("\\x00", "control-char", "U+0000（NUL"), ("\\u202e", "invisible-char", "U+202E 从右向左覆盖字符")],
)
def test_a_yaml_escape_that_makes_an_unseen_character_is_reported_at_its_value(tmp_path, escaped, code, named):
    finance = FINANCE.replace("    item: 土地发包收入", f'    item: "土地{escaped}发包收入"')
    root = write_tree(tmp_path / "content", files(finance=finance))
    _, problems = check_content(root)
    found = located(problems, code)
    assert [(p, l, c) for p, l, c, _ in found] == [(FINANCE_PATH, 10, 11)] and named in found[0][3]
    assert build(root, tmp_path / "out", posters=False, cache_dir=tmp_path / "cache").ok is (code == "invisible-char")

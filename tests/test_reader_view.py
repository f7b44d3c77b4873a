"""A personal number is caught as a reader would see it, wherever and however it is typed (§17).

Each case writes one evasion form into one place of the minimal content folder and runs the
real `check` and `build`: both must refuse with the right code at the right line:col.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.privacy import find_personal_numbers, luhn_valid
from sitegen.rules import check_content

from conftest import write_tree
from sample import AFFAIRS, FINANCE, files

ID = "371603196503120025"  # passes GB 11643: area 371603, born 1965-03-12
MOBILE = "13853412345"
CARD = next(f"622202123456789{d}" for d in "0123456789" if luhn_valid(f"622202123456789{d}"))
MAJOR = (Path(__file__).parent / "fixtures" / "base" / "dongtan" / "major" / "2026-road.md").read_text("utf-8")


def full_width(digits: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in digits)


# form name → (text as typed, code); all valid as plain YAML scalars and as Markdown
TYPED = {
    "full-width": (full_width(ID), "privacy-id"),
    "spaces": ("3716 0319 6503 1200 25", "privacy-id"),
    "hyphens": ("371603-19650312-0025", "privacy-id"),
    "mobile-country-code-middle-dots": ("+86 138·5341·2345", "privacy-phone"),
    "mobile-full-width": (full_width("138 5341 2345"), "privacy-phone"),
    "decimal-references": ("".join(f"&#{ord(c)};" for c in ID), "privacy-id"),
    "hex-references": ("".join(f"&#x{ord(c):x};" for c in ID), "privacy-id"),
    "zero-width-space": (ID[:6] + "\u200b" + ID[6:], "privacy-id"),
    "word-joiner-and-soft-hyphen": (ID[:4] + "\u2060" + ID[4:10] + "\u00ad" + ID[10:], "privacy-id"),
    "markdown-emphasis": ("3716**03**1965`0312`0025", "privacy-id"),
    "markdown-escaped-stars": ("138\\*5341\\*2345", "privacy-phone"),
    "card-groups-ideographic-spaces": (full_width("\u3000".join(CARD[i : i + 4] for i in range(0, 16, 4))), "privacy-bank"),
}
# form name → (inside a double-quoted YAML string, code): digits only once loaded
ESCAPED = {
    "yaml-x-escapes": ("".join(f"\\x{ord(c):02x}" for c in ID), "privacy-id"),
    "yaml-u-escapes": ("".join(f"\\u{ord(c):04x}" for c in ID), "privacy-id"),
    "yaml-escaped-line-break": (ID[:10] + "\\\n          " + ID[10:], "privacy-id"),
    "yaml-mobile-escapes": ("\\x31\\x33\\x38" + MOBILE[3:], "privacy-phone"),
}

# place → (short name, file path, original line, line template for typed / quoted text, line number,
#          column of the value, prefix before the number inside the value)
PLACES = {
    "finance-item": ("finance", FINANCE, "    item: 土地发包收入", "    item: {}", 10, 11),
    "summary": ("affairs", AFFAIRS, "summary: 现有低保对象1户。", "summary: {}", 7, 10),
    "table-cell": ("affairs", AFFAIRS, "      - [王某某, 第三组, 3, 1260.00]", "      - [{}, 第三组, 3, 1260.00]", 13, 10),
    "markdown-body": ("major", MAJOR, "硬化村内南北主干道，由镇公共资源交易中心公开招标。", "联系人{}。", 17, 1),
}
PATHS = {"finance": "dongtan/finance/2026-10.yaml", "affairs": "dongtan/affairs/2026-Q3/dibao.md", "major": "dongtan/major/2026-road.md"}
PREFIX = "户主"


def tree_with(place: str, value: str) -> dict[str, str]:
    name, original, line, template, _, _ = PLACES[place]
    assert line in original
    tree = files() if name == "major" else files(**{name: original.replace(line, template.format(value))})
    if name == "major":
        tree[PATHS["major"]] = original.replace(line, template.format(value))
    return tree


def privacy_problems(problems) -> list[tuple[str, str, int, int]]:
    return [(p.path, p.code, p.line, p.col) for p in problems if p.code.startswith("privacy-")]


def assert_refused(tmp_path: Path, tree: dict[str, str], place: str, code: str, line: int, col: int) -> None:
    root = write_tree(tmp_path / "content", tree)
    path = f"{root.as_posix()}/{PATHS[PLACES[place][0]]}"
    _, problems = check_content(root)
    assert privacy_problems(problems) == [(path, code, line, col)], "\n".join(map(str, problems))
    result = build(root, tmp_path / "output", posters=False, cache_dir=tmp_path / "cache")
    assert not result.ok
    assert (path, code, line, col) in privacy_problems(result.problems)
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("form", TYPED)
def test_a_typed_evasion_is_refused_where_it_was_typed(tmp_path, form, place):
    typed, code = TYPED[form]
    _, _, _, _, line, col = PLACES[place]
    prefix = PREFIX if place != "markdown-body" else ""
    start = col + len(prefix) + (len("联系人") if place == "markdown-body" else 0)
    assert_refused(tmp_path, tree_with(place, prefix + typed), place, code, line, start)


@pytest.mark.parametrize("place", [p for p in PLACES if p != "markdown-body"])
@pytest.mark.parametrize("form", ESCAPED)
def test_a_yaml_escape_is_refused_at_its_value(tmp_path, form, place):
    escaped, code = ESCAPED[form]
    _, _, _, _, line, col = PLACES[place]
    assert_refused(tmp_path, tree_with(place, f'"{PREFIX}{escaped}"'), place, code, line, col)


def test_the_privacy_command_reads_full_width_and_references(tmp_path):
    notes = tmp_path / "名单.txt"
    notes.write_text(f"户主 {full_width(ID)}\n电话 &#49;&#51;&#56;53412345\n", encoding="utf-8")
    from sitegen.cli import main

    assert main(["privacy", str(notes)]) == 1


# --- the whole published output, as a reader sees it ----------------------------------------

TEXT_SUFFIXES = {".html", ".xml", ".json", ".csv", ".txt", ".svg", ".css", ".js"}


def published_texts(output: Path):
    """(path, text) of every output file a reader can see: text files and PDFs via pdftotext."""
    for path in sorted(output.rglob("*")):
        if path.suffix in TEXT_SUFFIXES:
            yield path, path.read_text("utf-8")
        elif path.suffix == ".pdf":
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
            yield path, text.decode("utf-8")


def test_the_grep_is_not_blind():
    """The scan below finds a number however a page might spell it."""
    for spelt in (ID, full_width(ID), "&#51;&#x37;" + ID[2:], "3716 0319 6503 1200 25", "+86 138-5341-2345"):
        assert list(find_personal_numbers(f"<td>{spelt}</td>")), spelt


def test_no_personal_number_anywhere_in_the_built_township(built):
    seen = {"pdf": 0, "html": 0}
    for path, text in published_texts(built):
        seen[path.suffix[1:]] = seen.get(path.suffix[1:], 0) + 1
        found = [(f.kind, text[f.offset : f.offset + 30]) for f in find_personal_numbers(text)]
        assert found == [], path
        if path.suffix == ".pdf":
            assert "村" in text, path  # pdftotext really read it
    assert seen["pdf"] > 0 and seen["html"] > 0 and seen.get("csv", 0) > 0


def test_a_number_broken_over_two_markdown_lines_is_refused(tmp_path):
    """Markdown shows a soft line break as a space: the reader sees one number."""
    tree = tree_with("markdown-body", ID[:10] + "\n" + ID[10:])
    assert_refused(tmp_path, tree, "markdown-body", "privacy-id", 17, 4)


def test_the_quick_test_knows_every_character_that_reads_as_a_digit():
    from sitegen.privacy import DIGIT_SOURCES

    listed = re.compile(f"[{DIGIT_SOURCES}]")
    for code in range(0x110000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        reads_as_digit = bool(re.search("[0-9]", unicodedata.normalize("NFKC", char)))
        assert bool(listed.match(char)) == reads_as_digit, f"U+{code:04X}"


def test_many_invisible_characters_between_digits_do_not_hide_a_number():
    assert [f.code for f in find_personal_numbers("\u200b\u2060\u00ad\ufeff\u200c".join(ID))] == ["privacy-id"]


def test_the_quick_test_knows_every_format_character():
    from sitegen.text import FORMAT_CHARACTERS

    for code in range(0x110000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        assert bool(FORMAT_CHARACTERS.match(char)) == (unicodedata.category(char) == "Cf"), f"U+{code:04X}"

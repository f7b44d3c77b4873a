"""Invalid fixture sites, one defect each: the exact problem code, path, line and column.

Each tests/fixtures/invalid/<case>.yaml patches the valid base site (tests/fixtures/base):
`replace` ([file, old, new], old must occur exactly once), `add` (file: text), `rename`
([old, new]) and `encode` (file: encoding). `expect` lists every problem the checker must
report, as "path:line:col: severity[code]" with an optional message fragment after it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE, write_tree
from sample import files

from sitegen.rules import check_content

CASES = sorted((Path(__file__).parent / "fixtures" / "invalid").glob("*.yaml"))
EXPECTED = re.compile(r"(?P<where>[^ ]+:\d+:\d+: (?:error|warning)\[[a-z0-9-]+\])(?: (?P<fragment>.+))?")


def make_site(root: Path, case: dict) -> Path:
    tree: dict[str, str | bytes] = dict(files())
    for name, old, new in case.get("replace", []):
        assert tree[name].count(old) == 1, f"{name}: {old!r} must occur exactly once"
        tree[name] = tree[name].replace(old, new)
    tree.update(case.get("add", {}))
    for name, encoding in case.get("encode", {}).items():
        tree[name] = tree[name].encode(encoding)
    for old, new in case.get("rename", []):
        tree = {(new + key[len(old):] if key.startswith(old + "/") else key): value for key, value in tree.items()}
    return write_tree(root, tree)


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_invalid_fixture(case_file, tmp_path):
    case = yaml.safe_load(case_file.read_text("utf-8"))
    root = make_site(tmp_path / "content", case)
    _, problems = check_content(root)
    prefix = root.as_posix() + "/"
    actual = {f"{p.path.removeprefix(prefix)}:{p.line}:{p.col}: {p.severity.value}[{p.code}]": p.message for p in problems}
    expected = [EXPECTED.fullmatch(line) for line in case["expect"]]
    assert all(expected), case["expect"]
    assert sorted(actual) == sorted(m["where"] for m in expected)
    for match in expected:
        assert match["fragment"] is None or match["fragment"] in actual[match["where"]], (match["fragment"], actual[match["where"]])


def test_there_is_a_fixture_for_every_problem_code_of_this_issue():
    codes = set()
    for case_file in CASES:
        for line in yaml.safe_load(case_file.read_text("utf-8"))["expect"]:
            codes.add(re.search(r"\[([a-z0-9-]+)\]", line).group(1))
    contract = {
        "yaml-syntax", "encoding", "schema", "unknown-file", "slug", "period-mismatch", "amount-format",
        "finance-balance", "finance-chain", "finance-category", "voucher-duplicate", "unknown-item", "step-order",
        "quorum", "majority", "votes", "posting-period", "unreviewed", "privacy-id", "privacy-phone",
        "privacy-bank", "unsafe-html",
    }
    assert contract <= codes, contract - codes
    assert len(CASES) >= 25


def test_base_fixture_and_example_content_are_clean(tmp_path):
    _, problems = check_content(write_tree(tmp_path / "content", files()))
    assert problems == []
    _, problems = check_content(EXAMPLE, dt.date(2026, 12, 8))  # the example's date: its open question is not yet overdue
    assert problems == []

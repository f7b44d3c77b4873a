"""Arbitrary bytes in any content file give located problems, never an exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample import NAMES, files
from conftest import write_tree

from sitegen.problems import Severity
from sitegen.rules import check_content

YAML_ALPHABET = st.sampled_from(list("abc:-[]{}&*!|>'\"#%@`,?\n\t 0123456789.号村-元é\x00\x85\ufeff"))
yamlish = st.text(YAML_ALPHABET, max_size=200).map(lambda text: text.encode("utf-8"))
mutations = st.one_of(st.binary(max_size=300), yamlish)


def check_bytes(target: str, payload: bytes, keep_prefix: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tree: dict[str, str | bytes] = dict(files())
        original = tree[NAMES[target]].encode("utf-8")
        tree[NAMES[target]] = original[: len(original) // 2] + payload if keep_prefix else payload
        root = write_tree(Path(tmp) / "content", tree)
        _, problems = check_content(root)
        for problem in problems:
            assert problem.line >= 1 and problem.col >= 1
            assert problem.severity in (Severity.ERROR, Severity.WARNING)
            assert problem.message and problem.code


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(NAMES)), mutations, st.booleans())
def test_arbitrary_bytes_never_raise(target, payload, keep_prefix):
    check_bytes(target, payload, keep_prefix)


def test_known_nasty_inputs():
    nasty = [
        b"a: &a [*a, *a]\n",  # recursive alias
        b"\xff\xfe\x00a\x00:",  # UTF-16
        b"- - - - - - - - - - - -" * 50,
        b"x: !!python/object:os.system ls\n",
        b"x: 2026-02-30\n",
        b"{" * 2000,
        b"\x00\x01\x02",
        b"---\n---\n---\n",
    ]
    for payload in nasty:
        for target in NAMES:
            check_bytes(target, payload, keep_prefix=False)

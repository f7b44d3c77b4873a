"""Valid content files with a clerk's slips typed into them: never an exception, every problem
well-formed (an existing file, line and column from 1, a Chinese message with no parser English)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from conftest import write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample import NAMES, files

from sitegen.rules import check_content

TARGETS = sorted({*NAMES.values(), "dongtan/major/2026-road.md"})
SLIPS = st.sampled_from(list(":：-[]{}'\"\t\u3000 \n#,0123456789.") + ["0x", "1e5", "0100", "1:30", "- ", ": ", "！"])
EDIT = st.tuples(st.sampled_from(["insert", "delete", "replace"]), st.floats(0, 1), SLIPS)
PARSER_WORDS = re.compile(r"mapping|expected|found|scanning|parsing|token|while|stream|YAML 格式错误（")


def mutate(text: str, edits: list[tuple[str, float, str]]) -> str:
    for operation, where, slip in edits:
        at = int(where * len(text))
        if operation == "insert":
            text = text[:at] + slip + text[at:]
        elif operation == "delete":
            text = text[:at] + text[at + len(slip):]
        else:
            text = text[:at] + slip + text[at + 1:]
    return text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TARGETS), st.lists(EDIT, min_size=1, max_size=6))
def test_mutated_content_gives_well_formed_problems(target, edits):
    with tempfile.TemporaryDirectory() as tmp:
        tree = dict(files())
        tree[target] = mutate(tree[target], edits)
        root = write_tree(Path(tmp) / "content", tree)
        _, problems = check_content(root)
        for problem in problems:
            assert Path(problem.path).exists(), problem
            assert problem.line >= 1 and problem.col >= 1, problem
            assert re.search(r"[\u4e00-\u9fff]", problem.message), problem
            assert not PARSER_WORDS.search(problem.message), problem

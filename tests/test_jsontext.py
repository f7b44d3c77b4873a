"""`jsontext.dumps` writes exactly what `json.dumps(value, ensure_ascii=False, indent=2)` writes."""

from __future__ import annotations

import enum
import json
from collections import OrderedDict

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.jsontext import dumps
from sitegen.tabular import json_bytes


def reference(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


class Code(enum.IntEnum):
    ONE = 1


text = st.text(st.characters(), max_size=12) | st.sampled_from(["}", "},\n    {", "\n", '"', "\\", "\u2028", "村"])
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | text
keys = text | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.lists(inner, max_size=5).map(tuple) | st.dictionaries(text, inner, max_size=5) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=40,
)
records = st.lists(st.dictionaries(text, scalars, max_size=6), max_size=6)  # the one-call path, with empty objects in it


@settings(max_examples=600, deadline=None)
@given(values)
def test_any_json_value(value):
    assert dumps(value) == reference(value)


@settings(max_examples=300, deadline=None)
@given(records, st.integers(0, 3))
def test_lists_of_flat_objects_at_any_depth(rows, depth):
    value = rows
    for _ in range(depth):
        value = {"records": value, "n": len(rows)}
    assert dumps(value) == reference(value)


def test_values_the_encoder_leaves_to_json():
    for value in [OrderedDict(a=[1, {"b": 2}]), {"a": [Code.ONE, {1: "x"}]}, [{"a": Code.ONE}], {"x": [OrderedDict(a=1)]}, (1, (2,), {})]:
        assert dumps(value) == reference(value)


def test_the_site_s_json_files_are_unchanged(built):
    """Every JSON file of the example site, read back and written again, byte for byte, as json.dumps writes it."""
    found = sorted(built.rglob("*.json"))
    assert any(path.name == "status.json" for path in found) and any(path.name == "data.json" for path in found)
    for path in found:
        value = json.loads(path.read_bytes())
        assert json_bytes(value) == path.read_bytes() == (reference(value) + "\n").encode(), path

"""The record decoder's fast paths (plain containers checked in one pass, `X | None` without an
exception) refuse exactly what the general path refuses: the cache is untrusted input."""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen import records


@pytest.mark.parametrize(
    "kind, good, bad",
    [
        (tuple[str, ...], ["a", "b"], ["a", 1]),
        (tuple[int, ...], [1, 2], [1, True]),  # a bool is not an int here
        (dict[str, int], {"a": 1}, {"a": "1"}),
        (dict[str, bool], {"a": True}, {"a": 1}),
        (dict[str, tuple[int, int, str]], {"a": [1, 2, "x"]}, {"a": [1, 2]}),
        (dt.date | None, "2026-11-05", "2026-11-5"),
        (str | None, None, 5),
    ],
)
def test_fast_paths_keep_the_types_exact(kind, good, bad):
    assert records.loads(records.dumps(good), kind) == records._decoder(kind)(good)
    with pytest.raises(records.RecordError):
        records.loads(records.dumps(bad), kind)


def test_empty_containers_decode_to_their_own_type():
    assert records.loads(b"{}", dict[str, int]) == {} and type(records.loads(b"{}", dict[str, int])) is dict
    assert records.loads(b"[]", tuple[str, ...]) == () and type(records.loads(b"[]", tuple[str, ...])) is tuple
    with pytest.raises(records.RecordError):
        records.loads(b"[]", dict[str, int])
    with pytest.raises(records.RecordError):
        records.loads(b'{"a": 1}', tuple[str, ...])

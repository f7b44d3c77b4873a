"""`json.dumps(value, ensure_ascii=False, indent=2)`, the same text, at the C encoder's speed.

With `indent`, Python 3.11's json encodes in pure Python (its C encoder takes no indent), which
made the county's 10 MB status.json a quarter of a one-file edit. In indented JSON a newline
only ever stands between items, never inside a string (there it is written `\\n`), so:

- a list or object whose items are all scalars is one C call, with a newline and its items'
  indentation as the item separator;
- a list of such objects is one C call too: the separator between two of them, `},` + newline
  + indentation + `{`, can only be structural (inside an object a newline is followed by a key,
  and no scalar ends with `}`), so it is replaced by the right indentation afterwards;
- anything else is recursed into, and a value of another type than the plain JSON ones (a
  subclass, a non-string key) is left to `json.dumps` itself, its lines indented to its depth.
"""

from __future__ import annotations

import json
from itertools import chain
from json.encoder import encode_basestring

_SCALARS = frozenset({str, int, float, bool, type(None)})  # exact types: subclasses go to json.dumps
_ENCODERS: dict[int, object] = {}


def dumps(value: object) -> str:
    """The text of `json.dumps(value, ensure_ascii=False, indent=2)`."""
    return _dumps(value, 0)


def _flat(depth: int):
    """The C encoder whose item separator starts a new line indented to `depth`."""
    encode = _ENCODERS.get(depth)
    if encode is None:
        encode = _ENCODERS[depth] = json.JSONEncoder(ensure_ascii=False, separators=(",\n" + "  " * depth, ": ")).encode
    return encode


def _scalar_objects(items: list | tuple) -> bool:
    """Each item a non-empty dict of text keys and scalar values (tested a type set at a time, in C)."""
    return (
        set(map(type, items)) == {dict}
        and all(items)
        and set(map(type, chain.from_iterable(items))) == {str}
        and set(map(type, chain.from_iterable(map(dict.values, items)))) <= _SCALARS
    )


def _dumps(value: object, depth: int) -> str:
    kind = type(value)
    if kind in _SCALARS:
        return _flat(0)(value)
    inner, outer = "\n" + "  " * (depth + 1), "\n" + "  " * depth
    if kind is dict and all(type(k) is str for k in value):  # type: ignore[union-attr]
        if not value:
            return "{}"
        if all(type(v) in _SCALARS for v in value.values()):  # type: ignore[union-attr]
            return "{" + inner + _flat(depth + 1)(value)[1:-1] + outer + "}"
        items = (encode_basestring(k) + ": " + _dumps(v, depth + 1) for k, v in value.items())  # type: ignore[union-attr]
        return "{" + inner + ("," + inner).join(items) + outer + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        if all(type(v) in _SCALARS for v in value):  # type: ignore[union-attr]
            return "[" + inner + _flat(depth + 1)(value)[1:-1] + outer + "]"
        if _scalar_objects(value):  # type: ignore[arg-type]
            deeper = inner + "  "
            text = _flat(depth + 2)(value)[2:-2].replace("}," + deeper + "{", inner + "}," + inner + "{" + deeper)
            return "[" + inner + "{" + deeper + text + inner + "}" + outer + "]"
        items = (_dumps(v, depth + 1) for v in value)  # type: ignore[union-attr]
        return "[" + inner + ("," + inner).join(items) + outer + "]"
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", outer)

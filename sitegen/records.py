"""Frozen dataclasses to and from plain JSON, checked against their type hints on the way back.

The build cache comes back from shared CI storage, so it is untrusted input: it holds data, never
code (no pickle), and what is read back is rebuilt only from the types the caller names. A value
of the wrong type, an unknown field or class, a file that is too large, too deep or not JSON
raises `RecordError`, and the caller ignores that record (a rebuild, never a wrong page).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
import operator
import re
import types
import typing
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

MAX_BYTES = 256 * 1024 * 1024  # a county's build state is ~15 MB; anything far larger is not ours
_CLASS = "@"  # the key naming a subclass of the declared type (a finance statement in a `Disclosure` slot)
_DECIMAL = re.compile(r"-?\d{1,30}(\.\d{1,10})?")


class RecordError(ValueError):
    """A cache entry that is not what this version of sitegen writes."""


def dumps(value: Any) -> bytes:
    """Compact JSON; dataclasses as objects, dates as ISO text, Decimals as their exact digits."""
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read(path: Path, kind: Any) -> Any:
    """The value of type `kind` in the JSON file `path`; `RecordError` (or OSError) if it is not one."""
    with open(path, "rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise RecordError(f"{path}: larger than {MAX_BYTES} bytes")
    return loads(raw, kind)


def loads(raw: bytes, kind: Any) -> Any:
    with acyclic():
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, too deep, a 5,000-digit number
            raise RecordError(str(exc)) from None
        try:
            return _decoder(kind)(data)
        except RecursionError:
            raise RecordError("nested too deeply") from None


@contextmanager
def acyclic() -> Iterator[None]:
    """Without the cyclic garbage collector meanwhile, for making values that hold no cycles
    (JSON and what is decoded from it): its passes over the young objects, a record's 100,000
    each time, were half of reading a county's records. Reference counting frees the rest."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def plain(value: Any) -> Any:
    """The JSON value `dumps` writes for `value` (the version store hashes and keeps it)."""
    return _plain(value)


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or value is None or kind is float or kind is bool:
        return value
    return _encoder(kind)(value)


@lru_cache(maxsize=None)
def _encoder(kind: type) -> Callable[[Any], Any]:
    """One encoding function per class met, made once: a county's cold build encodes about two
    million values, and asking `dataclasses` about each one was a tenth of the build."""
    if dataclasses.is_dataclass(kind):
        names = tuple(f.name for f in dataclasses.fields(kind) if f.init)
        label = kind.__name__
        return lambda value: {_CLASS: label, **{name: _plain(getattr(value, name)) for name in names}}
    if issubclass(kind, Enum):
        return lambda value: value.value
    if issubclass(kind, (tuple, list)):
        return lambda value: [_plain(item) for item in value]
    if issubclass(kind, frozenset):  # one order, so records are deterministic
        return lambda value: sorted((_plain(item) for item in value), key=repr)
    if issubclass(kind, dict):
        return lambda value: {_key(key): _plain(item) for key, item in value.items()}
    if issubclass(kind, Decimal):
        return str
    if issubclass(kind, dt.date):
        return lambda value: value.isoformat()
    if issubclass(kind, (str, int, float)):
        return lambda value: value
    raise TypeError(f"cannot record a {kind.__name__}")


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError("record keys are strings")
    return key


def _fail(kind: Any, value: Any) -> RecordError:
    return RecordError(f"expected {getattr(kind, '__name__', kind)}, found {type(value).__name__}")


@lru_cache(maxsize=None)
def _decoder(kind: Any) -> Callable[[Any], Any]:
    """One checking function per declared type, made once: a county's state has 70,000 entries."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any:  # only Source.node, which a record never carries
        return _exactly(type(None))
    if kind in (str, bool, type(None)):
        return _exactly(kind)
    if kind is int:
        return _exactly(int)  # not bool: True is an int to isinstance
    if kind is bytes:  # bytes stand in for a blob only when the cache is full, and are never recorded
        return _never
    if kind is Decimal:
        return _decimal
    if kind is dt.date:
        return _date
    if isinstance(kind, type) and issubclass(kind, Enum):
        members = {member.value: member for member in kind}
        return lambda value: _enum(kind, members, value)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _class_decoder(kind)
    if origin in (typing.Union, types.UnionType):
        arms = [_decoder(arm) for arm in args if arm is not type(None)]
        if len(arms) == 1 and len(args) == 2:  # `X | None`: no exception raised for a None
            arm = arms[0]
            return lambda value: None if value is None else arm(value)
        arms = [_decoder(arm) for arm in args]
        return lambda value: _union(arms, kind, value)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        if args[0] in _PLAIN:  # names, paths: one type test each, no call
            return lambda value: _plain_tuple(args[0], kind, value)
        if args[0] in (dt.date, dt.date | None):  # a column of days (`village_record`): each met before, no call
            return lambda value: _days(args[0] is not dt.date, kind, value)
        item = _decoder(args[0])
        return lambda value: tuple(map(item, _list(kind, value)))  # map, not a generator: 40,000 of them a county
    if kind is tuple:  # a bare tuple: a key path, of names and indexes
        return _key_path
    if origin is frozenset:
        item = _decoder(args[0])
        return lambda value: frozenset(map(item, _list(kind, value)))
    if origin is tuple and args and all(arg in (str, int) for arg in args):  # (size, mtime, sha256): 70,000 of them
        return lambda value: _scalars(args, kind, value)
    if origin is tuple:
        items = [_decoder(arg) for arg in args]
        return lambda value: _fixed(items, kind, value)
    if origin is list:
        item = _decoder(args[0])
        return lambda value: list(map(item, _list(kind, value)))
    if origin is dict:
        key, item = _decoder(args[0]), _decoder(args[1])
        if args[0] is str:  # every record key is text: one test for them all
            if args[1] in _PLAIN:
                return lambda value: _plain_dict(args[1], kind, value)
            rows = typing.get_args(args[1])
            if typing.get_origin(args[1]) is tuple and rows and all(arg in (str, int) for arg in rows):  # path → (size, mtime, sha256)
                return lambda value: _scalar_rows(rows, kind, value)
            return lambda value: dict(zip(_text_keys(kind, value), map(item, value.values())))
        return lambda value: {key(k): item(v) for k, v in _dict(kind, value).items()}
    raise TypeError(f"no record decoder for {kind!r}")


_PLAIN = (str, int, bool)  # checked by exact type: not bool for int, not int for bool


def _all_of(kind: type, container: Any, values: Any) -> None:
    """Raise `RecordError` unless each of `values` is exactly of type `kind` (one pass in C)."""
    found = set(map(type, values))
    if found - {kind}:
        raise RecordError(f"expected {getattr(container, '__name__', container)}, found {min(t.__name__ for t in found - {kind})}")


def _plain_tuple(item: type, kind: Any, value: Any) -> tuple:
    _all_of(item, kind, _list(kind, value))
    return tuple(value)


def _plain_dict(item: type, kind: Any, value: Any) -> dict:
    _all_of(item, kind, _text_keys(kind, value).values())
    return dict(value)


def _text_keys(kind: Any, value: Any) -> dict:
    if type(value) is not dict:
        raise _fail(kind, value)
    _all_of(str, kind, value)
    return value


def _exactly(kind: type) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if type(value) is not kind:
            raise _fail(kind, value)
        return value

    return check


def _never(value: Any) -> Any:
    raise _fail(bytes, value)


def _decimal(value: Any) -> Decimal:
    if type(value) is not str or not _DECIMAL.fullmatch(value):
        raise _fail(Decimal, value)
    try:
        return Decimal(value)
    except InvalidOperation:
        raise _fail(Decimal, value) from None


_DAYS: dict[str, dt.date] = {}  # ISO text → date, each checked once: a county's records hold 160,000 dates of a few hundred days


def _date(value: Any) -> dt.date:
    if type(value) is str:
        day = _DAYS.get(value)
        if day is not None:
            return day
    if type(value) is not str or len(value) != 10:
        raise _fail(dt.date, value)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(dt.date, value) from None
    if len(_DAYS) < 100_000:  # bounded: a crafted record of a million days must not grow it
        _DAYS[value] = day
    return day


def _days(optional: bool, kind: Any, value: Any) -> tuple:
    """A column of ISO days (and None where `optional`): those met before looked up at once."""
    _all_of(str, kind, [v for v in _list(kind, value) if v is not None] if optional else _list(kind, value))
    days = list(map(_DAYS.get, value))
    for at in [at for at, day in enumerate(days) if day is None and value[at] is not None]:
        days[at] = _date(value[at])
    return tuple(days)


def _enum(kind: type[Enum], members: dict, value: Any) -> Enum:
    member = members.get(value) if type(value) in (str, int) else None
    if member is None:
        raise _fail(kind, value)
    return member


def _list(kind: Any, value: Any) -> list:
    if type(value) is not list:
        raise _fail(kind, value)
    return value


def _dict(kind: Any, value: Any) -> dict:
    if type(value) is not dict:
        raise _fail(kind, value)
    return value


def _fixed(items: list[Callable], kind: Any, value: Any) -> tuple:
    if type(value) is not list or len(value) != len(items):
        raise _fail(kind, value)
    return tuple([item(v) for item, v in zip(items, value)])


def _key_path(value: Any) -> tuple:
    if type(value) is not list or any(type(v) not in (str, int) for v in value):
        raise _fail(tuple, value)
    return tuple(value)


def _scalars(kinds: tuple[type, ...], kind: Any, value: Any) -> tuple:
    if type(value) is not list or len(value) != len(kinds) or any(type(v) is not k for v, k in zip(value, kinds)):
        raise _fail(kind, value)
    return tuple(value)


def _scalar_rows(kinds: tuple[type, ...], kind: Any, value: Any) -> dict:
    """A text-keyed table of fixed scalar rows, checked a column at a time (a county's state has
    70,000 rows: one Python call per row was most of a no-op rebuild)."""
    rows = _text_keys(kind, value).values()
    _all_of(list, kind, rows)
    if set(map(len, rows)) - {len(kinds)}:
        raise _fail(kind, value)
    for column, item in zip(zip(*rows), kinds):
        _all_of(item, kind, column)
    return dict(zip(value, map(tuple, rows)))


def _union(arms: list[Callable], kind: Any, value: Any) -> Any:
    for arm in arms:
        try:
            return arm(value)
        except RecordError:
            continue
    raise _fail(kind, value)


def _class_decoder(kind: type) -> Callable[[Any], Any]:
    """The declared class or one of its subclasses (by name, among its subclasses only: no imports),
    each through its own `_maker`."""
    label, own = kind.__name__, []

    def decode(value: Any) -> Any:
        if type(value) is not dict:
            raise _fail(kind, value)
        name = value.get(_CLASS)
        if name == label:
            if not own:  # made at first use: the class's hints may name classes defined after it
                own.append(_maker(kind))
            return own[0](value)
        target = _subclasses(kind).get(name)
        if target is None:
            raise RecordError(f"{name!r} is not a {label}")
        return _maker(target)(value)

    return decode


@lru_cache(maxsize=None)
def _maker(kind: type) -> Callable[[dict], Any]:
    """One instance of `kind` from a JSON object naming it. A record as `dumps` writes it (every
    init field, and the class) is taken apart by one `itemgetter`, its text and number fields
    type-tested in one pass, the others decoded by their own decoders, and the instance made
    as the generated `__init__` would, without its call per field (a county's records hold 160,000
    instances: the general path was most of reading them). Any other object (a default left
    out, an unknown field) takes the general path, `_dataclass`, which checks the same."""
    hints = typing.get_type_hints(kind)
    fields = dataclasses.fields(kind)
    names = tuple(f.name for f in fields if f.init)
    generated = kind.__dataclass_params__.init and len(kind.__dataclass_fields__) == len(fields)  # its own `__init__`, no InitVar
    if len(names) < 2 or len(names) < len(fields) or hasattr(kind, "__slots__") or not generated:
        return lambda value: _dataclass(kind, value)
    keys = frozenset((_CLASS, *names))
    take = operator.itemgetter(*names)
    plain = tuple(i for i, name in enumerate(names) if hints[name] in _PLAIN)
    types_of = operator.itemgetter(*plain) if len(plain) > 1 else None
    expected = tuple(hints[names[i]] for i in plain)
    decoded = tuple((i, _decoder(hints[name])) for i, name in enumerate(names) if hints[name] not in _PLAIN)
    post_init = getattr(kind, "__post_init__", None)
    new = object.__new__

    def make(value: dict) -> Any:
        if value.keys() != keys:
            return _dataclass(kind, value)
        row = list(take(value))
        found = tuple(map(type, types_of(row))) if types_of else tuple(type(row[i]) for i in plain)
        if found != expected:
            at = next(n for n, (t, e) in enumerate(zip(found, expected)) if t is not e)
            raise _fail(expected[at], row[plain[at]])
        for i, item in decoded:
            row[i] = item(row[i])
        instance = new(kind)  # what the generated `__init__` does: each field set in order, then `__post_init__`
        instance.__dict__.update(zip(names, row))
        if post_init is not None:
            post_init(instance)
        return instance

    return make


def _dataclass(kind: type, value: Any) -> Any:
    """The general path: the declared class or one of its subclasses, from any JSON object."""
    if type(value) is not dict:
        raise _fail(kind, value)
    name = value.get(_CLASS)
    target = kind if name == kind.__name__ else _subclasses(kind).get(name)
    if target is None:
        raise RecordError(f"{name!r} is not a {kind.__name__}")
    plain, fields = _fields(target)
    found = {}
    try:
        for name, item in value.items():
            exact = plain.get(name)
            if exact is not None:  # text and numbers: one type test, no call (a county's records hold millions)
                if type(item) is not exact:
                    raise _fail(exact, item)
                found[name] = item
            elif name != _CLASS:
                found[name] = fields[name](item)
        return target(**found)
    except KeyError as exc:
        raise RecordError(f"unknown field {exc} in {target.__name__}") from None
    except TypeError as exc:  # a required field missing
        raise RecordError(str(exc)) from None


@lru_cache(maxsize=None)
def _subclasses(kind: type) -> dict[str, type]:
    found: dict[str, type] = {}
    for sub in kind.__subclasses__():
        found[sub.__name__] = sub
        found.update(_subclasses(sub))
    return found


@lru_cache(maxsize=None)
def _fields(kind: type) -> tuple[dict[str, type], dict[str, Callable[[Any], Any]]]:
    """The fields of plain type (checked inline) and the decoder of every field (without "@": unknown)."""
    hints = typing.get_type_hints(kind)
    fields = [f.name for f in dataclasses.fields(kind) if f.init]
    return {name: hints[name] for name in fields if hints[name] in _PLAIN}, {name: _decoder(hints[name]) for name in fields}

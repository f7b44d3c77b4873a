"""Small typed converters from parsed YAML to model values, each failing with a located problem.

A converter takes (ctx, value, keys) and returns the converted value, or INVALID after it
has reported exactly one problem at the node `keys` points to. Records refuse unknown keys
(with a did-you-mean) and report every missing required field, so a clerk sees all at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from .money import MoneyError, number_issue, parse_money
from .problems import Problem, error
from .source import DATE_TEXT, Keys, Source


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclass
class Ctx:
    """Where problems go. `partial`: records keep their readable fields (a bad one holds its default
    and its key path is added to `unreadable`), so the rules over the rest still run."""

    source: Source
    problems: list[Problem]
    partial: bool = False
    unreadable: set = field(default_factory=set)

    def fail(self, keys: Keys, code: str, message: str, *, at_key: bool = False) -> Any:
        line, col = self.source.key_at(keys) if at_key else self.source.at(keys)
        self.problems.append(error(self.source.path, line, col, code, message))
        return INVALID


Converter = Callable[[Ctx, Any, Keys], Any]


def describe(keys: Keys) -> str:
    """A field name a clerk can find in the file: income 第3项的 amount."""
    parts: list[str] = []
    for key in keys:
        if isinstance(key, int):
            parts.append(f"第{key + 1}项")
        else:
            parts.append(f"的 {key}" if parts else str(key))
    return "".join(parts).replace("项的", "项 的") or "文件"


def _shown(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "一组内容" if isinstance(value, dict) else "一个列表"
    if value is None:
        return "空"
    return f"“{value}”"


def text(ctx: Ctx, value: Any, keys: Keys) -> Any:
    """Non-empty single-value text; YAML integers are taken as text (codes, numbers in names)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ctx.fail(keys, "schema", f"{describe(keys)} 应为文字，实际为{_shown(value)}")
    result = str(value).strip()
    if not result:
        return ctx.fail(keys, "schema", f"{describe(keys)} 不能为空")
    return result


def cell(ctx: Ctx, value: Any, keys: Keys) -> Any:
    """A table cell: text or a number, shown as written (amounts keep their two decimals)."""
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, (dict, list, dt.date)):
        if isinstance(value, dt.date):
            return value.isoformat()
        return ctx.fail(keys, "schema", f"{describe(keys)} 应为文字或数字，实际为{_shown(value)}")
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def date(ctx: Ctx, value: Any, keys: Keys) -> Any:
    if isinstance(value, str) and DATE_TEXT.fullmatch(value):  # written as a date, but no such day
        return ctx.fail(keys, "schema", f"{describe(keys)} 的日期 {value} 不存在，请检查月和日")
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        return ctx.fail(keys, "schema", f"{describe(keys)} 应为日期，格式 YYYY-MM-DD（如 2026-11-05），实际为{_shown(value)}")
    return value


def count(ctx: Ctx, value: Any, keys: Keys) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        issue = number_issue(value) if isinstance(value, str) else None
        why = f"：{issue}" if issue else ""
        return ctx.fail(keys, "schema", f"{describe(keys)} 应为人数（0 或正整数）{why}，实际为{_shown(value)}")
    return value


def boolean(ctx: Ctx, value: Any, keys: Keys) -> Any:
    if not isinstance(value, bool):
        return ctx.fail(keys, "schema", f"{describe(keys)} 应为 true 或 false，实际为{_shown(value)}")
    return value


def day_of_month(ctx: Ctx, value: Any, keys: Keys) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 28:
        return ctx.fail(keys, "schema", f"{describe(keys)} 应为每月的第几日（1 到 28），实际为{_shown(value)}")
    return value


def money(ctx: Ctx, value: Any, keys: Keys) -> Any:
    try:
        return parse_money(value)
    except MoneyError as exc:
        return ctx.fail(keys, "amount-format", f"{describe(keys)} {exc}，实际为{_shown(value)}")


def positive_money(ctx: Ctx, value: Any, keys: Keys) -> Any:
    amount = money(ctx, value, keys)
    if amount is not INVALID and amount <= 0:
        return ctx.fail(keys, "amount-format", f"{describe(keys)} 应为正数（收入、支出都写正数），实际为{_shown(value)}")
    return amount


def pattern(regex: str, expected: str, code: str = "schema") -> Converter:
    compiled = re.compile(regex)

    def convert(ctx: Ctx, value: Any, keys: Keys) -> Any:
        result = text(ctx, value, keys)
        if result is INVALID:
            return result
        if not compiled.fullmatch(result):
            return ctx.fail(keys, code, f"{describe(keys)} 应为{expected}，实际为{_shown(value)}")
        return result

    return convert


def choice(*options: str) -> Converter:
    def convert(ctx: Ctx, value: Any, keys: Keys) -> Any:
        result = text(ctx, value, keys)
        if result is not INVALID and result not in options:
            return ctx.fail(keys, "schema", f"{describe(keys)} 只能是 {'、'.join(options)} 之一，实际为{_shown(value)}")
        return result

    return convert


def list_of(item: Converter, *, allow_empty: bool = True) -> Converter:
    def convert(ctx: Ctx, value: Any, keys: Keys) -> Any:
        if value is None and allow_empty:
            return ()
        if not isinstance(value, list):
            return ctx.fail(keys, "schema", f"{describe(keys)} 应为列表（每项以“- ”开头），实际为{_shown(value)}")
        if not value and not allow_empty:
            return ctx.fail(keys, "schema", f"{describe(keys)} 至少要有一项")
        results = [item(ctx, element, keys + (index,)) for index, element in enumerate(value)]
        return INVALID if any(r is INVALID for r in results) else tuple(results)

    return convert


def names(ctx: Ctx, value: Any, keys: Keys) -> Any:
    """A list of people's names; a single name written without brackets is accepted too."""
    if isinstance(value, str):
        value = [value]
    return list_of(text, allow_empty=False)(ctx, value, keys)


@dataclass(frozen=True)
class Field:
    convert: Converter
    required: bool = False
    default: Any = None
    name: str | None = None  # the model attribute, when it differs from the YAML key
    offered: bool = True  # named in did-you-mean hints and key lists (False: a key refused with a reason)


def req(convert: Converter, name: str | None = None) -> Field:
    return Field(convert, required=True, name=name)


def opt(convert: Converter, default: Any = None, name: str | None = None) -> Field:
    return Field(convert, default=default, name=name)


def fields(ctx: Ctx, value: Any, keys: Keys, spec: dict[str, Field], what: str, *, whole: bool = False) -> dict[str, Any] | Any:
    """Convert a mapping by `spec`: every unknown key, missing field and bad value is reported.

    A bad field makes the whole mapping INVALID, unless `ctx.partial` (and not `whole`): then it
    holds its default (None for a required one) and is recorded in `ctx.unreadable`.
    """
    if not isinstance(value, dict):
        return ctx.fail(keys, "schema", f"{what} 应为“键: 值”的一组内容，实际为{_shown(value)}")
    result: dict[str, Any] = {}
    bad: list[Keys] = []
    offered = [key for key, spec_field in spec.items() if spec_field.offered]
    for key in value:
        if key not in spec:
            close = difflib.get_close_matches(key, offered, n=1, cutoff=0.6)
            hint = f"，是不是要写 {close[0]}？" if close else f"（可用的键：{'、'.join(offered)}）"
            ctx.fail(keys + (key,), "schema", f"{what} 中不认识的键 {key}{hint}", at_key=True)
    for key, spec_field in spec.items():
        attribute = spec_field.name or key.replace("-", "_")
        if key not in value or value[key] is None:
            if spec_field.required:
                ctx.fail(keys, "schema", f"{what} 缺少必填字段 {key}", at_key=bool(keys))
                bad.append(keys + (key,))
            result[attribute] = spec_field.default
            continue
        converted = spec_field.convert(ctx, value[key], keys + (key,))
        if converted is INVALID:
            bad.append(keys + (key,))
            converted = spec_field.default
        result[attribute] = converted
    unknown = any(key not in spec for key in value)
    if ctx.partial and not whole:
        ctx.unreadable.update(bad)
        return result
    return INVALID if bad or unknown else result


def record(factory: Callable[..., Any], spec: dict[str, Field], what: str) -> Converter:
    def convert(ctx: Ctx, value: Any, keys: Keys) -> Any:
        values = fields(ctx, value, keys, spec, what)
        return INVALID if values is INVALID else factory(**values)

    return convert

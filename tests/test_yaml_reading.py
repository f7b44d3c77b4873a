"""The fast YAML path (libyaml composing without PyYAML's resolver, scalars read once by their first
character) gives exactly the values and located problems of the reference path it replaced:
`yaml.compose` with the C safe loader, then every plain scalar through the YAML 1.2 regex cascade.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import source, syntax
from sitegen.problems import error

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)\.[0-9]+")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_CONSTANTS = {"true": True, "false": False, "null": None, "~": None, "": None}


def _reference_scalar(node):
    """Every plain scalar through the whole cascade, as the old builder did."""
    value = node.value
    if node.style not in (None, "") or len(value) > 1000:
        return value
    if value in _CONSTANTS:
        return _CONSTANTS[value]
    if _INT.fullmatch(value):
        return int(value)
    if _DECIMAL.fullmatch(value):
        return Decimal(value)
    match = _DATE.fullmatch(value)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            return value
    return value


def _reference(text: str):
    """The reference path: values and problems, or None where composing fails (the fast path
    shares the error handling, so only a successful compose is compared here)."""
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    problems, seen = [], set()

    def problem(node, code, message):
        problems.append(error("x.yaml", node.start_mark.line + 1, node.start_mark.column + 1, code, message))

    def build(node, depth=0):
        if id(node) in seen:
            problem(node, "yaml-syntax", "不支持 YAML 锚点和别名（& 和 *），请把内容直接写出来")
            return None
        seen.add(id(node))
        if depth > syntax.MAX_DEPTH:
            problem(node, "yaml-syntax", f"嵌套层数太多（超过 {syntax.MAX_DEPTH} 层），请检查缩进")
            return None
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    problem(key_node, "yaml-syntax", "键必须是简单的文字")
                    continue
                if key_node.value in result:
                    problem(key_node, "schema", f"键 {key_node.value} 重复出现，每个键只能写一次")
                    continue
                result[key_node.value] = build(value_node, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [build(item, depth + 1) for item in node.value]
        return _reference_scalar(node)

    return (build(node) if node is not None else None), problems


# characters that make a scalar a number, date or constant, or break one, plus digits of other scripts
_SCALAR_CHARS = list("0123456789-+.:eE tfrualsn~x_") + ["２", "٣", "१", "村", "收", "元", "\u3000"]
scalars = st.one_of(
    st.text(st.sampled_from(_SCALAR_CHARS), max_size=12),
    st.sampled_from(["true", "false", "null", "~", "0100", "1:30", "2026-02-30", "２０２６-1-5", "٢٠٢٦-11-05", "-0", "+1.50", "1e3", ".5", "0x1F", "yes", "1_000"]),
    st.integers(-10**6, 10**6).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.dates().map(str),
)
keys = st.sampled_from(["amount", "date", "金额", "a", "1", "true", "null"])


STYLES = ("", "", "'", '"')  # plain twice as often


def _quote(text: str, style: str) -> str:
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if style == '"':
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


@st.composite
def documents(draw, depth: int = 0) -> str:
    """Block YAML of mappings and sequences with scalars plain, quoted or in flow lists; anchors,
    aliases and duplicate keys now and then."""
    indent = "  " * depth
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(keys)
        shape = draw(st.sampled_from(["scalar", "scalar", "flow", "map", "list", "anchor", "alias"] if depth < 3 else ["scalar", "flow"]))
        if shape == "scalar":
            lines.append(f"{indent}{key}: {_quote(draw(scalars), draw(st.sampled_from(STYLES)))}")
        elif shape == "flow":
            items = draw(st.lists(scalars.filter(lambda t: not re.search(r"[,\[\]{}:#]|^[\s-]|\s$", t)), max_size=4))
            lines.append(f"{indent}{key}: [{', '.join(items)}]")
        elif shape == "anchor":
            lines.append(f"{indent}{key}: &x {draw(scalars.filter(lambda t: t.strip() == t and t))}")
        elif shape == "alias":
            lines.append(f"{indent}{key}: *x")
        elif shape == "map":
            lines.append(f"{indent}{key}:")
            lines.append(draw(documents(depth + 1)))
        else:
            lines.append(f"{indent}{key}:")
            for _ in range(draw(st.integers(1, 3))):
                lines.append(f"{indent}  - {_quote(draw(scalars), draw(st.sampled_from(STYLES)))}")
    return "\n".join(lines)


def _same(text: str) -> None:
    if syntax.indentation_slips(text) or syntax.nesting_depth(text)[0] > syntax.MAX_DEPTH:
        return  # refused before composing (Tab or U+3000 indentation, deep nesting): shared code
    expected = _reference(text)
    if expected is None:
        return
    data, _, problems = source.parse_yaml(text, "x.yaml")
    assert repr(data) == repr(expected[0])  # repr: True and 1, 1 and Decimal('1'), order, all differ
    assert problems == expected[1]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_read_as_the_reference_path_reads_them(text):
    _same(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(_SCALAR_CHARS + list("[]{},&*!|>'\"#\n")), max_size=40))
def test_arbitrary_text_reads_as_the_reference_path_reads_it(text):
    _same(text)


def test_digits_of_other_scripts_and_constants_keep_their_meaning():
    """The first-character shortcut must not skip a scalar the cascade would read: `\\d` is any
    decimal digit, so a date in full-width digits is still a date, and 1.1 words stay text."""
    text = "a: ２０２６-1-5\nb: true\nc: ~\nd: -3\ne: +0.50\nf: 村\ng: yes\nh: 0100\ni:\nj: '1'\n"
    data, _, problems = source.parse_yaml(text, "x.yaml")
    assert problems == []
    assert data == {"a": dt.date(2026, 1, 5), "b": True, "c": None, "d": -3, "e": Decimal("0.50"), "f": "村", "g": "yes", "h": "0100", "i": None, "j": "1"}
    assert type(data["d"]) is int and type(data["e"]) is Decimal


def test_an_alias_is_still_refused_where_it_stands():
    data, _, problems = source.parse_yaml("a: &x 1\nb: *x\n", "x.yaml")
    assert data == {"a": 1, "b": None}
    assert [(p.line, p.col, p.code) for p in problems] == [(1, 4, "yaml-syntax")]  # at the node, where it was anchored

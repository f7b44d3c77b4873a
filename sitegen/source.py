"""Reading content files: bytes → text → YAML data that remembers where every value came from.

PyYAML's composer keeps line and column marks on each node; we turn the node tree into
plain Python values and a map from key path to position, so that every later problem
(schema, finance, votes, privacy) can point at the exact YAML node a clerk has to fix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

import yaml

from . import syntax
from .problems import Problem, error
from .text import line_col

try:  # libyaml's parser and composer, in C; fall back where libyaml is missing
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

Keys = tuple  # a key path into the data: ("income", 2, "amount")


def fingerprint(head: str, sources: Iterable[Source]) -> str:
    """sha256 of `head` and the path and text of each source: the cache key of an output that
    is made from those sources (plus what `head` names)."""
    hasher = hashlib.sha256(head.encode("utf-8"))
    for source in sources:
        hasher.update(f"\0{source.path}\0{source.text}".encode("utf-8"))
    return hasher.hexdigest()


@dataclass(frozen=True, eq=False)
class Source:
    """One content file as read: display path, raw text, and its YAML node tree for positions.

    Positions are looked up only when a problem needs one, by walking the composed nodes:
    recording every node's position up front cost more than a third of loading a file.
    """

    path: str
    text: str
    node: Any = field(default=None, repr=False)  # the composed YAML root (yaml.Node), if any
    line_offset: int = 0  # lines before the YAML (front matter starts on line 2)

    def at(self, keys: Keys = ()) -> tuple[int, int]:
        """Position (line, col) of the value at `keys`, or of its nearest parent that exists."""
        node, _ = self._walk(keys)
        return self._position(node) if node is not None else (1, 1)

    def key_at(self, keys: Keys) -> tuple[int, int]:
        """Position of the key itself (for an unknown or duplicate key)."""
        node, key_node = self._walk(keys)
        return self._position(key_node if key_node is not None else node) if node is not None else (1, 1)

    def _walk(self, keys: Keys):
        """The deepest node `keys` reaches, and the key node naming it when it is a mapping value."""
        node, key_node = self.node, None
        for key in keys:
            if isinstance(node, yaml.MappingNode) and isinstance(key, str):
                found = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                found = (None, node.value[key])
            else:
                found = None
            if found is None:
                return node, None
            key_node, node = found
        return node, key_node

    def _position(self, node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1


def decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 (with or without BOM), or a located `encoding` problem telling the clerk what to do."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        try:
            raw.decode("gb18030")
            hint = "看起来是 GBK/GB18030 编码（Excel、记事本在中文 Windows 上的默认格式）"
        except UnicodeDecodeError:
            hint = "不是 UTF-8 编码"
        message = f"文件{hint}，请用“另存为”选择 UTF-8 编码后再提交"
        return None, [error(path, line, col, "encoding", message)]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []


MAX_BYTES = 1_000_000  # per content file: a year of daily entries is ~200 KB; more is a mistake


def read_capped(path) -> bytes:
    """A file's bytes, at most MAX_BYTES + 1 of them (enough to tell it is too large)."""
    with open(path, "rb") as handle:
        return handle.read(MAX_BYTES + 1)


def too_large(raw: bytes, path: str) -> list[Problem]:
    if len(raw) <= MAX_BYTES:
        return []
    return [error(path, 1, 1, "schema", f"文件太大（超过 {MAX_BYTES // 1_000_000} MB），一个公开文件不应这么大；请检查是否放错了文件")]


def _syntax_error(path: str, text: str, line_offset: int, slips: list[syntax.Slip]) -> tuple[None, Source, list[Problem]]:
    problems = [error(path, slip.line + line_offset, slip.col, "yaml-syntax", slip.message) for slip in slips]
    return None, Source(path, text, None, line_offset), problems


def parse_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, Source, list[Problem]]:
    """Parse one YAML document. Returns (data or None, source, problems)."""
    slips = syntax.indentation_slips(text)
    depth, line, col = syntax.nesting_depth(text)
    if depth > syntax.MAX_DEPTH:
        slips.append(syntax.Slip(line, col, f"嵌套层数太多（超过 {syntax.MAX_DEPTH} 层），请检查括号“[”“{{”是否多写或没有闭合"))
    if slips:
        return _syntax_error(path, text, line_offset, slips)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        slips = syntax.colon_slips(text)
        if not slips:
            context = exc.context_mark
            context_char = text[context.index : context.index + 1] if context else ""
            problem = exc.problem_mark
            problem_char = text[problem.index : problem.index + 1] if problem else ""
            line_text = text.splitlines()[problem.line] if problem and problem.line < len(text.splitlines()) else ""
            message, at_context = syntax.explain(exc.problem, exc.context, context_char, problem_char, line_text)
            mark = context if at_context and context else exc.problem_mark or context
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            slips = [syntax.Slip(line, col, message)]
        return _syntax_error(path, text, line_offset, slips)
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        position = getattr(exc, "position", 0) or 0
        line, col = line_col(text, position)
        return _syntax_error(path, text, line_offset, [syntax.Slip(line, col, "文件含有不允许的控制字符")])
    except RecursionError:  # pragma: no cover - nesting_depth refuses such files first
        return _syntax_error(path, text, line_offset, [syntax.Slip(1, 1, "嵌套层数太多，请检查括号")])
    source = Source(path, text, node, line_offset)
    if node is None:
        return None, source, []
    builder = _Builder(path, line_offset, aliases="*" in text)
    data = builder.build(node)
    return data, source, builder.problems


class _Composer(_Parser):
    """libyaml's node tree without PyYAML's tag resolution: the composer asks for a tag at every
    node, and the safe resolver answers with a regex cascade per scalar (half the composing time).
    Tags are never read here; `_Builder` reads each plain scalar once, by YAML 1.2 rules."""

    def resolve(self, kind, value, implicit) -> None:
        return None

    def descend_resolver(self, parent, index) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


def _compose(text: str):
    """The root node of the single document in `text` (None when it is empty)."""
    composer = _Composer(text)
    try:
        return composer.get_single_node()
    finally:
        composer.dispose()


_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)\.[0-9]+")
DATE_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")  # a plain scalar written as a date
_CONSTANTS = {"true": True, "false": False, "null": None, "~": None, "": None}
_MAX_NUMBER_CHARS = 1000  # longer digit runs stay text (Python refuses int() of 4,300+ digits)


_MAYBE_NOT_TEXT = frozenset("-+tfn~")  # first characters of a plain scalar that may be a number, date or constant


class _Builder:
    """Turns a composed node tree into plain values; aliases are refused (no billion laughs).

    An alias is the same node met twice; a text without `*` has none, so its nodes are not
    tracked. A plain scalar is read once, and most (Chinese text) are known to be text by their
    first character."""

    def __init__(self, path: str, line_offset: int, aliases: bool = True) -> None:
        self.path = path
        self.line_offset = line_offset
        self.problems: list[Problem] = []
        self._seen: set[int] | None = set() if aliases else None

    def _problem(self, node, code: str, message: str) -> None:
        line, col = node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1
        self.problems.append(error(self.path, line, col, code, message))

    def build(self, node, depth: int = 0) -> Any:
        seen = self._seen
        if seen is not None:
            if id(node) in seen:
                self._problem(node, "yaml-syntax", "不支持 YAML 锚点和别名（& 和 *），请把内容直接写出来")
                return None
            seen.add(id(node))
        if depth > syntax.MAX_DEPTH:
            self._problem(node, "yaml-syntax", f"嵌套层数太多（超过 {syntax.MAX_DEPTH} 层），请检查缩进")
            return None
        inline = seen is None and depth < syntax.MAX_DEPTH  # a scalar child needs no alias or depth check
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, _SCALAR):
                    self._problem(key_node, "yaml-syntax", "键必须是简单的文字")
                    continue
                key = key_node.value
                if key in result:
                    self._problem(key_node, "schema", f"键 {key} 重复出现，每个键只能写一次")
                    continue
                result[key] = _scalar(value_node) if inline and type(value_node) is _SCALAR else self.build(value_node, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            if inline:
                return [_scalar(item) if type(item) is _SCALAR else self.build(item, depth + 1) for item in node.value]
            return [self.build(item, depth + 1) for item in node.value]
        return _scalar(node)


_SCALAR = yaml.ScalarNode


def _scalar(node) -> Any:
    """A plain scalar is read from its text by YAML 1.2 core rules or stricter, never by
    PyYAML's 1.1 resolver (0100 is not 64, 1:30 not 90); quoted and block text stays text."""
    value = node.value
    if node.style not in (None, "") or len(value) > _MAX_NUMBER_CHARS:  # libyaml: "" is plain
        return value
    if not value:
        return None
    first = value[0]
    if first not in _MAYBE_NOT_TEXT and not first.isdecimal():  # `\d` below is any decimal digit
        return value
    if value in _CONSTANTS:
        return _CONSTANTS[value]
    if _INT.fullmatch(value):
        return int(value)
    if _DECIMAL.fullmatch(value):
        return Decimal(value)
    match = DATE_TEXT.fullmatch(value)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:  # 2026-02-30: text, which the date field reports as no such day
            return value
    return value


def split_front_matter(text: str) -> tuple[str | None, int, str, int]:
    """Split a Markdown file into (front matter YAML, its line offset, body, body's first line).

    The front matter is the block between a first line `---` and the next line `---`.
    Returns (None, 0, text, 1) when the file has none.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        return None, 0, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip() == "---":
            yaml_text = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            return yaml_text, 1, body, index + 2
    return None, 0, text, 1

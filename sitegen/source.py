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
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

import yaml

from .problems import Problem, error

try:  # the C loader is ~5× faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

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


_TAB_MESSAGE = "不能用 Tab 键缩进或对齐，请改用空格"  # libyaml does not name the character; we look
_YAML_MESSAGES = {
    "mapping values are not allowed here": "这里不能出现冒号“:”（值里有冒号时请整体加引号）",
    "could not find expected ':'": "缺少冒号“:”",
    "found character that cannot start any token": "出现了不能作为开头的字符（值以 @ ` 等开头时请加引号）",
    "did not find expected key": "缩进不一致或缺少“键:”",
    "did not find expected '-' indicator": "列表项缩进不一致（每项以“- ”开头并对齐）",
    "found undefined alias": "引用了未定义的别名（*）",
    "expected <block end>, but found '-'": "列表项缩进不一致",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合）",
    "found unknown escape character": "双引号里有不认识的转义字符（\\），请改用单引号",
    "expected a single document in the stream": "一个文件只能有一个 YAML 文档（不要用 --- 分隔多段）",
}


def _translate(problem: str | None) -> str:
    text = (problem or "").strip()
    for english, chinese in _YAML_MESSAGES.items():
        if text.startswith(english):
            return chinese
    return f"YAML 格式错误（{text}）" if text else "YAML 格式错误"


def parse_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, Source, list[Problem]]:
    """Parse one YAML document. Returns (data or None, source, problems)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1 + line_offset, mark.column + 1) if mark else (1 + line_offset, 1)
        at_tab = bool(mark) and text[mark.index : mark.index + 1] == "\t"
        message = _TAB_MESSAGE if at_tab else _translate(exc.problem)
        return None, Source(path, text, None, line_offset), [error(path, line, col, "yaml-syntax", message)]
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        position = getattr(exc, "position", 0) or 0
        line = text.count("\n", 0, position) + 1 + line_offset
        col = position - (text.rfind("\n", 0, position) + 1) + 1
        return None, Source(path, text, None, line_offset), [error(path, line, col, "yaml-syntax", "文件含有不允许的控制字符")]
    source = Source(path, text, node, line_offset)
    if node is None:
        return None, source, []
    builder = _Builder(path, line_offset)
    data = builder.build(node)
    return data, source, builder.problems


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class _Builder:
    """Turns a composed node tree into plain values; aliases are refused (no billion laughs)."""

    def __init__(self, path: str, line_offset: int) -> None:
        self.path = path
        self.line_offset = line_offset
        self.problems: list[Problem] = []
        self._seen: set[int] = set()
        self._constructor = yaml.constructor.SafeConstructor()

    def _problem(self, node, code: str, message: str) -> None:
        line, col = node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1
        self.problems.append(error(self.path, line, col, code, message))

    def build(self, node) -> Any:
        if id(node) in self._seen:
            self._problem(node, "yaml-syntax", "不支持 YAML 锚点和别名（& 和 *），请把内容直接写出来")
            return None
        self._seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self._problem(key_node, "yaml-syntax", "键必须是简单的文字")
                    continue
                key = key_node.value
                if key in result:
                    self._problem(key_node, "schema", f"键 {key} 重复出现，每个键只能写一次")
                    continue
                result[key] = self.build(value_node)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item) for item in node.value]
        return self._scalar(node)

    def _scalar(self, node) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:str":
            return node.value
        if tag == "tag:yaml.org,2002:float":
            try:
                return Decimal(node.value.replace("_", ""))
            except InvalidOperation:
                return node.value
        if tag == _TIMESTAMP_TAG:
            match = _DATE_RE.fullmatch(node.value)
            try:
                if match:
                    return dt.date(*map(int, match.groups()))
                return self._constructor.construct_yaml_timestamp(node)
            except ValueError:
                self._problem(node, "schema", f"日期 {node.value} 不存在，请检查月和日")
                return None
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"):
            try:
                return self._constructor.construct_object(node)
            except (ValueError, yaml.YAMLError):
                return node.value
        return node.value


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

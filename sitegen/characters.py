"""control-char and invisible-char: characters a clerk cannot see in a content file.

A NUL, ESC or form feed (pasted from an old system or a terminal) would go into a page as is,
or make YAML fail with a vague message, so it is an error naming the character. Format
characters (zero-width spaces, bidi overrides…) are invisible but change what a reader sees
(U+202E shows text reversed) or hide a number from a check, so each is a warning.
"""

from __future__ import annotations

import re

from typing import Any

from .problems import Problem, error, warning
from .source import Source
from .text import FORMAT_CHARACTERS, line_col, strings_in, texts_in

_CONTROL_NAMES = {
    0x00: "NUL 空字符", 0x07: "BEL 响铃", 0x08: "BS 退格", 0x0B: "VT 垂直制表", 0x0C: "FF 换页",
    0x1B: "ESC", 0x7F: "DEL 删除", 0x85: "NEL 下一行",
}
_INVISIBLE_NAMES = {
    0x00AD: "软连字符，看不见，但会把文字或号码断开",
    0x061C: "阿拉伯字母标记（方向控制字符），会改变文字的显示顺序",
    0x180E: "蒙古文元音分隔符，看不见",
    0x200B: "零宽空格，看不见，但会把文字或号码断开",
    0x200C: "零宽不连字，看不见",
    0x200D: "零宽连字，看不见",
    0x200E: "从左向右标记（方向控制字符），会改变文字的显示顺序",
    0x200F: "从右向左标记（方向控制字符），会改变文字的显示顺序",
    0x202A: "从左向右嵌入字符，会改变文字的显示顺序",
    0x202B: "从右向左嵌入字符，会改变文字的显示顺序",
    0x202C: "方向格式结束字符，会改变文字的显示顺序",
    0x202D: "从左向右覆盖字符，会改变文字的显示顺序",
    0x202E: "从右向左覆盖字符，会让文字倒序显示",
    0x2028: "行分隔符，看上去像换行，但不是普通换行",
    0x2029: "段落分隔符，看上去像换行，但不是普通换行",
    0x2060: "零宽不换行字符（词连接符），看不见",
    0x2066: "从左向右隔离字符，会改变文字的显示顺序",
    0x2067: "从右向左隔离字符，会改变文字的显示顺序",
    0x2068: "方向隔离字符，会改变文字的显示顺序",
    0x2069: "方向隔离结束字符，会改变文字的显示顺序",
    0xFEFF: "零宽不换行空格（BOM），看不见",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_UNSEEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|" + FORMAT_CHARACTERS.pattern + r"|[\u2028\u2029]")


def describe_control(char: str) -> str:
    """“U+001B（ESC 控制字符）”."""
    name = _CONTROL_NAMES.get(ord(char), "")
    return f"U+{ord(char):04X}（{name + ' ' if name else ''}控制字符）"


def describe_invisible(char: str) -> str:
    """“U+202E 从右向左覆盖字符，会让文字倒序显示”."""
    return f"U+{ord(char):04X} {_INVISIBLE_NAMES.get(ord(char), '格式控制字符，看不见')}"


def scan(path: str, text: str) -> list[Problem]:
    """One problem per character and line: every control and invisible character, located.

    `text` is as decoded (a leading BOM is already gone)."""
    problems = []
    seen: set[tuple[int, str]] = set()
    for match in _UNSEEN.finditer(text):
        char = match.group()
        line, col = line_col(text, match.start())
        if (line, char) in seen:
            continue
        seen.add((line, char))
        problems.append(_problem(path, line, col, char))
    return problems


def scan_values(source: Source, data: Any) -> list[Problem]:
    """Characters that only the loaded values hold (YAML escapes: `"\\e"`, `"\\x00"`, `"\\u202e"`),
    at the value's node; the raw scan reports those written as they are."""
    if not _UNSEEN.search("".join(texts_in(data))):  # one quick pass, mostly
        return []
    problems, reported = [], set(_UNSEEN.findall(source.text))
    for keys, value in strings_in(data):
        for char in dict.fromkeys(_UNSEEN.findall(value)):
            if char not in reported:
                reported.add(char)
                problems.append(_problem(source.path, *source.at(keys), char))
    return problems


def _problem(path: str, line: int, col: int, char: str) -> Problem:
    if _CONTROL.match(char):
        return error(path, line, col, "control-char", f"这里有一个看不见的{describe_control(char)}，请删除它（常见于从其他系统复制的文字）")
    return warning(path, line, col, "invisible-char", f"这里有一个看不见的字符：{describe_invisible(char)}；请删除它")


def has_control(problems: list[Problem]) -> bool:
    return any(problem.code == "control-char" for problem in problems)

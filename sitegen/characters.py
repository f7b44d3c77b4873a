"""control-char and invisible-char: characters a clerk cannot see in a content file.

A NUL, ESC or form feed (pasted from an old system or a terminal) would go into a page as is,
or make YAML fail with a vague message, so it is an error naming the character. Format
characters (zero-width spaces, bidi overrides…) are invisible but change what a reader sees
(U+202E shows text reversed) or hide a number from a check, so each is a warning.
"""

from __future__ import annotations

import re
import unicodedata

from .problems import Problem, error, warning
from .text import line_col

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
_SUSPECT = re.compile(r"[^\x09\x0a\x0d\x20-\x7e\u4e00-\u9fff]")  # everything else is looked at


def describe_control(char: str) -> str:
    """“U+001B（ESC 控制字符）”."""
    name = _CONTROL_NAMES.get(ord(char), "")
    return f"U+{ord(char):04X}（{name + ' ' if name else ''}控制字符）"


def describe_invisible(char: str) -> str:
    """“U+202E 从右向左覆盖字符，会让文字倒序显示”."""
    return f"U+{ord(char):04X} {_INVISIBLE_NAMES.get(ord(char), '格式控制字符，看不见')}"


def is_invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cf", "Zl", "Zp")


def scan(path: str, text: str) -> list[Problem]:
    """One problem per character and line: every control and invisible character, located.

    `text` is as decoded (a leading BOM is already gone)."""
    problems = []
    seen: set[tuple[int, str]] = set()
    for match in _SUSPECT.finditer(text):
        char = match.group()
        if not (_CONTROL.match(char) or is_invisible(char)):
            continue
        line, col = line_col(text, match.start())
        if (line, char) in seen:
            continue
        seen.add((line, char))
        if _CONTROL.match(char):
            problems.append(error(path, line, col, "control-char", f"这里有一个看不见的{describe_control(char)}，请删除它（常见于从其他系统复制的文字）"))
        else:
            problems.append(warning(path, line, col, "invisible-char", f"这里有一个看不见的字符：{describe_invisible(char)}；请删除它"))
    return problems


def has_control(problems: list[Problem]) -> bool:
    return any(problem.code == "control-char" for problem in problems)

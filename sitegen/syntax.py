"""YAML mistakes a clerk makes, found on the clerk's own line and explained in Chinese.

libyaml reports where it gave up, often the line after the mistake, in English. Before its
message is used, the lines are checked for the usual slips (a full-width colon after a key, no
space after the colon, tabs or full-width spaces in the indentation); each is reported at its
own character with the corrected line. Otherwise the parser's position is kept but the message
is always Chinese: no English parser text ever reaches the clerk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_DEPTH = 64  # nesting levels; the contract needs 4, libyaml crashes (C stack) near 100,000

_BLOCK_SCALAR = re.compile(r".*:\s*[|>][-+0-9]*\s*(#.*)?$")
_KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
_FULL_WIDTH_COLON = re.compile(rf"(?P<lead>\s*(?:-\s+)?)(?P<key>{_KEY})\s*：\s*(?P<rest>.*)")
_NO_SPACE = re.compile(rf"(?P<lead>\s*(?:-\s+)?)(?P<key>{_KEY}):(?P<rest>[^\s:/].*)")
_INDENT = re.compile(r"[ \t\u3000]*")
_DASHES = re.compile(r"\s*((?:-\s+)*)")
_FLOW_MARKS = re.compile(r"[\[\]{}'\"#]")
_STRUCTURE = re.compile(rf"-(\s|$)|{_KEY}\s*[:：]")  # a list item or a key: what indentation places


@dataclass(frozen=True)
class Slip:
    """One located YAML mistake: 1-based line and column, and the Chinese message."""

    line: int
    col: int
    message: str


def _content_lines(text: str):
    """(line number, line) of lines that are YAML structure, not the text of a `|` or `>` block."""
    block_indent: int | None = None
    for number, line in enumerate(text.splitlines(), 1):
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue
            block_indent = None
        yield number, line
        if _BLOCK_SCALAR.match(line):
            block_indent = indent


def _fixed(lead: str, key: str, rest: str) -> str:
    return f"{lead.replace(chr(9), '  ').replace(chr(0x3000), '  ')}{key}: {rest}".rstrip()


def indentation_slips(text: str) -> list[Slip]:
    """Tabs and full-width spaces (U+3000) in the indentation: YAML sees them as text, not space."""
    if "\t" not in text and "\u3000" not in text:  # the usual case, and the quick one
        return []
    slips = []
    for number, line in _content_lines(text):
        indent = _INDENT.match(line).group()
        if not _STRUCTURE.match(line[len(indent):]):  # text continuing a value may indent as it likes
            continue
        for col, char in enumerate(indent, 1):
            if char in "\t\u3000":
                name = "Tab 键（制表符）" if char == "\t" else "全角空格（中文输入法下的空格）"
                fixed = line[len(indent):].rstrip()
                slips.append(Slip(number, col, f"行首缩进里有{name}，缩进只能用半角空格。应改为：{fixed}（用半角空格缩进，与上下行对齐）"))
                break
    return slips


def colon_slips(text: str) -> list[Slip]:
    """A key followed by a full-width colon, or by a colon without the space YAML requires."""
    slips = []
    for number, line in _content_lines(text):
        match = _FULL_WIDTH_COLON.fullmatch(line)
        if match:
            col = line.index("：", match.end("key")) + 1
            fixed = _fixed(match["lead"], match["key"], match["rest"])
            slips.append(Slip(number, col, f"键 {match['key']} 后面用了中文冒号“：”，应为英文冒号“:”再加一个空格。应改为：{fixed.strip()}"))
            continue
        match = _NO_SPACE.fullmatch(line)
        if match:
            col = match.end("key") + 1
            fixed = _fixed(match["lead"], match["key"], match["rest"])
            slips.append(Slip(number, col, f"键 {match['key']} 的冒号“:”后面缺少一个空格。应改为：{fixed.strip()}"))
    return slips


def nesting_depth(text: str) -> tuple[int, int, int]:
    """(deepest nesting, its line, its col), counting brackets and `- ` chains outside quotes.

    An estimate that errs high only for brackets inside quoted text; it exists so that a file
    of 10,000 `[` is refused before libyaml, which recurses on the C stack, ever sees it.
    """
    opens = text.count("[") + text.count("{")
    if opens < MAX_DEPTH and not re.search(rf"(?:-[ \t]+){{{MAX_DEPTH - opens},}}", text):
        return 0, 1, 1  # the usual file: too few brackets and dashes to nest that deep
    depth = deepest = 0
    where = (1, 1)
    for number, line in _content_lines(text):
        dashes = _DASHES.match(line).group(1).count("-")
        if dashes > deepest:
            deepest, where = dashes, (number, 1)
        quote = None
        for match in _FLOW_MARKS.finditer(line) if depth or "[" in line or "{" in line else ():
            char, col = match.group(), match.start() + 1
            if quote:
                quote = None if char == quote else quote
            elif char in "'\"" and depth:
                quote = char
            elif char in "[{":
                depth += 1
                if depth + dashes > deepest:
                    deepest, where = depth + dashes, (number, col)
            elif char in "]}":
                depth = max(depth - 1, 0)
            elif char == "#" and (col == 1 or line[col - 2] in " \t"):
                break
    return deepest, *where


_MESSAGES = (
    ("mapping values are not allowed", "这里不能出现“冒号+空格”（文字里有冒号时请把整段文字用引号括起来）"),
    ("could not find expected ':'", "缺少冒号“:”，或者上一行的引号没有闭合"),
    ("found character that cannot start any token", "这个字符不能出现在开头（以 @ ` % 等开头的文字请加引号）"),
    ("did not find expected key", "缩进不一致或缺少“键:”，同一层的键要左对齐"),
    ("did not find expected '-' indicator", "列表项缩进不一致（每项以“- ”开头并对齐）"),
    ("found undefined alias", "引用了未定义的别名（*），请把内容直接写出来"),
    ("expected <block end>, but found", "缩进不一致，同一层的内容要左对齐"),
    ("found unknown escape character", "双引号里有不认识的转义字符（\\），请改用单引号"),
    ("expected a single document in the stream", "一个文件只能有一个 YAML 文档（不要用 --- 分隔多段）"),
    ("found a tab character", "不能用 Tab 键缩进或对齐，请改用空格"),
    ("found unexpected ':'", "冒号“:”的位置不对，文字里有冒号时请加引号"),
    ("did not find expected node content", "这里缺少内容（可能多写了逗号或括号）"),
    ("did not find URI", "感叹号“!”开头的写法不支持，文字以 ! 开头时请加引号"),
)
_UNCLOSED = {
    "while scanning a quoted scalar": "引号{char}开始的文字没有结束引号，请在文字末尾补上{char}",
    "while parsing a flow sequence": "方括号“[”没有闭合，请在列表末尾补上“]”",
    "while parsing a flow mapping": "花括号“{{”没有闭合，请在末尾补上“}}”",
    "while scanning a simple key": "这一行缺少冒号“:”或冒号后的空格",
}


_KEY_VALUE = re.compile(rf"(?P<lead>\s*(?:-\s+)?)(?P<key>{_KEY}):\s+(?P<value>[^'\"\[{{].*?)\s*")


def _quoted(line: str) -> str:
    """`key: text: more` as the clerk meant it: the text in double quotes."""
    match = _KEY_VALUE.fullmatch(line)
    if not match:
        return ""
    value = match["value"].replace("\\", "\\\\").replace('"', '\\"')
    return f"。应改为：{match['lead'].lstrip()}{match['key']}: \"{value}\""


def explain(problem: str | None, context: str | None, context_char: str, problem_char: str, line: str) -> tuple[str, bool]:
    """A Chinese message for libyaml's English, and whether to point at the context mark
    (the opening quote or bracket) rather than where the parser gave up."""
    if problem_char == "\t":  # libyaml does not name the character; we look
        return "这里有 Tab 键（制表符），请改用空格", False
    for english, chinese in _UNCLOSED.items():
        if (context or "").startswith(english):
            return chinese.format(char=f"“{context_char}”"), True
    for english, chinese in _MESSAGES:
        if (problem or "").strip().startswith(english) or (context or "").strip().startswith(english):
            return chinese + (_quoted(line) if english == _MESSAGES[0][0] else ""), False
    return "这一行的写法无法识别，请检查冒号、引号、括号和缩进", False

"""Reading one content file: bytes → text → YAML values with their positions, and the problems
found on the way (encoding, privacy, unseen characters, YAML slips, the schema). Also the checks
every folder entry passes before it is read (hidden, `..`, unprintable names, links leaving)."""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import characters, privacy
from . import schema as s
from .problems import Problem, error
from .source import Source, decode, parse_yaml, read_capped, split_front_matter, too_large
from .text import escape_unprintable

_UNREADABLE = {errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限", errno.EISDIR: "这是一个文件夹", errno.ELOOP: "循环链接", errno.ENOENT: "文件不存在"}
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")
MONTH = r"\d{4}-(0[1-9]|1[0-2])"
QUARTER = r"\d{4}-Q[1-4]"


@dataclass
class Reader:
    root: Path
    display_root: str
    problems: list[Problem]

    def display(self, path: Path) -> str:
        rel = path.relative_to(self.root).as_posix()
        return f"{self.display_root}/{rel}" if self.display_root else rel

    def problem(self, path: Path, code: str, message: str) -> None:
        self.problems.append(error(self.display(path), 1, 1, code, message))

    def read_text(self, path: Path) -> str | None:
        try:
            raw = read_capped(path)
        except OSError as exc:  # the reason in Chinese: strerror is English
            self.problem(path, "encoding", f"无法读取文件（{_UNREADABLE.get(exc.errno, '系统拒绝读取')}），请检查文件权限或重新保存")
            return None
        if too_large(raw, self.display(path)):
            self.problems.extend(too_large(raw, self.display(path)))
            return None
        text, problems = decode(raw, self.display(path))
        self.problems.extend(problems)
        if text is None:
            return None
        self.problems.extend(privacy.scan(self.display(path), text))
        unseen = characters.scan(self.display(path), text)
        self.problems.extend(unseen)
        return None if characters.has_control(unseen) else text  # never into a page, nor to YAML

    def read_yaml(self, path: Path, spec: dict, what: str, partial: bool = False) -> tuple[dict | None, Source | None]:
        text = self.read_text(path)
        if text is None:
            return None, None
        data, source, problems = parse_yaml(text, self.display(path))
        self.problems.extend(problems + privacy.scan_values(source, data) + characters.scan_values(source, data))
        if _unparsed(problems):
            return None, source
        return _convert(source, self.problems, data, spec, what, partial), source

    def read_markdown(self, path: Path, spec: dict, what: str) -> tuple[dict | None, Source | None, str, int]:
        text = self.read_text(path)
        if text is None:
            return None, None, "", 1
        front, offset, body, body_line = split_front_matter(text)
        if front is None:
            self.problems.append(
                error(self.display(path), 1, 1, "schema", "缺少开头的 YAML 信息块：第一行写 ---，写完字段后再写一行 ---")
            )
            return None, None, "", 1
        data, source, problems = parse_yaml(front, self.display(path), line_offset=offset)
        # rules may want the whole text (the node positions already count the front matter's offset)
        source = Source(source.path, text, source.node, source.line_offset)
        self.problems.extend(problems + privacy.scan_values(source, data) + characters.scan_values(source, data))
        if _unparsed(problems):
            return None, source, body, body_line
        return _convert(source, self.problems, data, spec, what, partial=True), source, body, body_line


def _unparsed(problems: list[Problem]) -> bool:
    """YAML that could not be parsed; a duplicate key (`schema`) keeps its first value and the
    rest of the file is still checked."""
    return any(p.code == "yaml-syntax" for p in problems)


def _convert(source: Source, problems: list[Problem], data: Any, spec: dict, what: str, partial: bool) -> dict | None:
    """A file's values by `spec`, or None. A disclosure is `partial`: its readable fields are
    kept (and `unreadable` names the others) so every rule that can still judge it runs."""
    ctx = s.Ctx(source, problems, partial=partial)
    values = s.fields(ctx, data, (), spec, what)
    if values is s.INVALID:
        return None
    return {**values, "unreadable": frozenset(ctx.unreadable)} if partial else values


def entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


def skip_or_unsafe(reader: Reader, path: Path, dirent: os.DirEntry) -> bool:
    """Hidden names are ignored; `..x` names, names with unseen characters or undecodable bytes
    and symlinks leaving the folder are `slug` errors."""
    name = dirent.name
    if name.startswith(".."):
        reader.problem(path, "slug", f"文件名“{escape_unprintable(name)}”不能以 .. 开头")
        return True
    if name.startswith("."):
        return True
    shown = escape_unprintable(name)
    if shown != name:  # a line break could forge a problem line, a bidi control reorder one
        where = escape_unprintable(reader.display(path))
        reader.problems.append(error(where, 1, 1, "slug", f"文件名“{shown}”含有换行、控制字符、看不见的字符或无法识别的字节，请重新命名"))
        return True
    if dirent.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a loop (a -> a, a -> b -> a) or a dangling link
            reader.problem(path, "unknown-file", f"“{name}”是一个打不开的链接（循环链接或指向的文件不存在），请删除它")
            return True
        if reader.root != target and reader.root not in target.parents:
            reader.problem(path, "slug", f"“{name}”是指向内容文件夹以外的链接，不允许")
            return True
    return False


def period_matches(reader: Reader, values: dict, source: Source, expected: str, where: str) -> bool:
    """The period written in a file must be the one its file or folder name says."""
    if values["period"] in (expected, None):  # None: unreadable, already reported
        return True
    line, col = source.at(("period",))
    reader.problems.append(error(source.path, line, col, "period-mismatch", f"period {values['period']} 与{where}不一致"))
    return False


def markdown_slug(reader: Reader, path: Path, dirent: os.DirEntry) -> str | None:
    if not (dirent.is_file() and dirent.name.endswith(".md")):
        reader.problem(path, "unknown-file", f"这里只放 Markdown 文件（.md），不应有“{dirent.name}”")
        return None
    slug = dirent.name[:-3]
    if not SLUG.fullmatch(slug):
        reader.problem(path, "slug", f"文件名“{slug}”应为小写拼音字母、数字和连字符，最长 48 个字符（如 2026-road）")
        return None
    return slug

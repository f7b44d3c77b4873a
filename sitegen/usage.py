"""What the command line says to the clerk besides problems: usage errors and help in Chinese,
the line a clean check ends with, and the explanation when `check` is given the wrong folder.

argparse writes English ("invalid choice: 'chek'"); a village clerk cannot act on that. Its
messages come from a fixed set of patterns, so each is matched and said again in Chinese; one
that is not known is never shown in English but as a pointer to `sitegen -h`.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from pathlib import Path
from typing import NoReturn

import yaml

_CHOICE = re.compile(r"invalid choice: '(?P<value>.*)' \(choose from (?P<choices>.*)\)", re.S)
_PATTERNS = [
    (re.compile(r"the following arguments are required: (?P<names>.*)", re.S), "缺少{names}"),
    (re.compile(r"unrecognized arguments: (?P<value>.*)", re.S), "不认识的参数：{value}"),
    (re.compile(r"expected one argument"), "后面缺少一个值"),
    (re.compile(r"expected at least one argument"), "后面至少要有一个值"),
    (re.compile(r"expected at most one argument"), "后面最多只能有一个值"),
    (re.compile(r"invalid int value: '(?P<value>.*)'", re.S), "应是整数，而不是“{value}”"),
    (re.compile(r"invalid Path value: '(?P<value>.*)'", re.S), "不是有效的路径：“{value}”"),
    (re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.*)", re.S), "“{option}”可以指 {matches}，请写完整"),
    (re.compile(r"ignored explicit argument '(?P<value>.*)'", re.S), "不需要值，却写了“{value}”"),
    (re.compile(r"not allowed with argument (?P<other>.*)", re.S), "不能和 {other} 同时使用"),
]
_ARGUMENT = re.compile(r"argument (?P<name>[^:]+): (?P<rest>.*)", re.S)


def chinese(message: str) -> str:
    """An argparse error message in Chinese (ArgumentTypeError texts are Chinese already)."""
    name, rest = None, message
    if match := _ARGUMENT.fullmatch(message):
        name, rest = match["name"], match["rest"]
    command = name is not None and name.startswith("{")  # the subcommand's metavar, {build,check,…}
    if match := _CHOICE.fullmatch(rest):
        value, choices = match["value"], [c.strip().strip("'") for c in match["choices"].split(",")]
        guess = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
        hint = f"是不是要写“{guess[0]}”？" if guess else ""
        what = f"没有“{value}”这个命令，可用的命令" if command else f"{name} 不能是“{value}”，只能是"
        return f"{what}：{'、'.join(choices)}。{hint}"
    for pattern, text in _PATTERNS:
        if match := pattern.fullmatch(rest):
            words = dict(match.groupdict())
            if "names" in words:
                words["names"] = _names(words["names"])
            said = text.format(**words)
            return f"{name} {said}" if name and not command else said
    if re.search(r"[\u4e00-\u9fff]", re.sub(r"'[^']*'", "", rest)):  # Chinese outside quoted values:
        return f"{name}：{rest}" if name else rest  # our own text (ArgumentTypeError), examples like YYYY-MM and all
    return "命令写得不对"


def _names(names: str) -> str:
    """'{build,check}' (the command's metavar) as 命令, other argument names as they are."""
    if names.startswith("{"):
        return re.sub(r"\{([^}]*)\}", lambda m: "命令（" + "、".join(m[1].split(",")) + "）", names)
    return f"参数 {names}"


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and usage errors are in Chinese (exit 2, as argparse)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示这段说明并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{chinese(message)}。运行 {self.prog} -h 查看用法。\n".replace("。。", "。").replace("？。", "？"))


def content_root(given: str | Path) -> Path | None:
    """The content folder (the one with site.yaml) that holds `given`, when `given` is not one
    itself: the clerk ran `check content/dongtan` and would otherwise get a dozen errors about
    files that are in their right place."""
    folder = Path(given)
    if not folder.is_dir() or (folder / "site.yaml").is_file():
        return None
    for parent in folder.resolve().parents:
        if (parent / "site.yaml").is_file():
            return parent
    return None


def wrong_folder(given: str | Path, root: Path, command: str) -> str:
    relative = os.path.relpath(root)
    shown = relative if len(relative) <= len(str(root)) else str(root)  # the shorter to type
    kind = "一个村的文件夹（有 village.yaml）" if (Path(given) / "village.yaml").is_file() else f"内容文件夹 {shown} 里面的一个文件夹"
    return (
        f"sitegen：{given} 是{kind}，不是整个内容文件夹。"
        f"sitegen {command} 要的是放 site.yaml 的那一层，它一次检查所有的村：sitegen {command} {shown}\n"
    )


def check_passed(site, problems) -> str:
    """The one line a check without errors ends with: what was checked, so silence is not doubt."""
    from .kinds import KINDS
    from .theme_dir import default_theme

    strings = yaml.safe_load((default_theme() / "i18n" / f"{site.config.locale}.yaml").read_text("utf-8"))
    villages = site.villages
    items = [d for v in villages for d in v.disclosures]
    def count(kind) -> str:
        return f"{strings[f'kind_short_{kind.name}']} {sum(len(v.of(kind.name)) for v in villages)} 份"

    counts = "，".join(count(kind) for kind in KINDS if not kind.record)
    records = "".join(f"，{count(kind)}" for kind in KINDS if kind.record)  # board photos are no disclosures: counted apart
    line = f"检查通过：{len(villages)} 个村，{len(items)} 份公开内容（{counts}）{records}，没有错误"
    return line + (f"；另有 {len(problems)} 条提醒，见上。\n" if problems else "。\n")

"""Discover a content folder and load it into the frozen model, collecting every problem.

The folder layout is the contract (§1): anything it does not name is `unknown-file`;
slugs are ASCII; nothing may lead outside the content folder.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import schema as s
from .model import (
    AffairsItem,
    Contact,
    Correction,
    Entry,
    FinanceStatement,
    MajorMatter,
    Profile,
    Progress,
    Review,
    Site,
    SiteConfig,
    Step,
    Supervisors,
    Table,
    Village,
    Withdrawal,
)
from . import attachments, characters, privacy
from .problems import Problem, error
from .profile import PROFILE, apply, baseline
from .source import Source, decode, parse_yaml, read_capped, split_front_matter, too_large
from .text import escape_unprintable

_UNREADABLE = {errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限", errno.EISDIR: "这是一个文件夹", errno.ELOOP: "循环链接", errno.ENOENT: "文件不存在"}
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")
MONTH = r"\d{4}-(0[1-9]|1[0-2])"
QUARTER = r"\d{4}-Q[1-4]"
ROOT_FILES = {"site.yaml", "profile.yaml", "published-urls.txt"}

# --- schemas (contract §2–7) -------------------------------------------------------------

contact = s.record(Contact, {"label": s.req(s.text), "phone": s.req(s.text)}, "联系电话")
review = s.record(
    Review,
    {"reviewers": s.req(s.names), "date": s.req(s.date), "opinion": s.opt(s.text)},
    "审核记录 review",
)
correction = s.record(Correction, {"date": s.req(s.date), "reason": s.req(s.text)}, "更正记录")

COMMON = {
    "posted": s.req(s.date),
    "posted_until": s.opt(s.date),
    "summary": s.req(s.text),
    "review": s.opt(review),
    "corrections": s.opt(s.list_of(correction), ()),
}

entry = s.record(
    Entry,
    {
        "date": s.req(s.date),
        "voucher": s.req(s.text),
        "item": s.req(s.text),
        "category": s.req(s.text),
        "amount": s.req(s.positive_money),
    },
    "收支明细",
)

FINANCE = {
    "period": s.req(s.pattern(MONTH, "年月，格式 YYYY-MM（如 2026-10）", "period-mismatch")),
    **COMMON,
    "opening_balance": s.req(s.money),
    "closing_balance": s.req(s.money),
    "income": s.opt(s.list_of(entry), ()),
    "expense": s.opt(s.list_of(entry), ()),
    "notes": s.opt(s.text),
}


def _table(ctx: s.Ctx, value: Any, keys: tuple) -> Any:
    values = s.fields(
        ctx,
        value,
        keys,
        {
            "caption": s.req(s.text),
            "columns": s.req(s.list_of(s.text, allow_empty=False)),
            "rows": s.opt(s.list_of(s.list_of(s.cell)), ()),
        },
        "表格 tables",
        whole=True,
    )
    if values is s.INVALID:
        return values
    width = len(values["columns"])
    for index, row in enumerate(values["rows"]):
        if len(row) != width:
            return ctx.fail(
                keys + ("rows", index),
                "schema",
                f"表格“{values['caption']}”第{index + 1}行有 {len(row)} 格，应与表头一样是 {width} 格",
            )
    return Table(**values)


AFFAIRS = {
    "title": s.req(s.text),
    "period": s.req(s.pattern(QUARTER, "季度，格式 YYYY-Qn（如 2026-Q3）", "period-mismatch")),
    "item": s.req(s.text),
    **COMMON,
    "tables": s.opt(s.list_of(_table), ()),
}

step = s.record(
    Step,
    {
        "step": s.req(s.text),
        "date": s.req(s.date),
        "meeting": s.opt(s.choice("村民代表会议", "村民会议")),
        "members": s.opt(s.count),
        "adults": s.opt(s.count),
        "present": s.opt(s.count),
        "for": s.opt(s.count, name="votes_for"),
        "against": s.opt(s.count),
        "abstain": s.opt(s.count),
    },
    "步骤 steps",
)
progress = s.record(Progress, {"date": s.req(s.date), "text": s.req(s.text)}, "进展 progress")

MAJOR = {
    "title": s.req(s.text),
    "item": s.req(s.text),
    "amount": s.opt(s.money),
    **COMMON,
    "steps": s.opt(s.list_of(step), ()),
    "progress": s.opt(s.list_of(progress), ()),
}

supervisors = s.record(
    Supervisors, {"chair": s.opt(s.text), "members": s.opt(s.names, ())}, "村务监督委员会 supervisors"
)

VILLAGE = {
    "name": s.req(s.text),
    "code": s.opt(s.pattern(r"\d{12}", "12 位统计用区划代码（加引号，如 \"371603004201\"）")),
    "committee": s.opt(s.text),
    "party_branch": s.opt(s.text),
    "supervisors": s.opt(supervisors, Supervisors()),
    "contacts": s.opt(s.list_of(contact), ()),
    "board": s.opt(s.text),
}


def _base_url(ctx: s.Ctx, value: Any, keys: tuple) -> Any:
    url = s.text(ctx, value, keys)
    if url is s.INVALID:
        return url
    local = re.match(r"http://(localhost|127\.0\.0\.1)(:\d+)?/", url)
    if not (url.startswith("https://") or local) or not url.endswith("/") or " " in url:
        return ctx.fail(keys, "schema", f"base_url 应以 https:// 开头、以 / 结尾（如 https://cwgk.example.gov.cn/fuyuan/），实际为“{url}”")
    return url


_SITE_PATH = s.pattern(r"([a-z0-9][A-Za-z0-9-]*/)+", "站内路径，以 / 结尾（如 dongtan/major/2026-road/）")


def _redirects(ctx: s.Ctx, value: Any, keys: tuple) -> Any:
    if not isinstance(value, dict):
        return ctx.fail(keys, "schema", "redirects 应为“旧地址: 新地址”的一组内容")
    pairs = [(_SITE_PATH(ctx, old, keys + (old,)), _SITE_PATH(ctx, new, keys + (old,))) for old, new in value.items()]
    return s.INVALID if any(s.INVALID in pair for pair in pairs) else tuple(sorted(pairs))


def _withdrawn(ctx: s.Ctx, value: Any, keys: tuple) -> Any:
    if not isinstance(value, dict):
        return ctx.fail(keys, "schema", "withdrawn 应为“路径: {date: 撤回日期, reason: 撤回原因}”的一组内容")
    spec = {"date": s.req(s.date), "reason": s.req(s.text)}
    entries = []
    for path, entry in value.items():
        where = keys + (path,)
        checked, fields = _SITE_PATH(ctx, path, where), s.fields(ctx, entry, where, spec, "撤回记录")
        entries.append(s.INVALID if s.INVALID in (checked, fields) else Withdrawal(checked, **fields))
    return s.INVALID if s.INVALID in entries else tuple(sorted(entries, key=lambda w: w.path))


SITE = {
    "title": s.req(s.text),
    "base_url": s.req(_base_url),
    "locale": s.opt(s.choice("zh-Hans", "zh-Hant"), "zh-Hans"),
    "county": s.opt(s.text),
    "township": s.opt(s.text),
    "contacts": s.opt(s.list_of(contact), ()),
    "poster": s.opt(lambda ctx, v, k: s.fields(ctx, v, k, {"size": s.opt(s.choice("A4", "A3"), "A4")}, "poster"), {"size": "A4"}),
    "profile": s.opt(s.text),
    "redirects": s.opt(_redirects, ()),
    "withdrawn": s.opt(_withdrawn, ()),
}

# --- files ------------------------------------------------------------------------------


@dataclass
class _Loader:
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


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


def load_site(content: str | Path) -> tuple[Site | None, list[Problem]]:
    """Load a whole content folder: the site and all problems.

    Files with problems are left out of the site, so rules can still check the rest and
    a clerk sees everything at once; the site is None only when site.yaml is unusable.
    """
    site, slugs, problems = load_root(content)
    villages = []
    for slug in slugs:
        village, village_problems = load_village(content, slug)
        problems += village_problems
        if village is not None:
            villages.append(village)
    if site is None:
        return None, problems
    return dataclasses.replace(site, villages=tuple(villages)), problems


def _loader(content: str | Path, problems: list[Problem], shown: str | None = None) -> _Loader:
    """Problems name files as the clerk wrote the content folder (`shown`, else `content`)."""
    display_root = os.path.normpath(shown or str(content)).replace(os.sep, "/")
    return _Loader(Path(content).resolve(), "" if display_root == "." else display_root, problems)


def load_root(content: str | Path) -> tuple[Site | None, list[str], list[Problem]]:
    """site.yaml, the profile and the village folders to load (a site without villages yet).

    Villages are independent of each other, so a build can load them in parallel.
    """
    problems: list[Problem] = []
    loader = _loader(content, problems)
    if not Path(content).is_dir():
        problems.append(error(loader.display_root or ".", 1, 1, "unknown-file", "内容文件夹不存在"))
        return None, [], problems
    site_file = loader.root / "site.yaml"
    if not site_file.is_file():
        problems.append(error(loader.display(site_file), 1, 1, "schema", "缺少 site.yaml（站点名称、网址等）"))
        config_values = None
    else:
        config_values, _ = loader.read_yaml(site_file, SITE, "site.yaml")

    slugs: list[str] = []
    for dirent in _entries(loader.root):
        path = loader.root / dirent.name
        if _skip_or_unsafe(loader, path, dirent):
            continue
        if dirent.is_dir():
            if SLUG.fullmatch(dirent.name):
                slugs.append(dirent.name)
            else:
                loader.problem(path, "slug", f"村文件夹名“{dirent.name}”应为小写拼音字母、数字和连字符（如 dongtan）")
        elif dirent.name not in ROOT_FILES and dirent.name != (config_values or {}).get("profile"):
            loader.problem(path, "unknown-file", f"内容文件夹里不应有“{dirent.name}”（只放 site.yaml、profile.yaml 和各村文件夹）")

    if config_values is None:
        return None, slugs, problems
    poster = config_values.pop("poster")
    config = SiteConfig(poster_size=poster["size"], **config_values)
    profile = _load_profile(loader, config.profile)
    return Site(config=config, profile=profile, villages=()), slugs, problems


def load_village(content: str | Path, slug: str, shown: str | None = None) -> tuple[Village | None, list[Problem]]:
    """One village folder, with its problems (None when its village.yaml is unusable)."""
    problems: list[Problem] = []
    loader = _loader(content, problems, shown)
    return _load_village(loader, loader.root / slug), problems


def _skip_or_unsafe(loader: _Loader, path: Path, dirent: os.DirEntry) -> bool:
    """Hidden names are ignored; `..x` names, names with unseen characters or undecodable bytes
    and symlinks leaving the folder are `slug` errors."""
    name = dirent.name
    if name.startswith(".."):
        loader.problem(path, "slug", f"文件名“{escape_unprintable(name)}”不能以 .. 开头")
        return True
    if name.startswith("."):
        return True
    shown = escape_unprintable(name)
    if shown != name:  # a line break could forge a problem line, a bidi control reorder one
        where = escape_unprintable(loader.display(path))
        loader.problems.append(error(where, 1, 1, "slug", f"文件名“{shown}”含有换行、控制字符、看不见的字符或无法识别的字节，请重新命名"))
        return True
    if dirent.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a loop (a -> a, a -> b -> a) or a dangling link
            loader.problem(path, "unknown-file", f"“{name}”是一个打不开的链接（循环链接或指向的文件不存在），请删除它")
            return True
        if loader.root != target and loader.root not in target.parents:
            loader.problem(path, "slug", f"“{name}”是指向内容文件夹以外的链接，不允许")
            return True
    return False


def _load_village(loader: _Loader, folder: Path) -> Village | None:
    slug = folder.name
    finance: list[FinanceStatement] = []
    affairs: list[AffairsItem] = []
    major: list[MajorMatter] = []
    values, source, files = None, None, ()
    village_file = folder / "village.yaml"
    if village_file.is_file():
        values, source = loader.read_yaml(village_file, VILLAGE, "village.yaml")
    else:
        loader.problem(village_file, "schema", "缺少 village.yaml（村名、村务监督委员会、联系电话）")

    for dirent in _entries(folder):
        path = folder / dirent.name
        if _skip_or_unsafe(loader, path, dirent) or dirent.name == "village.yaml":
            continue
        if dirent.name == attachments.FOLDER and dirent.is_symlink():
            loader.problem(path, "slug", "files 文件夹不能是链接（符号链接），请放入真正的文件夹")
        elif dirent.name == attachments.FOLDER and dirent.is_dir():
            files, problems = attachments.scan_folder(path, loader.display)
            loader.problems.extend(problems)
        elif dirent.name == "finance" and dirent.is_dir():
            finance.extend(_load_finance(loader, path, slug))
        elif dirent.name == "affairs" and dirent.is_dir():
            affairs.extend(_load_affairs(loader, path, slug))
        elif dirent.name == "major" and dirent.is_dir():
            major.extend(_load_major(loader, path, slug))
        elif dirent.name in ("finance", "affairs", "major", "files"):
            loader.problem(path, "unknown-file", f"“{dirent.name}”应是一个文件夹，而这里是一个文件")
        else:
            loader.problem(path, "unknown-file", f"村文件夹里不应有“{dirent.name}”（只放 village.yaml、finance、affairs、major、files）")

    if values is None:
        return None
    committee = values.pop("committee") or f"{values['name']}村民委员会"
    return Village(
        slug=slug,
        committee=committee,
        finance=tuple(sorted(finance, key=lambda f: f.period)),
        affairs=tuple(sorted(affairs, key=lambda a: (a.period, a.slug))),
        major=tuple(sorted(major, key=lambda m: (m.posted or date.min, m.slug))),  # a draft may lack posted
        attachments=files,
        source=source,
        **values,
    )


def _load_finance(loader: _Loader, folder: Path, village: str) -> list[FinanceStatement]:
    result = []
    for dirent in _entries(folder):
        path = folder / dirent.name
        if _skip_or_unsafe(loader, path, dirent):
            continue
        if dirent.is_dir():
            loader.problem(path, "unknown-file", f"“{dirent.name}”是一个文件夹；finance 文件夹里只放按月命名的文件，如 2026-10.yaml")
            continue
        if not (dirent.is_file() and re.fullmatch(MONTH + r"\.yaml", dirent.name)):
            loader.problem(path, "unknown-file", f"finance 文件夹里只放按月命名的文件，如 2026-10.yaml，不应有“{dirent.name}”")
            continue
        values, source = loader.read_yaml(path, FINANCE, "财务收支公开", partial=True)
        if values is None:
            continue
        if not _period_matches(loader, values, source, dirent.name[:-5], f"文件名 {dirent.name}"):
            continue
        result.append(FinanceStatement(village=village, source=source, notes_line=source.at(("notes",))[0], **values))
    return result


def _load_affairs(loader: _Loader, folder: Path, village: str) -> list[AffairsItem]:
    result = []
    for quarter in _entries(folder):
        quarter_path = folder / quarter.name
        if _skip_or_unsafe(loader, quarter_path, quarter):
            continue
        if not (quarter.is_dir() and re.fullmatch(QUARTER, quarter.name)):
            loader.problem(quarter_path, "unknown-file", f"affairs 文件夹里只放按季度命名的文件夹，如 2026-Q3，不应有“{quarter.name}”")
            continue
        for dirent in _entries(quarter_path):
            path = quarter_path / dirent.name
            if _skip_or_unsafe(loader, path, dirent):
                continue
            item = _markdown_slug(loader, path, dirent)
            if item is None:
                continue
            values, source, body, body_line = loader.read_markdown(path, AFFAIRS, "村务公开事项")
            if values is None:
                continue
            if not _period_matches(loader, values, source, quarter.name, f"所在文件夹 {quarter.name}"):
                continue
            result.append(AffairsItem(village=village, slug=item, source=source, body=body, body_line=body_line, **values))
    return result


def _load_major(loader: _Loader, folder: Path, village: str) -> list[MajorMatter]:
    result = []
    for dirent in _entries(folder):
        path = folder / dirent.name
        if _skip_or_unsafe(loader, path, dirent):
            continue
        slug = _markdown_slug(loader, path, dirent)
        if slug is None:
            continue
        values, source, body, body_line = loader.read_markdown(path, MAJOR, "重大事项")
        if values is not None:
            result.append(MajorMatter(village=village, slug=slug, source=source, body=body, body_line=body_line, **values))
    return result


def _period_matches(loader: _Loader, values: dict, source: Source, expected: str, where: str) -> bool:
    """The period written in a file must be the one its file or folder name says."""
    if values["period"] in (expected, None):  # None: unreadable, already reported
        return True
    line, col = source.at(("period",))
    loader.problems.append(error(source.path, line, col, "period-mismatch", f"period {values['period']} 与{where}不一致"))
    return False


def _markdown_slug(loader: _Loader, path: Path, dirent: os.DirEntry) -> str | None:
    if not (dirent.is_file() and dirent.name.endswith(".md")):
        loader.problem(path, "unknown-file", f"这里只放 Markdown 文件（.md），不应有“{dirent.name}”")
        return None
    slug = dirent.name[:-3]
    if not SLUG.fullmatch(slug):
        loader.problem(path, "slug", f"文件名“{slug}”应为小写拼音字母、数字和连字符，最长 48 个字符（如 2026-road）")
        return None
    return slug


def _load_profile(loader: _Loader, name: str | None) -> Profile:
    """site.yaml's `profile:`, else content/profile.yaml if present, merged over the baseline."""
    path = loader.root / (name or "profile.yaml")
    if "/" in (name or "") or name in (".", ".."):
        loader.problem(loader.root / "site.yaml", "slug", f"profile 只写文件名，文件放在内容文件夹里（如 profile.yaml），实际为 {name}")
        return baseline()
    if not path.is_file():
        if name:
            loader.problem(path, "schema", f"site.yaml 指定的 profile 文件 {name} 不存在")
        return baseline()
    values, source = loader.read_yaml(path, PROFILE, "profile.yaml")
    if values is None:
        return baseline()
    return apply(baseline(), values, s.Ctx(source, loader.problems))

"""Discover a content folder and load it into the frozen model, collecting every problem.

The folder layout is the contract (§1): anything it does not name is `unknown-file`;
slugs are ASCII; nothing may lead outside the content folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from . import attachments, clock
from . import schema as s
from .kinds import BY_NAME, KINDS
from .model import Contact, Profile, Site, SiteConfig, Supervisors, Village, Withdrawal
from .problems import Problem, error
from .profile import PROFILE, apply, baseline
from .reading import MONTH, SLUG, Reader, entries, skip_or_unsafe
from .versions import STORE

ROOT_FILES = {"site.yaml", "profile.yaml", "published-urls.txt"}  # and the folder versions.STORE

# --- schemas (contract §2–7) -------------------------------------------------------------

contact = s.record(Contact, {"label": s.req(s.text), "phone": s.req(s.text)}, "联系电话")
supervisors = s.record(
    Supervisors, {"chair": s.opt(s.text), "members": s.opt(s.names, ())}, "村务监督委员会 supervisors"
)

def _not_applicable(ctx: s.Ctx, value: Any, keys: tuple) -> Any:
    """`{item code: reason}`: each reason is shown, so it must be written; codes are checked
    against the catalogue by the clock's rule (the profile is not known here)."""
    if not isinstance(value, dict):
        return ctx.fail(keys, "schema", "not_applicable 应为“事项代码: 不适用的原因”的一组内容（如 tekun: 本村无特困供养人员）")
    pairs = [(str(code), s.text(ctx, reason, keys + (code,))) for code, reason in value.items()]
    return s.INVALID if any(reason is s.INVALID for _, reason in pairs) else tuple(pairs)


VILLAGE = {
    "name": s.req(s.text),
    "code": s.opt(s.pattern(r"\d{12}", "12 位统计用区划代码（加引号，如 \"371603004201\"）")),
    "committee": s.opt(s.text),
    "party_branch": s.opt(s.text),
    "supervisors": s.opt(supervisors, Supervisors()),
    "contacts": s.opt(s.list_of(contact), ()),
    "board": s.opt(s.text),
    "since": s.opt(s.pattern(MONTH, "开始按时公开的年月，格式 YYYY-MM（如 2026-01）")),
    "not_applicable": s.opt(_not_applicable, ()),
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


def load_site(content: str | Path, as_of: dt.date | None = None) -> tuple[Site | None, list[Problem]]:
    """Load a whole content folder: the site and all problems.

    Files with problems are left out of the site, so rules can still check the rest and
    a clerk sees everything at once; the site is None only when site.yaml is unusable.
    """
    site, slugs, problems = load_root(content, as_of)
    villages = []
    for slug in slugs:
        village, village_problems = load_village(content, slug)
        problems += village_problems
        if village is not None:
            villages.append(village)
    if site is None:
        return None, problems
    return dataclasses.replace(site, villages=tuple(villages)), problems


def _loader(content: str | Path, problems: list[Problem], shown: str | None = None) -> Reader:
    """Problems name files as the clerk wrote the content folder (`shown`, else `content`)."""
    display_root = os.path.normpath(shown or str(content)).replace(os.sep, "/")
    return Reader(Path(content).resolve(), "" if display_root == "." else display_root, problems)


def load_root(content: str | Path, as_of: dt.date | None = None) -> tuple[Site | None, list[str], list[Problem]]:
    """site.yaml, the profile and the village folders to load (a site without villages yet),
    as of `as_of` (default: today in China).

    Villages are independent of each other, so a build can load them in parallel.
    """
    problems: list[Problem] = []
    reader = _loader(content, problems)
    if not Path(content).is_dir():
        problems.append(error(reader.display_root or ".", 1, 1, "unknown-file", "内容文件夹不存在"))
        return None, [], problems
    site_file = reader.root / "site.yaml"
    if not site_file.is_file():
        problems.append(error(reader.display(site_file), 1, 1, "schema", "缺少 site.yaml（站点名称、网址等）"))
        config_values = None
    else:
        config_values, _ = reader.read_yaml(site_file, SITE, "site.yaml")

    slugs: list[str] = []
    for dirent in entries(reader.root):
        path = reader.root / dirent.name
        if skip_or_unsafe(reader, path, dirent):
            continue
        if dirent.is_dir():
            if dirent.name == STORE:  # the version store (sitegen/versions.py), written by the build
                continue
            if SLUG.fullmatch(dirent.name):
                slugs.append(dirent.name)
            else:
                reader.problem(path, "slug", f"村文件夹名“{dirent.name}”应为小写拼音字母、数字和连字符（如 dongtan）")
        elif dirent.name not in ROOT_FILES and dirent.name != (config_values or {}).get("profile"):
            reader.problem(path, "unknown-file", f"内容文件夹里不应有“{dirent.name}”（只放 site.yaml、profile.yaml 和各村文件夹）")

    if config_values is None:
        return None, slugs, problems
    poster = config_values.pop("poster")
    config = SiteConfig(poster_size=poster["size"], **config_values)
    profile = _load_profile(reader, config.profile)
    return Site(config=config, profile=profile, villages=(), as_of=as_of or clock.today()), slugs, problems


def load_village(content: str | Path, slug: str, shown: str | None = None) -> tuple[Village | None, list[Problem]]:
    """One village folder, with its problems (None when its village.yaml is unusable)."""
    problems: list[Problem] = []
    reader = _loader(content, problems, shown)
    return _load_village(reader, reader.root / slug), problems


def _load_village(reader: Reader, folder: Path) -> Village | None:
    slug = folder.name
    items: dict[str, list] = {kind.name: [] for kind in KINDS}
    values, source, files = None, None, ()
    village_file = folder / "village.yaml"
    if village_file.is_file():
        values, source = reader.read_yaml(village_file, VILLAGE, "village.yaml")
    else:
        reader.problem(village_file, "schema", "缺少 village.yaml（村名、村务监督委员会、联系电话）")

    for dirent in entries(folder):
        path = folder / dirent.name
        if skip_or_unsafe(reader, path, dirent) or dirent.name == "village.yaml":
            continue
        if dirent.name == attachments.FOLDER and dirent.is_symlink():
            reader.problem(path, "slug", "files 文件夹不能是链接（符号链接），请放入真正的文件夹")
        elif dirent.name == attachments.FOLDER and dirent.is_dir():
            files, problems = attachments.scan_folder(path, reader.display)
            reader.problems.extend(problems)
        elif dirent.name in BY_NAME and dirent.is_dir():
            items[dirent.name].extend(BY_NAME[dirent.name].load(reader, path, slug))
        elif dirent.name in BY_NAME or dirent.name == attachments.FOLDER:
            reader.problem(path, "unknown-file", f"“{dirent.name}”应是一个文件夹，而这里是一个文件")
        else:
            folders = "、".join(["village.yaml", *BY_NAME, attachments.FOLDER])
            reader.problem(path, "unknown-file", f"村文件夹里不应有“{dirent.name}”（只放 {folders}）")

    if values is None:
        return None
    committee = values.pop("committee") or f"{values['name']}村民委员会"
    ordered = {kind.name: sorted(items[kind.name], key=lambda d, k=kind: _unread_first(k.order(d))) for kind in KINDS}
    disclosures = tuple(item for kind in KINDS if not kind.record for item in ordered[kind.name])
    records = tuple(item for kind in KINDS if kind.record for item in ordered[kind.name])  # board photos: not disclosures
    return Village(slug=slug, committee=committee, items=disclosures, records=records, attachments=files, source=source, **values)


def _unread_first(key: tuple) -> tuple:
    """A sort key whose unreadable (None) parts sort first instead of failing to compare: a
    file with an unreadable date or period is still checked with the rest."""
    return tuple((value is not None, value) for value in key)


def _load_profile(reader: Reader, name: str | None) -> Profile:
    """site.yaml's `profile:`, else content/profile.yaml if present, merged over the baseline."""
    path = reader.root / (name or "profile.yaml")
    if "/" in (name or "") or name in (".", ".."):
        reader.problem(reader.root / "site.yaml", "slug", f"profile 只写文件名，文件放在内容文件夹里（如 profile.yaml），实际为 {name}")
        return baseline()
    if not path.is_file():
        if name:
            reader.problem(path, "schema", f"site.yaml 指定的 profile 文件 {name} 不存在")
        return baseline()
    values, source = reader.read_yaml(path, PROFILE, "profile.yaml")
    if values is None:
        return baseline()
    return apply(baseline(), values, s.Ctx(source, reader.problems))

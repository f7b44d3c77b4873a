"""Rules of the published record (contract §12) and each item's version history.

An item's shown content may change only with a new correction at the end of `corrections`;
`posted` never changes; earlier corrections, a major matter's steps and progress (`Kind.append_only`)
and questions already answered stay as published; entries may only be added at the end. The store
(`versions.py`) holds what was published; this module compares the loaded village with it and says
which versions this build adds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import urls, versions
from .kinds import kind_of
from .model import Disclosure, Site, Village
from .problems import Problem, error
from .versions import Entry, shown

PAGE = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*/)+")  # an item's page path, as the kinds make it
SHOWN_CHANGES = 3  # a silent change names this many fields, then counts the rest


@dataclass(frozen=True)
class Version:
    """One version of an item as its pages list it (版本记录)."""

    number: int  # 第n版
    id: str
    published: dt.date
    correction_date: dt.date | None
    reason: str | None  # the correction's reason; None for the first version or appended entries
    path: str  # the site path of its page: the item's page for the current one, else `v/<id>/`
    current: bool


@dataclass(frozen=True)
class History:
    """Every version of one item, oldest first; the last is the one the build shows."""

    versions: tuple[Version, ...]

    @property
    def current(self) -> Version:
        return self.versions[-1]

    def of(self, vid: str) -> Version:
        return next(v for v in self.versions if v.id == vid)


def relative(item: Disclosure, village: Village) -> str:
    """The item's file relative to its village folder: its key in the store."""
    folder = village.source.path.rsplit("/", 1)[0] + "/" if "/" in village.source.path else ""
    return item.source.path[len(folder):] if item.source.path.startswith(folder) else item.source.path


def old_path(item: Disclosure, vid: str) -> str:
    """Where a superseded version stays online, for good: it may be printed on a board."""
    return f"{urls.disclosure_path(item)}v/{vid}/"


def check(site: Site, village: Village, entries: list[Entry]) -> tuple[list[Entry], list[Problem]]:
    """The versions this build adds to the village's store, and the located §12 errors."""
    stored: dict[str, list[Entry]] = {}
    for entry in entries:
        stored.setdefault(entry.path, []).append(entry)
    pending: list[Entry] = []
    problems: list[Problem] = []
    for item in (d for d in village.items if d.published):
        dated = correction_dates(site, item)
        problems += dated
        path, vid = relative(item, village), item.version
        last = stored.get(path, [None])[-1]
        if last is None:  # first published (or first seen by a build with a store): no retroactive errors
            pending.append(Entry(path, vid, went_up(item).isoformat(), item.corrections[-1] if item.corrections else None, item))
            continue
        found = _questions(last.item, item) if vid == last.id else _compare(last.item, item)  # same id: same shown fields
        problems += found
        if found or dated:
            continue
        if vid != last.id:
            new = len(item.corrections) > len(last.item.corrections)
            pending.append(Entry(path, vid, went_up(item).isoformat(), item.corrections[-1] if new else None, item))
        elif item.questions != last.item.questions:  # a question or an answer added: same version, kept
            pending.append(Entry(path, vid, last.published, last.correction, item))
    return pending, problems


def went_up(item: Disclosure) -> dt.date:
    """The date a version took effect, from the content alone (so no page depends on the build's
    date, §13): its posting, its latest correction, or the latest entry added to an append-only list."""
    added = [entry.date for name in kind_of(item).append_only for entry in getattr(item, name) if getattr(entry, "date", None)]
    return max([item.updated, *added])


def _at(item: Disclosure, keys: tuple, code: str, message: str) -> Problem:
    line, col = _line(item, keys)
    return error(item.source.path, line, col, code, message)


def _line(item: Disclosure, keys: tuple) -> tuple[int, int]:
    """Where the value at `keys` is in the item's file (the Markdown body: its first line)."""
    return (kind_of(item).markdown(item)[1], 1) if keys and keys[0] == "body" else item.source.at(keys)


def correction_dates(site: Site, item: Disclosure) -> list[Problem]:
    """`correction-date`: a correction dated before the posting, or after the build's date."""
    problems = []
    for index, correction in enumerate(item.corrections):
        if correction.date < item.posted:
            why = f"早于公开日期 {item.posted.isoformat()}：更正只能在公开之后"
        elif correction.date > site.as_of:
            why = f"晚于今天（{site.as_of.isoformat()}）：更正日期不能写在将来"
        else:
            continue
        problems.append(_at(item, ("corrections", index, "date"), "correction-date", f"第{index + 1}条更正的日期 {correction.date.isoformat()} {why}"))
    return problems


def steady_until(site: Site, village: Village) -> dt.date:
    """The last as-of date, from `site.as_of` on, for which `correction_dates` finds the same
    problems: the as-of date itself if a correction is dated later (the error names the as-of
    date), else `date.max`."""
    later = any(c.date > site.as_of for item in village.items for c in item.corrections)
    return site.as_of if later else dt.date.max


def _compare(old: Disclosure, new: Disclosure) -> list[Problem]:
    """What `new` changed in the published `old` that no correction allows."""
    if new.posted != old.posted:
        return [_at(new, ("posted",), "posted-changed", f"公开日期已按 {old.posted.isoformat()} 公开，不能改为 {new.posted.isoformat()}；"
                    "公开日期是张贴上墙的日子，公开后不再改动（内容有误请在 corrections 末尾添加更正）")]
    for index, correction in enumerate(old.corrections):
        if index >= len(new.corrections) or new.corrections[index] != correction:
            return [_at(new, ("corrections", index) if index < len(new.corrections) else ("corrections",), "correction-removed",
                        f"已公开的第{index + 1}条更正（{correction.date.isoformat()}：{_short(correction.reason)}）被改动或删除；"
                        "更正记录只能在末尾添加，已有的更正要原样保留")]
    problems = []
    for name in kind_of(new).append_only:
        before, after = getattr(old, name), getattr(new, name)
        for index, entry in enumerate(before):
            if index >= len(after) or after[index] != entry:
                problems.append(_at(new, (name, index) if index < len(after) else (name,), "silent-change",
                                    f"{name} 第{index + 1}条已公开，不能改动或删除；新的进展请加在 {name} 末尾"))
                break
    problems += _questions(old, new)
    if problems or len(new.corrections) > len(old.corrections):
        return problems
    changes = sorted(_changes(shown(old), shown(_truncated(new, old))), key=lambda change: _line(new, change[1]))
    if not changes:
        return []  # the same, or only entries added at the end of an append-only list
    listed = "；".join(f"{where}：{a} → {b}" for where, _, a, b in changes[:SHOWN_CHANGES])
    more = f"（共{len(changes)}处）" if len(changes) > SHOWN_CHANGES else ""
    return [_at(new, changes[0][1], "silent-change", f"已公开的内容被改动，但 corrections 末尾没有新的更正：{listed}{more}。"
                "确需更正请在 corrections 末尾添加一条（日期、原因），否则请改回原样")]


def _questions(old: Disclosure, new: Disclosure) -> list[Problem]:
    """Published questions stay as they were; an unanswered one may get its answer (§14.3)."""
    for index, question in enumerate(old.questions):
        now = new.questions[index] if index < len(new.questions) else None
        answered_now = question.answer is None and question.answered is None and now is not None and (
            now.asked, now.channel, now.question) == (question.asked, question.channel, question.question)
        if now != question and not answered_now:
            return [_at(new, ("questions", index) if now else ("questions",), "silent-change",
                        f"群众提问第{index + 1}条（{question.asked.isoformat()}）已公开，不能改动或删除；只能补上答复或在末尾添加新的提问")]
    return []


def _truncated(new: Disclosure, old: Disclosure) -> Disclosure:
    """`new` with its append-only lists cut to `old`'s length: entries added at the end are allowed."""
    names = kind_of(new).append_only
    return dataclasses.replace(new, **{name: getattr(new, name)[: len(getattr(old, name))] for name in names}) if names else new


def _changes(old: Any, new: Any, keys: tuple = ()) -> list[tuple[str, tuple, str, str]]:
    """(shown path, key path, old value, new value) of every changed leaf, in the file's order."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in [*new, *(k for k in old if k not in new)]:
            if key != "@":
                found += _changes(old.get(key), new.get(key), (*keys, key))
        return found
    if isinstance(old, list) and isinstance(new, list):
        found = []
        for index in range(max(len(old), len(new))):
            found += _changes(old[index] if index < len(old) else None, new[index] if index < len(new) else None, (*keys, index))
        return found
    if old == new:
        return []
    return [(_name(keys), keys, _value(old), _value(new))]


def _name(keys: tuple) -> str:
    """expense[3].amount: list positions counted from 1, as a clerk counts entries."""
    text = ""
    for key in keys:
        text += f"[{key + 1}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def _value(value: Any) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, (dict, list)):
        return "（一组内容）"
    return _short(str(value))


def _short(text: str, size: int = 24) -> str:
    return text if len(text) <= size else text[:size] + "…"


def histories(village: Village, entries: list[Entry], pending: list[Entry]) -> tuple[dict[str, History], list[Entry]]:
    """Each published item's history by its page path, and every superseded version (the last
    store line of each old id, to render it again), for the pages, posters and data."""
    by_path: dict[str, list[Entry]] = {}
    for entry in [*entries, *pending]:
        by_path.setdefault(entry.path, []).append(entry)
    current = {relative(item, village): item.version for item in village.disclosures}
    result: dict[str, History] = {}
    superseded: list[Entry] = []
    for path, lines in by_path.items():
        first: dict[str, Entry] = {}
        latest: dict[str, Entry] = {}
        for entry in lines:
            first.setdefault(entry.id, entry)
            latest[entry.id] = entry
        offset = len(next(iter(first.values())).item.corrections)  # corrections made before the store began
        now = current.get(path)
        versions = []
        for number, (vid, entry) in enumerate(first.items(), offset + 1):
            is_current = vid == now
            page = urls.disclosure_path(entry.item) if is_current else old_path(entry.item, vid)
            fix = entry.correction
            versions.append(Version(number, vid, dt.date.fromisoformat(entry.published), fix.date if fix else None,
                                    fix.reason if fix else None, page, is_current))
            if not is_current:
                superseded.append(latest[vid])
        result[urls.disclosure_path(lines[-1].item)] = History(tuple(versions))
    return result, superseded


@dataclass(frozen=True)
class Record:
    """A village's published record as this build sees it: the store, what the build adds, the
    histories its pages show, and the superseded versions it keeps online."""

    entries: tuple[Entry, ...] = ()
    pending: tuple[Entry, ...] = ()
    histories: dict[str, History] = field(default_factory=dict)  # by the item's page path
    superseded: tuple[Entry, ...] = ()

    @property
    def old_paths(self) -> tuple[str, ...]:
        return tuple(old_path(entry.item, entry.id) for entry in self.superseded)

    def lines(self, data: bytes, slug: str) -> tuple[str, ...]:
        """The store lines of the pending versions, chained after the store's bytes `data`."""
        chain, lines = versions.last_chain(data, slug), []
        for entry in self.pending:
            line, chain = versions.line_of(entry, chain)
            lines.append(line)
        return tuple(lines)


def examine(content: Path, site: Site, village: Village, shown_root: str | None = None) -> tuple[Record, list[Problem]]:
    """Read the village's store and check the village against it: the one path for check and build."""
    entries, problems = versions.read(content, village.slug, shown_root)
    for entry in entries:  # the store is untrusted: its items' fields make output paths
        if not PAGE.fullmatch(urls.disclosure_path(entry.item)):
            where = versions.store_display(content, village.slug, shown_root)
            problems.append(error(where, entry.line, 1, "version-store", f"版本记录第{entry.line}行的内容不是本村的公开事项"))
            break
    if problems:
        return Record(), problems
    pending, problems = check(site, village, entries)
    made, superseded = histories(village, entries, pending)
    return Record(tuple(entries), tuple(pending), made, tuple(superseded)), problems


def superseded_paths(content: Path, site: Site) -> list[str]:
    """The page paths of every superseded version the site keeps online (for the URL ledger)."""
    return [path for village in site.villages for path in examine(content, site, village)[0].old_paths]

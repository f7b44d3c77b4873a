"""The published record (contract §12): version ids and the per-village version store.

A version id is a hash of what an item shows (its loaded fields), not of its bytes, so a comment,
re-indentation, key order, CRLF or a BOM is not a new version. `build` remembers every version it
published in `published-versions/<village>.jsonl` in the content folder: one JSON line per
version, append-only, each line chained to the one before by a hash, so an edited or removed line
is a located error, never a silent reset. Like `published-urls.txt` the store is untrusted input:
each line is decoded only into the model's named classes (`records.py`), and written only after a
successful build that is not a preview.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import atomic, records
from .model import Correction, Disclosure
from .problems import Problem, error, warning
from .source import decode

STORE = "published-versions"  # the folder in the content root; one `<village>.jsonl` per village
SUFFIX = ".jsonl"
MAX_BYTES = 64 * 2**20  # a village's versions for decades are a few MB; more is not a store
NOT_SHOWN = frozenset({"source", "unreadable", "questions"})  # questions grow without a new version (§14.3)
_FIELDS = ("chain", "correction", "id", "item", "path", "published")


def shown(item: Disclosure) -> dict[str, Any]:
    """What the item shows, as plain JSON values: every model field but the file it came from, the
    fields it could not read, questions, and positions in the file (`*_line`)."""
    return _plain(item, lambda name: name in NOT_SHOWN or name.endswith("_line"))


def _plain(item: Disclosure, skip) -> dict[str, Any]:
    """The item as `records` writes it, without the fields `skip` names."""
    fields = {f.name: records.plain(getattr(item, f.name)) for f in dataclasses.fields(item) if f.init and not skip(f.name)}
    return {"@": type(item).__name__, **fields}


def version_id(item: Disclosure) -> str:
    """Short hex id of what the item shows: dates ISO, amounts as written, text as loaded."""
    canonical = json.dumps(shown(item), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Entry:
    """One line of the store: a version of the item at `path` (relative to the village folder)."""

    path: str
    id: str
    published: str  # YYYY-MM-DD: the day the version went up (history.went_up), from the content
    correction: Correction | None  # the correction that made it (None: first version, or entries appended)
    item: Disclosure  # as loaded, enough to render the version's page and poster again
    line: int = 0  # its line in the store (0 for a version this build adds)


def store_path(content: Path, slug: str) -> Path:
    return content / STORE / f"{slug}{SUFFIX}"


def raw(content: Path, slug: str) -> bytes:
    """The store's bytes (b"" when there is none yet, or it cannot be read: `read` reports that)."""
    try:
        return store_path(content, slug).read_bytes()
    except OSError:
        return b""


def read(content: Path, slug: str, shown_root: str | None = None) -> tuple[list[Entry], list[Problem]]:
    """Every version recorded for a village, or located `version-store` errors for each damaged line."""
    target = store_path(Path(content), slug)
    prefix = _prefix(content, shown_root)
    where = store_display(content, slug, shown_root)
    try:
        with open(target, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return [], []
    except OSError:
        return [], [error(where, 1, 1, "version-store", "无法读取版本记录（请检查文件权限）；版本记录不会被改写")]
    if len(data) > MAX_BYTES:
        return [], [error(where, 1, 1, "version-store", f"版本记录超过 {MAX_BYTES // 2**20} MB，不像是 sitegen 写的；请从 git 历史恢复这个文件")]
    text, problems = decode(data, where)
    if text is None:
        return [], problems
    entries: list[Entry] = []
    chain = _seed(slug)
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        entry, chain, message = _entry(line, number, chain, slug, f"{prefix}{slug}")
        if message:
            problems.append(error(where, number, 1, "version-store", f"版本记录第{number}行{message}。版本记录只能由 sitegen build 追加；请从 git 历史恢复这个文件（git checkout -- {STORE}/{slug}{SUFFIX}）"))
            return [], problems  # after a damaged line nothing can be trusted
        entries.append(entry)
    return entries, problems


def _prefix(content: Path, shown_root: str | None) -> str:
    """The content folder as problems name it (as the clerk wrote it), with a final "/"."""
    root = os.path.normpath(shown_root or str(content)).replace(os.sep, "/")
    return "" if root == "." else root + "/"


def store_display(content: Path, slug: str, shown_root: str | None = None) -> str:
    return f"{_prefix(content, shown_root)}{STORE}/{slug}{SUFFIX}"


def _seed(slug: str) -> str:
    return hashlib.sha256(f"sitegen-versions\0{slug}".encode()).hexdigest()[:16]


def _link(previous: str, fields: dict[str, Any]) -> str:
    body = json.dumps({k: v for k, v in fields.items() if k != "chain"}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{previous}\n{body}".encode("utf-8")).hexdigest()[:16]


def _entry(line: str, number: int, chain: str, slug: str, village_dir: str) -> tuple[Entry | None, str, str]:
    """(entry, its chain value, "") or (None, chain, what is wrong in Chinese)."""
    try:
        fields = json.loads(line)
    except (ValueError, RecursionError):
        return None, chain, "不是完整的 JSON（可能被手工改过或截断）"
    if type(fields) is not dict or sorted(fields) != list(_FIELDS):
        return None, chain, "的字段不对"
    try:
        path, vid, published = (records.loads(json.dumps(fields[k]).encode(), str) for k in ("path", "id", "published"))
        correction = records.loads(json.dumps(fields["correction"]).encode(), Correction | None)
        item_fields = fields["item"]
        if type(item_fields) is not dict:
            raise records.RecordError("item")
        source = {"@": "Source", "path": f"{village_dir}/{path}", "text": "", "node": None, "line_offset": 0}
        item = records.loads(json.dumps({**item_fields, "source": source}).encode(), Disclosure)
    except records.RecordError:
        return None, chain, "的内容类型不对"
    if fields["chain"] != _link(chain, fields):
        return None, chain, "的校验值不符：这一行或它前面的某一行被改动或删除了"
    if not _safe(path) or item.village != slug or item.version != vid or len(published) != 10:
        return None, chain, "的版本号与内容不符"
    return Entry(path, vid, published, correction, item, number), fields["chain"], ""


def _safe(path: str) -> bool:
    parts = path.split("/")
    return all(part and not part.startswith(".") for part in parts) and "\0" not in path and "\\" not in path


def line_of(entry: Entry, previous_chain: str) -> tuple[str, str]:
    """The store line of a new entry chained after `previous_chain`, and its own chain value."""
    item = _plain(entry.item, lambda name: name in ("source", "unreadable"))
    fields = {"path": entry.path, "id": entry.id, "published": entry.published,
              "correction": records.plain(entry.correction), "item": item}
    fields["chain"] = _link(previous_chain, fields)
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")), fields["chain"]


def last_chain(data: bytes, slug: str) -> str:
    """The chain value of the store's last line (the seed for an empty store)."""
    chain = _seed(slug)
    for line in data.decode("utf-8", "replace").split("\n"):
        if line.strip():
            try:
                chain = json.loads(line)["chain"]
            except (ValueError, KeyError, TypeError):
                pass
    return chain


def appended(data: bytes, lines: tuple[str, ...]) -> bytes:
    """The store after adding `lines`: every old byte kept, a missing final newline added."""
    if not lines:
        return data
    head = data if not data or data.endswith(b"\n") else data + b"\n"
    return head + "".join(line + "\n" for line in lines).encode("utf-8")


def write(content: Path, slug: str, lines: tuple[str, ...]) -> list[Problem]:
    """Append a village's new versions atomically. The site is built by then, so a store that
    cannot be written is a warning, and the next build adds them again."""
    if not lines:
        return []
    target = store_path(content, slug)
    try:
        target.parent.mkdir(exist_ok=True)
        atomic.write_bytes(target, appended(raw(content, slug), lines))
    except OSError:
        return [warning(target.as_posix(), 1, 1, "version-store", "无法写入版本记录，新版本未记录；下次生成时会再记录")]
    return []


def store_files(content: Path) -> frozenset[str]:
    """The store's files as the snapshot names them (left out of it: the build writes them)."""
    try:
        return frozenset((content / STORE / p.name).as_posix() for p in (content / STORE).iterdir())
    except OSError:
        return frozenset()

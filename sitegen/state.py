"""What the last successful build into an output folder was made from, and what it wrote.

A no-op rebuild must render nothing and rewrite nothing (deploys upload by mtime). So every
input — content files, theme files, tool versions, options — is fingerprinted; when the
fingerprint equals the last build's and the output is as that build left it, the build stops
there. Files are hashed by content, with a stat cache so unchanged files are not re-read (as
git's index does); a fresh clone in CI re-hashes but still finds its content unchanged.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from . import atomic, records
from .problems import Problem, Severity

STATE_VERSION = 6
_ROWS = dict[str, tuple[int, int, str]]  # path → (size, mtime_ns, sha256)
_COLUMNS = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], str]  # `_ROWS` as paths, sizes, mtimes, digests run together
_MTIMES = tuple[tuple[str, ...], tuple[int, ...]]  # folder → mtime_ns as folders, mtimes
_WARNINGS = tuple[tuple[str, int, int, Severity, str, str], ...]  # a Problem's fields in order
_TOOLS = ("sitegen", "jinja2", "markdown", "pyyaml", "zxing-cpp", "weasyprint", "fonttools")


@dataclass(frozen=True)
class Snapshot:
    """The fingerprint of every input, and the stat cache that made it cheap."""

    digest: str
    stats: dict[str, list] = field(compare=False)  # path → [size, mtime_ns, sha256]
    header: str = ""  # tool versions and options, which every output depends on

    def village_keys(self, content: Path, slugs: list[str], skip: str) -> tuple[str, dict[str, str]]:
        """The fingerprint of everything outside the village folders but the folder `skip`, and
        from it a key per village."""
        prefix = content.as_posix().rstrip("/") + "/"
        skip = skip.rstrip("/") + "/"
        own: dict[str, list[str]] = {slug: [] for slug in slugs}
        common = hashlib.sha256(self.header.encode())
        for path in sorted(self.stats):
            if path.startswith(skip):
                continue
            line = f"{path}\0{self.stats[path][2]}\n"
            slug = path[len(prefix) :].split("/", 1)[0] if path.startswith(prefix) else None
            if slug in own and path.startswith(f"{prefix}{slug}/"):
                own[slug].append(line)
            else:
                common.update(_utf8(line))
        base = common.hexdigest()
        return base, {slug: hashlib.sha256(_utf8(base + "".join(lines))).hexdigest() for slug, lines in own.items()}

    def digests_under(self, folder: str) -> dict[str, str]:
        """sha256 of each file under `folder`, by its path relative to it."""
        prefix = folder.rstrip("/") + "/"
        return {path[len(prefix) :]: info[2] for path, info in self.stats.items() if path.startswith(prefix)}


def snapshot(
    roots: list[Path], options: dict, previous: dict[str, list] | None = None, skip: frozenset[str] = frozenset()
) -> Snapshot:
    """Fingerprint the files under `roots` (hidden names and `skip` paths left out), tool
    versions and `options`."""
    previous = previous or {}
    stats: dict[str, list] = {}
    header = json.dumps([STATE_VERSION, _versions(), options], sort_keys=True)
    hasher = hashlib.sha256(header.encode())
    for root in roots:
        for key in sorted(_files(root)):  # plain strings: pathlib costs more than the stat here
            if key in skip:
                continue
            stats[key] = row(key, previous.get(key))
            hasher.update(_utf8(f"{key}\0{stats[key][2]}\n"))
    return Snapshot(hasher.hexdigest(), stats, header)


def row(path: str, known: list | tuple | None) -> list:
    """[size, mtime_ns, sha256] of a file, read and hashed again only when its size or mtime is
    not as `known` (as git's index does)."""
    info = os.stat(path)
    if known and known[0] == info.st_size and known[1] == info.st_mtime_ns:
        return [info.st_size, info.st_mtime_ns, known[2]]
    with open(path, "rb") as handle:
        return [info.st_size, info.st_mtime_ns, hashlib.sha256(handle.read()).hexdigest()]


def rows(paths, known: dict) -> dict[str, list]:
    """`row` of each of `paths` that can be read (one gone or unreadable is left out, which
    changes `rows_digest`)."""
    found: dict[str, list] = {}
    for path in sorted(paths):
        try:
            found[path] = row(path, known.get(path))
        except OSError:
            continue
    return found


def rows_digest(found: dict[str, list]) -> str:
    return hashlib.sha256(_utf8("".join(f"{path}\0{found[path][2]}\n" for path in sorted(found)))).hexdigest()


def _utf8(text: str) -> bytes:
    """A path with undecodable bytes (a surrogate escape from os.walk) is fingerprinted too; the
    loader reports it as a `slug` error, so it must not crash the build first."""
    return text.encode("utf-8", "surrogateescape")


def _files(root: Path):
    """Every file under `root` as a POSIX path string, hidden names and caches skipped."""
    for folder, dirs, names in os.walk(root.as_posix()):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        for name in names:
            if not name.startswith("."):
                yield f"{folder}/{name}"


def _versions() -> list[str]:
    versions = [sys.version]
    for name in _TOOLS:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return versions


@dataclass(frozen=True)
class Spare:
    """The site before the current one, kept beside the output as the next build's staging tree
    (`staging.py`): which folder it is, its folders' mtimes as its build left them (an entry added,
    removed or renamed changes its folder's mtime), and its files as a difference from the
    current output's, since most are the same."""

    device: int
    inode: int
    folders: dict[str, int]  # folder ("" or "a/b/") → mtime_ns
    removed: tuple[str, ...] = ()  # its files that the current output does not have
    added: tuple[str, ...] = ()  # the current output's files that it does not have

    def files(self, current: dict) -> set[str]:
        """Its files, given the current output's (`BuildState.outputs`)."""
        return (set(current) - set(self.added)) | set(self.removed)


@dataclass(frozen=True)
class BuildState:
    """Recorded after a successful build: inputs, the files written, and the warnings reported."""

    inputs: str
    outputs: dict[str, tuple[int, int, str]]  # path → (size, mtime_ns, sha256) as written
    warnings: tuple[Problem, ...] = ()
    stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    folders: dict[str, int] = field(default_factory=dict)  # folder → mtime_ns, after writing
    spare: Spare | None = None  # the site before this one, beside the output
    ledgers: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # the URL ledger and version store as it left them

    def checked(self, output: Path) -> dict[str, os.stat_result] | None:
        """Each output file's stat, when the output folder holds exactly what this state wrote:
        each file by size and mtime, and no file added or removed, which would have changed its
        folder's mtime (as git's untracked cache reasons); else None. Stats only what was written:
        a walk of a county's output costs 0.7 s. The writer links unchanged files by these stats,
        and records their size and mtime as found here, so a file changed after this check is
        found changed by the next build."""
        base = os.fspath(output)
        found: dict[str, os.stat_result] = {}
        try:
            for folder, mtime in self.folders.items():
                if os.stat(f"{base}/{folder}").st_mtime_ns != mtime:
                    return None
            for relative, (size, mtime, _) in self.outputs.items():
                info = os.stat(f"{base}/{relative}")
                if info.st_size != size or info.st_mtime_ns != mtime:
                    return None
                found[relative] = info
        except OSError:
            return None
        return found if self.folders else None


def state_file(cache: Path, output: Path) -> Path:
    """One state per output folder, in the cache (deleting the cache only costs a full build)."""
    key = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:16]
    return cache / "builds" / f"{key}.json"


def load_state(cache: Path, output: Path) -> BuildState | None:
    """JSON checked field by field: the cache may come from shared CI storage, so it is data, never code."""
    kind = tuple[int, BuildState, _COLUMNS, _COLUMNS, _ROWS, _MTIMES, _MTIMES | None, _WARNINGS]
    try:
        version, head, outputs, stats, ledgers, folders, spare, warnings = records.read(state_file(cache, output), kind)
        if version != STATE_VERSION or (spare is None) != (head.spare is None):
            return None
        spare = dataclasses.replace(head.spare, folders=_mtimes(spare)) if head.spare else None
        state = dataclasses.replace(
            head, outputs=_rows(outputs), stats=_rows(stats), ledgers=ledgers, folders=_mtimes(folders), spare=spare,
            warnings=tuple(Problem(*fields) for fields in warnings),
        )
    except (OSError, records.RecordError):
        return None  # a missing or damaged state costs a full build, never a wrong one
    return state if _sane(state) else None


def _columns(rows: dict) -> list:
    """A table of 70,000 rows as four columns: decoded and checked a column at a time, in C."""
    values = rows.values()
    return [list(rows), [row[0] for row in values], [row[1] for row in values], "".join(row[2] for row in values)]


def _rows(columns: tuple) -> dict[str, tuple[int, int, str]]:
    paths, sizes, mtimes, digests = columns
    count = len(paths)
    if len(sizes) != count or len(mtimes) != count or len(digests) != 64 * count or not _hex(digests):
        raise records.RecordError("build state: columns of different lengths, or a digest that is not a sha256")
    if count and min(min(sizes), min(mtimes)) < 0:
        raise records.RecordError("build state: a negative size or time")
    return dict(zip(paths, zip(sizes, mtimes, [digests[at : at + 64] for at in range(0, 64 * count, 64)])))


def _hex(text: str) -> bool:
    """Lowercase hex digits only (what `hexdigest` writes), checked in C."""
    try:
        return bytes.fromhex(text).hex() == text
    except ValueError:
        return False


def _mtimes(columns: tuple) -> dict[str, int]:
    folders, mtimes = columns
    if len(folders) != len(mtimes):
        raise records.RecordError("build state: folders and mtimes of different lengths")
    return dict(zip(folders, mtimes))


def _sane(state: BuildState) -> bool:
    """Sizes and times that a file can have: a crafted state must not make a page look unchanged."""
    if not all(size >= 0 and mtime >= 0 and len(digest) == 64 for size, mtime, digest in state.ledgers.values()):
        return False  # the files' and inputs' rows were checked as columns (`_rows`)
    spare = state.spare  # its paths are unlinked and removed: each must stay inside the spare
    return spare is None or _relative([*spare.removed, *spare.added, *(f.removesuffix("/") for f in spare.folders if f)])


def _relative(paths: list[str]) -> bool:
    """Each path is below a folder: no root, no `.` or `..`, no empty part, no NUL (tested on
    all of them joined, in C: a county's spare has 49,000 folders)."""
    joined = "/" + "/".join(paths) + "/"
    return not paths or not ("\0" in joined or "//" in joined or "/./" in joined or "/../" in joined)


def save_state(cache: Path, output: Path, state: BuildState) -> None:
    """Write atomically: two builds at once may both save; either complete state is valid.
    The files, folders and warnings (a county has 70,000, 49,000 and 15,000) go as plain columns
    and rows, which the JSON encoder writes in C and the reader checks a column at a time."""
    path = state_file(cache, output)
    spare = dataclasses.replace(state.spare, folders={}) if state.spare else None
    head = records.plain(dataclasses.replace(state, outputs={}, stats={}, ledgers={}, warnings=(), folders={}, spare=spare))
    warnings = [[p.path, p.line, p.col, p.severity.value, p.code, p.message] for p in state.warnings]
    folders = [list(state.folders), list(state.folders.values())]
    spare_folders = [list(state.spare.folders), list(state.spare.folders.values())] if state.spare else None
    body = [STATE_VERSION, head, _columns(state.outputs), _columns(state.stats), state.ledgers, folders, spare_folders, warnings]
    try:
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        atomic.write_bytes(path, data.encode("utf-8"))
    except (OSError, ValueError):  # ValueError: a path that is not UTF-8 (the loader refuses its village)
        pass  # a read-only or full cache costs speed next time, never the build

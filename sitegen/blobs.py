"""Rendered files by content hash, in the build cache (`.sitegen-cache/files/ab/abcdef…`).

Workers put each page or PDF here and hand back only its hash; the build then hard-links the
blobs into the output folder. So a village that did not change is never rendered again, even
into a fresh output folder (a new CI checkout, a second preview folder): its files are linked.

The cache is untrusted (CI restores it from shared storage), and an output file shares its inode
with its blob: so a blob is served only after its bytes were hashed and found to be what its name
says. One that fails (tampered, truncated, edited in place through the output) counts as missing
and its page is rendered again, never served.

A file is hashed once per change: each process remembers the identities (device, inode, size,
mtime, ctime) of the files it hashed or wrote, and a forked worker hands the ones it added to its
parent with each result (`handed`, `trust`), so the parent does not hash again the blobs its own
workers of this build just put. An identity only ever comes from a process of this machine that
hashed the file, never from a file (the cache) nor from another machine (a Dask worker).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import atomic

_SHA256 = re.compile(r"[0-9a-f]{64}")
_SHA256S = re.compile(r"(?:[0-9a-f]{64})*")
NO_LINKS = frozenset({errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP})  # then a copy will do
Identity = tuple[int, int, int, int, int]  # (dev, ino, size, mtime, ctime) of a file
_VERIFIED: set[Identity] = set()  # of the files this process (or a forked worker of it) hashed or wrote
_HANDED: list[Identity] | None = None  # in a forked worker: those added since its last result


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int
    mtime_ns: int

    def __post_init__(self) -> None:
        if not _SHA256.fullmatch(self.sha256) or self.size < 0:  # a name from a record becomes a path
            raise ValueError(f"not a blob: {self.sha256!r}")

    @classmethod
    def many(cls, digests: str, sizes: tuple[int, ...], mtimes: tuple[int, ...]) -> list[Blob]:
        """Blobs from columns (`digests`: every sha256 run together), checked as `__post_init__`
        checks each, but in one pass per column: a village record holds 240 (ValueError if not)."""
        count = len(sizes)
        if len(digests) != 64 * count or len(mtimes) != count or not _SHA256S.fullmatch(digests) or (count and min(sizes) < 0):
            raise ValueError("not blobs")
        new = object.__new__
        made = []
        for at, size, mtime in zip(range(0, 64 * count, 64), sizes, mtimes):
            blob = new(cls)  # the fields set as the generated `__init__` sets them, already checked
            blob.__dict__.update(sha256=digests[at : at + 64], size=size, mtime_ns=mtime)
            made.append(blob)
        return made


class Blobs:
    def __init__(self, cache: Path) -> None:
        self.root = Path(cache) / "files"
        self._root = os.fspath(self.root)

    def path(self, sha256: str) -> Path:
        return Path(self.file(sha256))

    def file(self, sha256: str) -> str:
        """The blob's path as text: the writer asks for 47,000 of them (pathlib's joins cost more than the links)."""
        return f"{self._root}/{sha256[:2]}/{sha256}"

    def put(self, data: bytes) -> Blob:
        """Store `data`, always anew (a blob already there may have been edited through a link),
        and atomically (two builds may put the same blob at once)."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.path(sha256)
        written = atomic.write_bytes(path, data)
        info = path.stat()
        if written is not None and (info.st_dev, info.st_ino, info.st_mtime_ns) == (written.st_dev, written.st_ino, written.st_mtime_ns):
            _verified(info)  # the very file written, not swapped or written since (its parent may trust it)
        return Blob(sha256, info.st_size, info.st_mtime_ns)

    def intact(self, blob: Blob) -> bool:
        """The blob is in the cache and its bytes hash to its name (a file is hashed again only after it changed)."""
        return self._check(blob) is not None

    def verified(self, blob: Blob) -> os.stat_result | None:
        """The blob file's stat when it is intact (a file already linked to it is that inode)."""
        return self._check(blob)

    def _check(self, blob: Blob) -> os.stat_result | None:
        try:
            with open(self.file(blob.sha256), "rb") as handle:
                info = os.fstat(handle.fileno())
                if info.st_size != blob.size:
                    return None
                if _identity(info) in _VERIFIED:
                    return info
                if hashlib.file_digest(handle, "sha256").hexdigest() != blob.sha256:
                    return None
        except OSError:
            return None
        _verified(info)
        return info

    def link(self, blob: Blob, target: str | Path) -> os.stat_result:
        """Make `target` hold the blob's verified bytes: a hard link, or a copy across file systems;
        returns the stat of `target`. A blob that fails the check, or is swapped while being
        linked, raises `Tampered`."""
        checked = self._check(blob)
        if checked is None:
            raise Tampered(blob.sha256)
        source = self.file(blob.sha256)
        try:
            os.link(source, target)
        except OSError as exc:
            if exc.errno not in NO_LINKS:
                raise  # a full disk is not a reason to copy
            shutil.copyfile(source, target)
            with open(target, "rb") as handle:
                if hashlib.file_digest(handle, "sha256").hexdigest() != blob.sha256:
                    raise Tampered(blob.sha256) from None
            return os.stat(target)
        linked = os.stat(target)
        if (linked.st_dev, linked.st_ino, linked.st_size, linked.st_mtime_ns) != _identity(checked)[:4]:
            raise Tampered(blob.sha256)
        return linked


def _verified(info: os.stat_result) -> None:
    identity = _identity(info)
    _VERIFIED.add(identity)
    if _HANDED is not None:
        _HANDED.append(identity)


def start_handing() -> None:
    """In a forked worker process: remember each identity verified from now on, for `handed`."""
    global _HANDED
    _HANDED = []


def handed() -> tuple[Identity, ...]:
    """The identities this worker verified since its last call (none outside a worker)."""
    if _HANDED is None:
        return ()
    taken = tuple(_HANDED)
    _HANDED.clear()
    return taken


def trust(identities: tuple[Identity, ...]) -> None:
    """Identities a forked worker of this process handed back through its pipe: it hashed or wrote
    each file on this machine. Never call this with identities read from a file or from another
    machine (a Dask worker's device and inode numbers name another file system's files)."""
    _VERIFIED.update(identities)


class Tampered(Exception):
    """A blob changed after it was checked: the build renders without the cache."""


def _identity(info: os.stat_result) -> Identity:
    """Any write to the file changes its ctime, which no one can set back."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)

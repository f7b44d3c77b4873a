"""Rendered files by content hash, in the build cache (`.sitegen-cache/files/ab/abcdef…`).

Workers put each page or PDF here and hand back only its hash; the build then hard-links the
blobs into the output folder. So a village that did not change is never rendered again, even
into a fresh output folder (a new CI checkout, a second preview folder): its files are linked.

An output file and its blob share an inode. Blobs are recorded with their size and mtime, and
one that no longer matches (an output file edited in place) is treated as missing, never served.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import atomic


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int
    mtime_ns: int


class Blobs:
    def __init__(self, cache: Path) -> None:
        self.root = Path(cache) / "files"

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> Blob:
        """Store `data`, always anew (a blob already there may have been edited through a link),
        and atomically (two builds may put the same blob at once)."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.path(sha256)
        atomic.write_bytes(path, data)
        info = path.stat()
        return Blob(sha256, info.st_size, info.st_mtime_ns)

    def intact(self, blob: Blob) -> bool:
        try:
            info = self.path(blob.sha256).stat()
        except OSError:
            return False
        return info.st_size == blob.size and info.st_mtime_ns == blob.mtime_ns

    def link(self, blob: Blob, target: Path) -> None:
        """Make `target` hold the blob's bytes: a hard link, or a copy across file systems."""
        source = self.path(blob.sha256)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)

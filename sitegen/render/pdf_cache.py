"""The PDF cache: keys from everything that can change a PDF's bytes, and the entries themselves,
so an unchanged poster is never rendered twice, even after the build state is lost."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .. import atomic
from .poster_plan import Batch, PdfFile


def file_key(engine: str, batch: Batch, pdf: PdfFile) -> str:
    hasher = hashlib.sha256(engine.encode("ascii"))
    for index in pdf.parts:
        doc = batch.docs[index]
        for text in (doc.base_url, doc.html):
            hasher.update(len(text.encode("utf-8")).to_bytes(8, "big") + text.encode("utf-8"))
    hasher.update(pdf.title.encode("utf-8"))
    return hasher.hexdigest()


def input_key(engine: str, batch: Batch, pdf: PdfFile) -> str:
    """The file's key from its documents' input keys, without their HTML ("" when one is unknown)."""
    keys = [batch.docs[index].key for index in pdf.parts]
    if not all(keys):
        return ""
    return hashlib.sha256("\0".join([engine, *keys, pdf.title]).encode("utf-8")).hexdigest()


def content_identifier(batch: Batch, pdf: PdfFile) -> bytes:
    """The PDF's permanent /ID: from its content only, so a re-render of the same notice keeps it."""
    hasher = hashlib.sha256(pdf.title.encode("utf-8"))
    for index in pdf.parts:
        hasher.update(batch.docs[index].base_url.encode("utf-8") + b"\0" + batch.docs[index].html.encode("utf-8"))
    return hasher.digest()[:16]


class Cache:
    """PDFs by key in a folder that is safe to delete (`.sitegen-cache/posters/ab/abcdef….pdf`).

    The cache is untrusted input (CI restores it from shared storage): each entry starts with the
    sha256 of its PDF, checked on every read, so a damaged or tampered entry is rendered again,
    never printed. (Forging a consistent entry needs write access to the cache and is documented.)
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root) / "posters"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pdf"

    def get(self, key: str) -> bytes | None:
        try:
            entry = self._path(key).read_bytes()
        except OSError:
            return None
        digest, data = entry[:64], entry[65:]
        if entry[64:65] != b"\n" or hashlib.sha256(data).hexdigest().encode() != digest:
            return None
        return data

    def put(self, key: str, data: bytes) -> None:
        """Write atomically, so a build stopped half-way never leaves a truncated PDF behind."""
        try:
            atomic.write_bytes(self._path(key), hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
        except OSError:  # a read-only or full disk costs speed next time, never the build
            pass

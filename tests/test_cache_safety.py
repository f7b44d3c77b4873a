"""The build cache is untrusted input (CI restores it from shared storage): whatever is in it, the
output is the clean build's, and nothing in it ever runs."""

from __future__ import annotations

import errno
import functools
import itertools
import json
import os
import pickle
import shutil
from pathlib import Path

from conftest import EXAMPLE, write_tree
from sample import files
from test_incremental import THEME
from test_site import tree_digest

import sitegen.atomic
import sitegen.blobs
import sitegen.build

build = functools.partial(sitegen.build.build, posters=False, record_urls=False, jobs=1)


class Canary:
    """Unpickling this creates a file: proof that the cache ran code."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.write_text, (self.path, "ran"))


def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    content = write_tree(tmp_path / "content", files())
    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme, ignore=shutil.ignore_patterns("*.ttf"))
    return content, theme, tmp_path / "cache"


def hostile_payloads(tmp_path: Path, valid: bytes):
    """Crafted, damaged and foreign entries; those made from a valid record come last."""
    yield "pickle", pickle.dumps(Canary(tmp_path / "canary"))
    yield "absurd pickle", b"\x80\x04\x8d" + (2**62).to_bytes(8, "little") + b"x"  # BINUNICODE8 of 4 EiB
    yield "garbage", os.urandom(4096)
    yield "deep", b"[" * 200_000
    yield "huge number", b"[" + b"9" * 100_000 + b"]"
    record = json.loads(valid)
    escaping = json.loads(valid)
    files = escaping[2]["files"]  # columns: paths, the digests run together, sizes, mtimes
    files["paths"].append("../../escaped.html")
    files["digests"] += files["digests"][:64]
    files["sizes"].append(files["sizes"][0])
    files["mtimes"].append(files["mtimes"][0])
    wrong_types = json.loads(valid)
    wrong_types[2]["files"]["sizes"] = [str(size) for size in wrong_types[2]["files"]["sizes"]]
    digest = record[2]["files"]["digests"][:64]
    foreign = [record[0], record[1], {**record[2], "@": "Popen"}]
    yield "truncated", valid[: len(valid) // 2]
    yield "escaping path", json.dumps(escaping).encode()
    yield "wrong types", json.dumps(wrong_types).encode()
    yield "foreign class", json.dumps(foreign).encode()
    yield "not a sha256", valid.replace(digest.encode(), b"../../../../etc/passwd")
    yield "not a sha256, same length", valid.replace(digest.encode(), b"../" * 21 + b"x")


def test_nothing_in_any_cache_entry_runs_or_reaches_the_output(tmp_path):
    content, theme, cache = setup(tmp_path)
    assert build(content, tmp_path / "clean", theme, cache_dir=tmp_path / "clean-cache").ok
    expected = tree_digest(tmp_path / "clean")
    out = tmp_path / "out"
    assert build(content, out, theme, cache_dir=cache).ok
    entries = sorted((cache / "villages").iterdir()) + sorted((cache / "memos").iterdir()) + sorted((cache / "builds").iterdir())
    assert len(entries) == 3
    village_record = entries[0].read_bytes()
    for name, payload in hostile_payloads(tmp_path, village_record):
        for entry in entries:
            entry.write_bytes(payload)
        shutil.rmtree(out)
        result = build(content, out, theme, cache_dir=cache)
        assert result.ok, (name, result.problems)
        assert tree_digest(out) == expected, name
        assert not (tmp_path / "canary").exists(), f"{name}: the cache ran code"
        assert not list(tmp_path.rglob("escaped.html")), name


def test_a_same_size_tampered_blob_is_rendered_again_not_served(tmp_path):
    content, theme, cache = setup(tmp_path)
    assert build(content, tmp_path / "out", theme, cache_dir=cache).ok
    expected = tree_digest(tmp_path / "out")
    digest = expected["dongtan/finance/2026-10/index.html"]
    blob = cache / "files" / digest[:2] / digest
    info = blob.stat()
    data = blob.read_bytes()
    blob.unlink()  # a restored cache: its own inode, tampered, with the size and mtime recorded
    blob.write_bytes(data.replace("本月收入".encode(), "本月支出".encode(), 1))
    os.utime(blob, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert blob.stat().st_size == info.st_size and blob.read_bytes() != data
    fresh = tmp_path / "fresh"
    assert build(content, fresh, theme, cache_dir=cache).ok
    assert tree_digest(fresh) == expected


def test_a_blob_a_worker_put_and_then_tampered_before_publish_is_not_served(tmp_path, monkeypatch):
    """Forked workers hand their parent the identities of the blobs they put, so it does not hash
    them again; one changed since (same size, mtime set back) has a new ctime and is hashed: refused."""
    assert build(EXAMPLE, tmp_path / "clean", cache_dir=tmp_path / "clean-cache").ok
    expected = tree_digest(tmp_path / "clean")
    publish, tampered = sitegen.build.publish, []

    def tampering(output, files, blobs, *rest):
        if not tampered:
            page = next(p for p, blob in sorted(files.items()) if isinstance(blob, sitegen.blobs.Blob) and p.endswith("/index.html"))
            path = blobs.path(files[page].sha256)
            info = path.stat()
            assert sitegen.blobs._identity(info) in sitegen.blobs._VERIFIED  # handed back by the worker that put it
            with open(path, "r+b") as handle:  # in place: the same inode and size, other bytes
                data = handle.read()
                handle.seek(0)
                handle.write(data.replace(b"<", b"[", 1))
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
            assert path.stat().st_mtime_ns == info.st_mtime_ns and path.read_bytes() != data
            tampered.append(page)
        return publish(output, files, blobs, *rest)

    monkeypatch.setattr(sitegen.build, "publish", tampering)
    out = tmp_path / "out"
    result = sitegen.build.build(EXAMPLE, out, posters=False, record_urls=False, cache_dir=tmp_path / "cache", jobs=2)
    assert result.ok, result.problems
    assert tampered and tree_digest(out) == expected


def test_a_blob_swapped_while_it_is_put_is_not_taken_as_verified(tmp_path, monkeypatch):
    """Another process renames its own file over a blob between its write and its stat: that
    file's identity is not remembered (nor handed to the parent), so its bytes are hashed."""
    real = sitegen.atomic.write_bytes

    def swapped(path, data):
        written = real(path, data)
        planted = path.with_name("planted")
        planted.write_bytes(data.replace(b"A", b"B"))
        os.replace(planted, path)
        return written

    monkeypatch.setattr(sitegen.atomic, "write_bytes", swapped)
    blobs = sitegen.blobs.Blobs(tmp_path)
    blob = blobs.put(b"A village page" * 100)
    assert sitegen.blobs._identity(blobs.path(blob.sha256).stat()) not in sitegen.blobs._VERIFIED
    assert not blobs.intact(blob)


def test_where_links_fail_blobs_are_copied_and_checked(tmp_path, monkeypatch):
    """A cache on another file system (EXDEV): each blob is copied into the output, and the copy hashed."""
    content, theme, cache = setup(tmp_path)
    assert build(content, tmp_path / "clean", theme, cache_dir=cache).ok

    def no_links(source, target, **options):
        raise OSError(errno.EXDEV, "Invalid cross-device link", str(target))

    monkeypatch.setattr(os, "link", no_links)
    assert build(content, tmp_path / "copied", theme, cache_dir=cache).ok
    assert tree_digest(tmp_path / "copied") == tree_digest(tmp_path / "clean")
    page = tmp_path / "copied" / "dongtan/finance/2026-10/index.html"
    assert page.stat().st_nlink == 1


def test_a_cache_that_cannot_be_written_costs_speed_not_the_build(tmp_path, monkeypatch):
    content, theme, cache = setup(tmp_path)
    assert build(content, tmp_path / "clean", theme, cache_dir=tmp_path / "clean-cache").ok

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(sitegen.atomic, "write_bytes", full)
    result = build(content, tmp_path / "out", theme, cache_dir=cache)
    assert result.ok, result.problems
    assert tree_digest(tmp_path / "out") == tree_digest(tmp_path / "clean")


def test_a_tampered_poster_in_the_pdf_cache_is_rendered_again_not_printed(tmp_path):
    content = write_tree(tmp_path / "content", files())
    cache = tmp_path / "cache"
    with_posters = functools.partial(sitegen.build.build, posters=True, record_urls=False, jobs=1, cache_dir=cache)
    assert with_posters(content, tmp_path / "out").ok
    expected = tree_digest(tmp_path / "out")
    entries = sorted((cache / "posters").rglob("*.pdf"))
    assert entries
    for entry in entries:  # same size, one byte of the PDF changed: what a poisoned CI cache holds
        data = bytearray(entry.read_bytes())
        data[-40] ^= 0x01
        entry.write_bytes(bytes(data))
    for folder in ("villages", "builds", "files"):  # nothing but the PDF cache to build from
        shutil.rmtree(cache / folder, ignore_errors=True)
    fresh = tmp_path / "fresh"
    assert with_posters(content, fresh).ok
    assert tree_digest(fresh) == expected


def test_a_damaged_page_memo_costs_a_render_never_a_wrong_page(tmp_path):
    """The memos are read only for a village built again (an edit in it): whatever they hold,
    the edited site is the clean build's and nothing in them runs."""
    content, theme, cache = setup(tmp_path)
    out = tmp_path / "out"
    finance = content / "dongtan/finance/2026-10.yaml"
    original = finance.read_text("utf-8")
    generic = [(name, payload) for name, payload in itertools.islice(hostile_payloads(tmp_path, b"[]"), 5)]
    for number, name in enumerate([*(name for name, _ in generic), "truncated", "foreign class", "wrong types"]):
        finance.write_text(original, "utf-8")
        assert build(content, out, theme, cache_dir=cache).ok, name
        (memo,) = (cache / "memos").iterdir()
        valid = memo.read_bytes()
        version, key, pages, posters = json.loads(valid)
        assert pages, "the village's page memos"
        crafted = {
            "truncated": valid[: len(valid) // 2],
            "foreign class": json.dumps([version, key, {p: {**m, "@": "Popen"} for p, m in pages.items()}, posters]).encode(),
            "wrong types": json.dumps([version, key, {p: {**m, "key": 7} for p, m in pages.items()}, posters]).encode(),
        }
        memo.write_bytes(crafted.get(name) or dict(generic)[name])
        finance.write_text(original.replace("本月收入为土地发包费。", f"本月收入为土地发包费（{number}）。"), "utf-8")
        assert build(content, out, theme, cache_dir=cache).ok, name
        clean = tmp_path / f"clean-{number}"
        assert build(content, clean, theme, cache_dir=tmp_path / f"clean-cache-{number}").ok
        assert tree_digest(out) == tree_digest(clean), name
        assert not (tmp_path / "canary").exists(), f"{name}: the cache ran code"

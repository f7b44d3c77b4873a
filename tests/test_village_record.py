"""A village record's columns (files, status cells, sitemap) come back exactly as saved, and a
damaged or crafted record is refused as a whole: wrong types, bad dates, columns of different
lengths, a digest that is not a sha256, a path leaving the output folder (the cache is untrusted)."""

from __future__ import annotations

import functools
import json
import shutil

import pytest

from conftest import write_tree
from sample import files
from test_incremental import THEME

import sitegen.build
from sitegen.blobs import Blob
from sitegen.village_record import inside, load_record

build = functools.partial(sitegen.build.build, posters=False, record_urls=False, jobs=1)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A built sample's village record: its path and JSON."""
    tmp = tmp_path_factory.mktemp("record")
    content = write_tree(tmp / "content", files())
    theme = tmp / "theme"
    shutil.copytree(THEME, theme, ignore=shutil.ignore_patterns("*.ttf"))
    assert build(content, tmp / "out", theme, cache_dir=tmp / "cache").ok
    (path,) = (tmp / "cache" / "villages").iterdir()
    return path, json.loads(path.read_bytes())


def test_a_record_reads_back_as_the_village_output(saved):
    path, data = saved
    key, output = load_record(path)
    assert key == data[1]
    files = data[2]["files"]
    assert list(output.files) == files["paths"] and all(type(blob) is Blob for blob in output.files.values())
    assert [blob.sha256 for blob in output.files.values()] == [files["digests"][at : at + 64] for at in range(0, len(files["digests"]), 64)]
    assert [blob.size for blob in output.files.values()] == files["sizes"]
    assert [cell.due.isoformat() for cell in output.clock.cells] == data[2]["cells"]["due"]
    assert [entry[0] for entry in output.sitemap] == data[2]["sitemap"]["paths"]
    assert output.clock.count("on-time") == sum(state == "on-time" for state in data[2]["cells"]["state"])


def _crafted(data):
    def edit(change):
        crafted = json.loads(json.dumps(data))
        change(crafted[2])
        return crafted

    files = data[2]["files"]
    yield "size as text", edit(lambda r: r["files"].update(sizes=[str(s) for s in r["files"]["sizes"]]))
    yield "negative size", edit(lambda r: r["files"]["sizes"].__setitem__(0, -1))
    yield "a size too few", edit(lambda r: r["files"]["sizes"].pop())
    yield "digest too short", edit(lambda r: r["files"].update(digests=r["files"]["digests"][:-1]))
    yield "digest not hex", edit(lambda r: r["files"].update(digests="../" * 21 + "x" + r["files"]["digests"][64:]))
    yield "digest upper case", edit(lambda r: r["files"].update(digests=r["files"]["digests"].upper()))
    yield "path twice", edit(lambda r: r["files"]["paths"].__setitem__(1, files["paths"][0]))
    for bad in ("../../escaped.html", "/etc/passwd", "a//b.html", "a/.hidden", "", "a/b/", "a\0b", ".x"):
        yield f"path {bad!r}", edit(lambda r, bad=bad: r["files"]["paths"].__setitem__(0, bad))
    yield "a file outside the columns", edit(lambda r: r["output"]["files"].update({"x.html": {"@": "Blob", "sha256": "0" * 64, "size": 1, "mtime_ns": 1}}))
    yield "bad due date", edit(lambda r: r["cells"]["due"].__setitem__(0, "2026-02-30"))
    yield "due date as a number", edit(lambda r: r["cells"]["due"].__setitem__(0, 20260201))
    yield "due date missing", edit(lambda r: r["cells"]["due"].__setitem__(0, None))
    yield "a state too many", edit(lambda r: r["cells"]["state"].append("on-time"))
    yield "reason as a number", edit(lambda r: r["cells"]["reason"].__setitem__(0, 5))
    yield "cells without a row", edit(lambda r: r["output"].update(clock=None))
    yield "noindex as a number", edit(lambda r: r["sitemap"]["noindex"].__setitem__(0, 0))
    yield "sitemap date in another form", edit(lambda r: r["sitemap"]["updated"].__setitem__(0, "20261105"))
    yield "a sitemap path too few", edit(lambda r: r["sitemap"]["paths"].pop())
    yield "unknown column", edit(lambda r: r["files"].update(inodes=[]))
    yield "foreign class", edit(lambda r: r.update({"@": "Popen"}))


def test_a_crafted_record_is_refused(saved, tmp_path):
    path, data = saved
    assert data[2]["cells"]["reason"][0] is None and data[2]["sitemap"]["updated"][0] is not None  # what the edits assume
    for name, crafted in _crafted(data):
        entry = tmp_path / "record.json"
        entry.write_text(json.dumps(crafted), "utf-8")
        assert load_record(entry) is None, name
    entry.write_text(json.dumps(data), "utf-8")
    assert load_record(entry) is not None


@pytest.mark.parametrize(
    "paths",
    [(), ("a.html",), ("a/b/index.html", "c.css"), ("",), ("a", ""), ("/a",), ("a/",), ("a//b",), ("a/.b",), (".a",),
     ("a\0b",), ("a", "\0"), ("a/..", "b"), ("a/../b",), ("..",), ("a.b/c", "x./y"), ("a/b", "/"), ("-", "a b/c")],
)
def test_the_joined_path_check_is_the_per_path_one(paths):
    def stays_inside(relative: str) -> bool:  # the rule for one path, part by part
        return all(part and not part.startswith(".") for part in relative.split("/")) and "\0" not in relative

    assert inside(paths) == all(map(stays_inside, paths))


def test_blobs_from_columns_are_checked_as_each_blob_is():
    digests = "ab" * 32 + "cd" * 32
    made = Blob.many(digests, (1, 2), (3, 4))
    assert made == [Blob("ab" * 32, 1, 3), Blob("cd" * 32, 2, 4)]
    for bad in [("ab" * 32 + "cd" * 31, (1, 2), (3, 4)), (digests, (1, -2), (3, 4)), (digests, (1,), (3, 4)), (digests, (1, 2), (3,)), ("AB" * 32 + "cd" * 32, (1, 2), (3, 4))]:
        with pytest.raises(ValueError):
            Blob.many(*bad)

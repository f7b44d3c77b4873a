"""The site before the current one is kept beside the output (`.NAME.spare`) and updated into the
next build's staging tree: both trees stay whole sites, a damaged or misrecorded spare is removed
and a fresh tree made, never served, and a build killed while updating it leaves the old site."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pytest
from conftest import write_tree
from sample import FINANCE, files
from test_output_safety import KILL_AT_STEP, beside, cli, spare_is
from test_site import tree_digest

import sitegen.build
from sitegen.state import state_file

build = functools.partial(sitegen.build.build, posters=False, record_urls=False, jobs=1)
EDITED = FINANCE.replace("本月收入为土地发包费。", "本月收入为土地发包费和鱼塘承包费。")
VERSIONS = {"a": files(), "b": files(finance=EDITED), "c": files(affairs=None)}  # c: a page and its folders gone


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, dict]:
    """Each version built once into a fresh folder: what the output must equal."""
    root = tmp_path_factory.mktemp("reference")
    found = {}
    for name, tree in VERSIONS.items():
        content = write_tree(root / name / "content", tree)
        assert build(content, root / name / "out", cache_dir=root / "cache").ok
        found[name] = tree_digest(root / name / "out")
    return found


def switch(content: Path, version: str) -> None:
    """Make `content` hold exactly the files of `version`."""
    for path in sorted(content.rglob("*"), reverse=True):
        if path.is_file() and path.relative_to(content).as_posix() not in VERSIONS[version]:
            path.unlink()
    write_tree(content, VERSIONS[version])


def spare_of(out: Path) -> Path:
    return out.with_name(f".{out.name}.spare")


def test_each_build_updates_the_site_before_last_and_keeps_the_last_as_spare(tmp_path, sites):
    content, out, cache = tmp_path / "content", tmp_path / "out", tmp_path / "cache"
    write_tree(content, VERSIONS["a"])
    order = ["a", "b", "c", "a", "b", "b", "c"]
    tops = []
    for index, version in enumerate(order):
        switch(content, version)
        before = {p: os.stat(out / p) for p in ("robots.txt", "dongtan/index.html")} if out.exists() else {}
        assert build(content, out, cache_dir=cache).ok, version
        assert tree_digest(out) == sites[version], f"build {index}: the output is not {version}"
        assert beside(out) == []
        if index > 0 and order[index - 1] != version:  # a no-op keeps everything as it was
            assert tree_digest(spare_of(out)) == sites[order[index - 1]], f"build {index}: the spare is not the site before"
        tops.append(os.stat(out).st_ino)
        unchanged = os.stat(out / "robots.txt")
        if "robots.txt" in before:  # deploys upload by mtime: an unchanged file keeps its inode and mtime
            assert (unchanged.st_ino, unchanged.st_mtime_ns) == (before["robots.txt"].st_ino, before["robots.txt"].st_mtime_ns)
    assert tops[2] == tops[0] and tops[3] == tops[1], "the two trees take turns"


def _damage_extra(spare: Path, outside: Path) -> None:
    (spare / "dongtan" / "planted.html").write_text("<p>planted</p>")


def _damage_replaced(spare: Path, outside: Path) -> None:
    (spare / "robots.txt").unlink()  # the same name, other bytes, another inode
    (spare / "robots.txt").write_text("User-agent: *\nDisallow: /\n")


def _damage_folder_link(spare: Path, outside: Path) -> None:
    write_tree(outside, {"index.html": "<p>elsewhere</p>", "finance/2026-10/index.html": "<p>forged</p>"})
    os.rename(spare / "dongtan", spare.parent / "moved-away")
    (spare / "dongtan").symlink_to(outside, target_is_directory=True)


def _damage_top_link(spare: Path, outside: Path) -> None:
    write_tree(outside, {"index.html": "<p>elsewhere</p>", "robots.txt": "forged"})
    os.rename(spare, spare.parent / "moved-away")
    spare.symlink_to(outside, target_is_directory=True)


def _damage_in_place(spare: Path, outside: Path) -> None:
    with open(spare / "robots.txt", "a") as handle:  # one inode with the output's: both change
        handle.write("Disallow: /\n")


@pytest.mark.parametrize("damage", [_damage_extra, _damage_replaced, _damage_folder_link, _damage_top_link, _damage_in_place], ids=lambda f: f.__name__[8:])
def test_a_damaged_spare_is_never_served(tmp_path, sites, damage):
    content, out, cache, outside = tmp_path / "content", tmp_path / "out", tmp_path / "cache", tmp_path / "outside"
    write_tree(content, VERSIONS["a"])
    for version in ("a", "b"):
        switch(content, version)
        assert build(content, out, cache_dir=cache).ok
    damage(spare_of(out), outside)
    planted = tree_digest(outside) if outside.exists() else {}
    switch(content, "c")
    assert build(content, out, cache_dir=cache).ok
    assert tree_digest(out) == sites["c"]
    assert beside(out) == [] and spare_is(out, sites["b"])
    assert (tree_digest(outside) if outside.exists() else {}) == planted, "nothing outside the spare is touched"
    switch(content, "a")  # and the build after it is whole too
    assert build(content, out, cache_dir=cache).ok and tree_digest(out) == sites["a"] and spare_is(out, sites["c"])


def test_a_spare_record_pointing_outside_is_refused(tmp_path, sites):
    content, out, cache = tmp_path / "content", tmp_path / "out", tmp_path / "cache"
    victim = write_tree(tmp_path / "victim", {"keep.txt": "precious"})
    write_tree(content, VERSIONS["a"])
    for version in ("a", "b"):
        switch(content, version)
        assert build(content, out, cache_dir=cache).ok
    path = state_file(cache, out)
    version, state, *rows = json.loads(path.read_bytes())
    assert state["spare"] is not None
    state["spare"]["removed"].append("../victim/keep.txt")
    spare_folders = rows[4]  # after outputs, stats, ledgers and the output's folders: folders, then mtimes
    spare_folders[0].append("../victim/")
    spare_folders[1].append(0)
    path.write_text(json.dumps([version, state, *rows]), "utf-8")
    switch(content, "c")
    assert build(content, out, cache_dir=cache).ok
    assert (victim / "keep.txt").read_text() == "precious"
    assert tree_digest(out) == sites["c"] and beside(out) == [] and spare_is(out, sites["b"])


def test_killed_while_updating_the_spare_leaves_the_old_or_the_new_site(tmp_path, sites):
    old, new = sites["a"], sites["c"]
    steps = 1 + len(new) - 1 + 3  # the folders, each file but the marker, the marker, the exchange, the spare kept
    for step in sorted({1, 2, steps // 2, steps - 2, steps - 1, steps}):
        content, out, cache = tmp_path / f"run-{step}" / "content", tmp_path / f"run-{step}" / "out", tmp_path / f"run-{step}" / "cache"
        write_tree(content, VERSIONS["a"])
        for version in ("c", "a"):  # the spare is now site c, the output site a
            switch(content, version)
            assert build(content, out, cache_dir=cache).ok
        assert tree_digest(spare_of(out)) == new  # the killed build updates it
        switch(content, "c")
        killed = cli(str(content), "-o", str(out), cwd=tmp_path, SITEGEN_CACHE=str(cache), **{KILL_AT_STEP: str(step)})
        killed.communicate()
        assert killed.returncode == 86, f"step {step}: the build was not stopped there"
        assert tree_digest(out) == (old if step < steps - 1 else new), f"step {step}"
        assert build(content, out, cache_dir=cache).ok
        assert tree_digest(out) == new and beside(out) == [], f"step {step}: leftovers not cleaned"
        assert spare_is(out, old, new), f"step {step}: the spare is not a whole site"


def test_the_recorded_folder_mtimes_are_the_output_s_so_the_next_build_finds_it_intact(tmp_path, sites):
    """Folders the spare update did not change keep their checked mtimes in the record, the
    others are read: every one is what the output holds, or a no-op would rebuild."""
    from sitegen.state import load_state

    content, out, cache = tmp_path / "content", tmp_path / "out", tmp_path / "cache"
    write_tree(content, VERSIONS["a"])
    for version in ("b", "c", "a", "a", "b", "c"):
        switch(content, version)
        assert build(content, out, cache_dir=cache).ok
        state = load_state(cache, out)
        folders = {""} | {f"{path.relative_to(out).as_posix()}/" for path in out.rglob("*") if path.is_dir()}
        assert state.folders == {folder: os.stat(out / folder).st_mtime_ns for folder in sorted(folders)}, version
        assert state.checked(out) is not None
        result = build(content, out, cache_dir=cache)
        assert result.ok and result.written == 0, "a no-op after it"


def test_an_output_file_edited_in_place_after_a_build_is_written_again(tmp_path, sites):
    """The writer links unchanged files by the stats the intact check took: a file edited in
    place through the output (the inode the spare and the blob share) is never kept."""
    content, out, cache = tmp_path / "content", tmp_path / "out", tmp_path / "cache"
    write_tree(content, VERSIONS["a"])
    for version in ("b", "a"):
        switch(content, version)
        assert build(content, out, cache_dir=cache).ok
    page = out / "robots.txt"  # the same in a and b
    original = page.read_bytes()
    edited = original.replace(b"Allow", b"Allxw")
    assert edited != original and len(edited) == len(original)
    page.write_bytes(edited)
    switch(content, "b")
    assert build(content, out, cache_dir=cache).ok
    assert tree_digest(out) == sites["b"]
    assert build(content, out, cache_dir=cache).written == 0

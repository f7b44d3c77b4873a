"""The output folder is never lost or half-written: killed, full disk, read-only, two builds at once."""

from __future__ import annotations

import errno
import fcntl
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, TODAY, write_tree
from sample import FINANCE, files
from test_site import tree_digest

import sitegen.build

MARKER = ".sitegen-output"
KILL_AT_STEP = "SITEGEN_TEST_KILL_AT_STEP"  # the writer's test hook: exit at write step N, unclean

build = functools.partial(sitegen.build.build, posters=False, record_urls=False, jobs=1)
EDITED = FINANCE.replace("本月收入为土地发包费。", "本月收入为土地发包费和鱼塘承包费。")


def cli(*args: str, cwd: Path, **env: str) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    # the suite's today, as the in-process builds it is compared with have it (conftest.TODAY)
    command = [sys.executable, "-m", "sitegen", "build", *args, "--no-posters", "--preview", "--jobs", "1", "--as-of", TODAY.isoformat()]
    return subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def beside(out: Path) -> list[str]:
    """What a build left next to the output folder: nothing but the output itself and the spare
    (the site before it, kept as the next build's staging tree, see `spare_is`)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}") and p.name != f".{out.name}.spare")


def spare_is(out: Path, *sites: dict) -> bool:
    """The spare, if there is one, is a whole earlier site, never a mix."""
    spare = out.with_name(f".{out.name}.spare")
    return not spare.exists() or tree_digest(spare) in sites


def test_a_folder_sitegen_did_not_make_is_refused_and_untouched(tmp_path):
    content = write_tree(tmp_path / "content", files())
    other = write_tree(tmp_path / "www", {"index.html": "<p>hand made</p>", "sitemap.xml": "<urlset/>", "photos/a.jpg": b"\xff\xd8"})
    before = tree_digest(other)
    result = build(content, other)
    assert not result.ok and [(p.path, p.code) for p in result.problems] == [(other.as_posix(), "output")]
    assert MARKER in result.problems[0].message and "删除" in result.problems[0].message
    assert tree_digest(other) == before and beside(other) == []
    assert build(content, tmp_path / "empty").ok  # an empty or missing folder is fine, and gets the marker
    assert (tmp_path / "empty" / MARKER).is_file()


def test_killed_at_any_write_step_leaves_the_old_or_the_new_site(tmp_path):
    old_content = write_tree(tmp_path / "old", files())
    new_content = write_tree(tmp_path / "new", files(finance=EDITED))
    cache = tmp_path / "cache"
    assert build(old_content, tmp_path / "old-site", cache_dir=cache).ok
    assert build(new_content, tmp_path / "new-site", cache_dir=cache).ok
    old, new = tree_digest(tmp_path / "old-site"), tree_digest(tmp_path / "new-site")
    assert old != new
    steps = 1 + len(new) - 1 + 3  # the folders, each file but the marker, the marker, the exchange, the old tree's removal
    sample = sorted({1, 2, steps // 2, *range(steps - 4, steps + 1)})
    for step in sample:
        out = tmp_path / f"run-{step}" / "out"
        assert build(old_content, out, cache_dir=cache).ok
        killed = cli(str(new_content), "-o", str(out), cwd=tmp_path, SITEGEN_CACHE=str(cache), **{KILL_AT_STEP: str(step)})
        killed.communicate()
        assert killed.returncode == 86, f"step {step}: the build was not stopped there"
        assert tree_digest(out) in (old, new), f"step {step}: a mix of two sites"
        if step < steps - 1:
            assert tree_digest(out) == old, f"step {step}: before the exchange the old site stays"
        else:
            assert tree_digest(out) == new, f"step {step}: after the exchange the new site is there"
        assert build(new_content, out, cache_dir=cache).ok
        assert tree_digest(out) == new and beside(out) == [], f"step {step}: leftovers not cleaned"
        assert spare_is(out, old, new), f"step {step}: the spare is not a whole site"
    finished = cli(str(new_content), "-o", str(tmp_path / "run-1" / "out"), cwd=tmp_path, **{KILL_AT_STEP: str(steps + 1)})
    finished.communicate()
    assert finished.returncode == 0


def test_a_site_moved_aside_by_a_killed_two_rename_swap_is_put_back(tmp_path, monkeypatch):
    content = write_tree(tmp_path / "content", files())
    out = tmp_path / "out"
    assert build(content, out).ok
    old = tree_digest(out)
    monkeypatch.setattr("sitegen.output._exchange", lambda first, second: False)  # a system without it
    (content / "dongtan/finance/2026-10.yaml").write_text(EDITED, "utf-8")
    assert build(content, out).ok and tree_digest(out) != old and beside(out) == []
    new = tree_digest(out)
    out.rename(tmp_path / ".out.retired-12345")  # killed between the two renames
    (tmp_path / ".out.staging-12345").mkdir()
    (content / "dongtan/finance/2026-10.yaml").write_text("period: [\n", "utf-8")
    assert not build(content, out).ok
    assert tree_digest(out) == new and beside(out) == []


def test_a_full_disk_mid_write_leaves_the_previous_site_and_says_so(tmp_path, monkeypatch):
    content = write_tree(tmp_path / "content", files())
    out = tmp_path / "out"
    assert build(content, out).ok
    before = tree_digest(out)
    (content / "dongtan/finance/2026-10.yaml").write_text(EDITED, "utf-8")
    link, calls = os.link, [0]

    def filling(source, target, **kwargs):
        calls[0] += 1
        if calls[0] > 5:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return link(source, target, **kwargs)

    monkeypatch.setattr(os, "link", filling)
    result = build(content, out)
    assert calls[0] > 5
    assert not result.ok and [(p.path, p.code) for p in result.problems] == [(out.as_posix(), "output")]
    assert "磁盘空间已满" in result.problems[0].message and "No space" not in result.problems[0].message
    assert tree_digest(out) == before and beside(out) == []


def test_a_read_only_disk_is_a_located_problem(tmp_path, monkeypatch):
    content = write_tree(tmp_path / "content", files())

    def read_only(path, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(os, "mkdir", read_only)
    result = build(content, tmp_path / "deep" / "out")
    assert [(p.code, p.path) for p in result.problems] == [("output", (tmp_path / "deep" / "out").as_posix())]
    assert "只读" in result.problems[0].message
    assert not (tmp_path / "deep").exists()


def test_an_output_below_a_file_is_a_located_problem_not_an_internal_error(tmp_path):
    write_tree(tmp_path, {**{f"content/{k}": v for k, v in files().items()}, "README.md": "hello"})
    run = cli("content", "-o", "README.md/out", cwd=tmp_path)
    _, stderr = run.communicate()
    assert run.returncode == 1, stderr
    assert stderr.startswith("README.md/out:1:1: error[output]: ") and "README.md 是文件" in stderr
    assert "内部错误" not in stderr and "Traceback" not in stderr
    assert (tmp_path / "README.md").read_text() == "hello"


def test_two_builds_into_one_output_take_turns_and_leave_no_temporary_file(tmp_path):
    content = write_tree(tmp_path / "content", files())
    cache = str(tmp_path / "cache")
    assert build(content, tmp_path / "clean").ok
    with open(tmp_path / ".out.lock", "w") as held:  # a first build, holding the output
        fcntl.flock(held, fcntl.LOCK_EX)
        runs = [cli("content", "-o", "out", cwd=tmp_path, SITEGEN_CACHE=cache) for _ in range(2)]
        for run in runs:
            assert run.stderr.readline().startswith("另一个 sitegen 正在生成 out，等待")
    for run in runs:  # released: both finish, one after the other
        _, stderr = run.communicate()
        assert run.returncode == 0, stderr
    out = tmp_path / "out"
    assert tree_digest(out) == tree_digest(tmp_path / "clean")
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")] and beside(out) == []


def test_a_second_build_stops_cleanly_when_the_first_holds_the_output_too_long(tmp_path, monkeypatch):
    content = write_tree(tmp_path / "content", files())
    out = tmp_path / "out"
    with open(tmp_path / ".out.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        monkeypatch.setenv("SITEGEN_LOCK_TIMEOUT", "0.3")
        result = build(content, out)
    assert [p.code for p in result.problems] == ["output"] and "另一个 sitegen" in result.problems[0].message
    assert not out.exists()
    assert build(content, out).ok


def test_an_output_that_is_a_symlink_is_replaced_where_it_points_and_the_link_stays(tmp_path):
    content = write_tree(tmp_path / "content", files())
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "keep.txt").write_text("precious")
    (tmp_path / "public").symlink_to(tmp_path / "www" / "site", target_is_directory=True)
    assert build(content, tmp_path / "public").ok
    assert build(content, tmp_path / "clean").ok
    (content / "dongtan/finance/2026-10.yaml").write_text(EDITED, "utf-8")
    assert build(content, tmp_path / "public").ok and build(content, tmp_path / "clean").ok
    assert (tmp_path / "public").is_symlink() and tree_digest(tmp_path / "www" / "site") == tree_digest(tmp_path / "clean")
    assert (tmp_path / "www" / "keep.txt").read_text() == "precious" and beside(tmp_path / "www" / "site") == []

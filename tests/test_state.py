"""The build state's columns: what is saved comes back equal, and a crafted state is refused whole."""

from __future__ import annotations

import json

import pytest

from sitegen.problems import Problem, Severity
from sitegen.state import BuildState, Spare, load_state, save_state, state_file

SHA = "0123456789abcdef" * 4


def a_state() -> BuildState:
    return BuildState(
        "inputs",
        {"index.html": (10, 1_700_000_000_000_000_000, SHA), "a/b/index.html": (0, 1, "f" * 64)},
        (Problem("content/a.yaml", 3, 1, Severity.WARNING, "overdue", "逾期"),),
        {"/c/a.yaml": (5, 2, "e" * 64)},
        {"": 7, "a/": 8, "a/b/": 9},
        Spare(1, 2, {"": 3, "a/": 4}, ("old.html",), ("a/b/index.html",)),
        {"/c/published-urls.txt": (1, 2, "d" * 64)},
    )


def test_a_saved_state_comes_back_equal(tmp_path):
    state = a_state()
    save_state(tmp_path, tmp_path / "out", state)
    assert load_state(tmp_path, tmp_path / "out") == state
    empty = BuildState("x", {}, folders={"": 1})
    save_state(tmp_path, tmp_path / "other", empty)
    assert load_state(tmp_path, tmp_path / "other") == empty


def crafted(body: list) -> list[list]:
    """The state's body with one column damaged at a time: each must make the whole state refused."""
    outputs, stats, folders, spare = 2, 3, 5, 6

    def changed(index: int, change) -> list:
        copy = json.loads(json.dumps(body))
        change(copy[index])
        return copy

    return [
        changed(outputs, lambda c: c[1].append(3)),  # a size too many
        changed(outputs, lambda c: c[2].pop()),  # an mtime too few
        changed(outputs, lambda c: c.__setitem__(3, c[3][:-1])),  # a digest cut short
        changed(outputs, lambda c: c.__setitem__(3, c[3].upper())),  # not what hexdigest writes
        changed(outputs, lambda c: c.__setitem__(3, " " * 64 + c[3][64:])),
        changed(outputs, lambda c: c[1].__setitem__(0, -1)),  # a negative size
        changed(stats, lambda c: c[2].__setitem__(0, -5)),  # a negative mtime
        changed(outputs, lambda c: c[1].__setitem__(0, True)),  # a bool is not a size
        changed(outputs, lambda c: c[0].__setitem__(0, 7)),  # a path that is not text
        changed(folders, lambda c: c[1].pop()),
        changed(spare, lambda c: (c[0].append("../victim/"), c[1].append(0))),  # leaves the spare
        changed(spare, lambda c: (c[0].append("a//"), c[1].append(0))),
        [*body[:spare], None, *body[spare + 1 :]],  # a spare without its folders
    ]


@pytest.mark.parametrize("index", range(13))
def test_a_crafted_state_is_refused(tmp_path, index):
    save_state(tmp_path, tmp_path / "out", a_state())
    path = state_file(tmp_path, tmp_path / "out")
    body = json.loads(path.read_bytes())
    path.write_text(json.dumps(crafted(body)[index]), "utf-8")
    assert load_state(tmp_path, tmp_path / "out") is None


def test_the_output_check_finds_a_change_in_any_of_thousands_of_files(tmp_path):
    """A file changed or gone late among thousands is found, and every stat handed on to the
    writer is that of its own path."""
    out = tmp_path / "out"
    names = [f"p{n:04}/index.html" for n in range(5000)]
    for n, name in enumerate(names):
        (out / name).parent.mkdir(parents=True)
        (out / name).write_bytes(b"x" * (n % 7))
    outputs = {name: ((out / name).stat().st_size, (out / name).stat().st_mtime_ns, SHA) for name in names}
    folders = {"": out.stat().st_mtime_ns} | {name.split("/")[0] + "/": (out / name).parent.stat().st_mtime_ns for name in names}
    state = BuildState("inputs", outputs, folders=folders)
    found = state.checked(out)
    assert found is not None and list(found) == names
    assert all((found[name].st_ino, found[name].st_size) == ((out / name).stat().st_ino, n % 7) for n, name in enumerate(names))
    late = out / names[4321]
    late.write_bytes(b"changed")
    assert state.checked(out) is None
    late.unlink()
    assert state.checked(out) is None

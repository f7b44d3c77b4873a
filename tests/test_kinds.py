"""The kinds registry holds the line: no module but a kind's own tests which kind an item is."""

from __future__ import annotations

import ast
from pathlib import Path

import sitegen
from sitegen.kinds import KINDS

PACKAGE = Path(sitegen.__file__).parent


def _own_modules(kind) -> set[Path]:
    """A kind's module and its helper modules (`finance.py`, `finance_rules.py`, `finance_data.py`)."""
    folder = PACKAGE / "kinds"
    return {folder / f"{kind.name}.py", *folder.glob(f"{kind.name}_*.py")}


def _switches(tree: ast.AST, class_names: set[str], kind_names: set[str]) -> list[int]:
    """Lines with isinstance(x, KindClass) / issubclass, `type(x) is KindClass`, or `.kind == "name"`."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("isinstance", "issubclass"):
            named = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)} if len(node.args) > 1 else set()
            named |= {n.attr for n in ast.walk(node.args[1]) if isinstance(n, ast.Attribute)} if len(node.args) > 1 else set()
            if named & class_names:
                lines.append(node.lineno)
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            names = {n.id for o in operands for n in ast.walk(o) if isinstance(n, ast.Name)}
            names |= {n.attr for o in operands for n in ast.walk(o) if isinstance(n, ast.Attribute)}
            strings = {n.value for o in operands for n in ast.walk(o) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
            if names & class_names or ("kind" in names and strings & kind_names):
                lines.append(node.lineno)
    return lines


def switches_outside_kinds(package: Path) -> list[str]:
    classes = {kind.model.__name__ for kind in KINDS}
    names = {kind.name for kind in KINDS}
    own = set().union(*(_own_modules(kind) for kind in KINDS))
    found = []
    for path in sorted(package.rglob("*.py")):
        if path in own:
            continue
        tree = ast.parse(path.read_text("utf-8"), str(path))
        found += [f"{path.relative_to(package)}:{line}" for line in _switches(tree, classes, names)]
    return found


def test_no_module_switches_on_a_kind_outside_its_own():
    assert KINDS and switches_outside_kinds(PACKAGE) == []


def test_the_check_finds_each_form_of_switch(tmp_path):
    """The guard itself: each way of testing a kind is caught in a module outside the kinds."""
    (tmp_path / "a.py").write_text("def f(d):\n    return isinstance(d, FinanceStatement)\n", "utf-8")
    (tmp_path / "b.py").write_text("def f(d):\n    return d.kind == 'major'\n", "utf-8")
    (tmp_path / "c.py").write_text("def f(d):\n    return isinstance(d, (model.AffairsItem, str))\n", "utf-8")
    (tmp_path / "d.py").write_text("def f(d):\n    return type(d) is FinanceStatement\n", "utf-8")
    (tmp_path / "e.py").write_text("def f(d, k):\n    return d.kind == k.name\n", "utf-8")
    assert switches_outside_kinds(tmp_path) == ["a.py:2", "b.py:2", "c.py:2", "d.py:2"]


def test_every_kind_has_its_templates_and_label():
    """Adding a kind is its module plus its page and poster templates and its label string; a
    record kind (board photos) has a page and a village-home section, and no poster."""
    from sitegen.render.html import Theme, default_theme

    theme = Theme(default_theme(), "zh-Hans")
    for kind in KINDS:
        assert (default_theme() / "templates" / kind.template).is_file()
        assert (default_theme() / "poster" / kind.template).is_file() != kind.record
        if kind.record or kind.home:
            assert kind.home and (default_theme() / "templates" / kind.home).is_file()
        assert theme.strings["kind_" + kind.name]
    assert any(kind.record for kind in KINDS)


def test_items_whose_sort_fields_are_unreadable_are_reported_not_a_crash(tmp_path):
    """Two matters with unreadable `posted`, two statements with unreadable `period`: each is a
    located schema problem, and the loader still orders the village's items."""
    from conftest import write_tree
    from sample import BASE, FINANCE, files

    from sitegen.rules import check_content

    matter = (BASE / "dongtan/major/2026-road.md").read_text("utf-8")
    tree = files()
    tree["dongtan/major/a.md"] = matter.replace("posted: ", "posted: x")
    tree["dongtan/major/b.md"] = matter.replace("posted: ", "posted: y")
    tree["dongtan/finance/2026-11.yaml"] = FINANCE.replace("period: 2026-10", "period: [1]")
    tree["dongtan/finance/2026-12.yaml"] = FINANCE.replace("period: 2026-10", "period: [2]")
    site, problems = check_content(write_tree(tmp_path / "content", tree))
    where = {(p.path.split("dongtan/")[-1], p.code) for p in problems}
    assert {("major/a.md", "schema"), ("major/b.md", "schema"), ("finance/2026-11.yaml", "schema"), ("finance/2026-12.yaml", "schema")} <= where
    assert [d.slug for d in site.villages[0].of("major")] == ["a", "b", "2026-road"]

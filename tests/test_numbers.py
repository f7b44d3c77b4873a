"""Numbers as written (§17), every problem at once, and limits that are problems, not crashes."""

from __future__ import annotations

import os
import re

import pytest
from conftest import write_tree
from sample import FINANCE, files

from sitegen.cli import main
from sitegen.rules import check_content
from sitegen.source import MAX_BYTES, parse_yaml

FIN = "dongtan/finance/2026-10.yaml"
MAJOR = "dongtan/major/2026-road.md"


def found(root, problems):
    """Problems as 'file:line:col code', the content folder's own prefix removed."""
    prefix = root.as_posix() + "/"
    return sorted(f"{p.path.removeprefix(prefix)}:{p.line}:{p.col} {p.code}" for p in problems if p.severity.value == "error")


def check(tmp_path, **replacements):
    """The base site with `file=[(old, new), ...]` replacements; returns (root, problems)."""
    tree = dict(files())
    for name, pairs in replacements.items():
        path = {"finance": FIN, "major": MAJOR}[name]
        for old, new in pairs:
            assert tree[path].count(old) == 1, old
            tree[path] = tree[path].replace(old, new)
    root = write_tree(tmp_path / "content", tree)
    return root, check_content(root)[1]


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("0100", "以 0 开头"),
        ("0x10", "十六进制"),
        ("0o17", "八进制"),
        ("1:30", "冒号"),
        ("1_000", "千位分隔符"),
        ("1e5", "科学计数法"),
        ("1.0e+30", "科学计数法"),
        (".inf", "不是一个数"),
        ("'0100'", "以 0 开头"),
        ("12345678901234567.00", "最多 12 位"),
        ("1234567890123", "最多 12 位"),
    ],
)
def test_a_yaml_1_1_number_is_an_amount_format_error_not_a_silent_conversion(tmp_path, written, why):
    root, problems = check(tmp_path, finance=[("amount: 0.20", f"amount: {written}")])
    # only the amount: the balance cannot be judged without it, so it is not wrongly reported
    assert found(root, problems) == [f"{FIN}:17:13 amount-format"]
    assert why in problems[0].message and "实际为" in problems[0].message


def test_a_count_with_a_leading_zero_is_a_schema_error(tmp_path):
    root, problems = check(tmp_path, major=[("members: 45", "members: 045")])
    assert found(root, problems) == [f"{MAJOR}:11:53 schema"]
    assert "045" in problems[0].message and "以 0 开头" in problems[0].message


def test_text_fields_keep_what_was_written():
    data, _, problems = parse_yaml("voucher: 001\nn: 0100\nt: 1:30\nx: 1_000\nd: 2026-10-05\nb: true\ny: yes\nz: ~\nq: '7'\n", "x.yaml")
    assert problems == []
    assert data == {"voucher": "001", "n": "0100", "t": "1:30", "x": "1_000", "d": data["d"], "b": True, "y": "yes", "z": None, "q": "7"}
    assert data["d"].isoformat() == "2026-10-05"


def test_seven_mistakes_in_one_file_are_all_reported_in_one_run(tmp_path):
    root, problems = check(
        tmp_path,
        finance=[
            ("date: 2026-10-08", "date: 2026-09-30"),  # entry outside the period
            ("amount: 0.20", "amount: 0100"),  # bad amount in one entry
            ("date: 2026-10-12", "date: 2026-10-32"),  # a day that does not exist
            ("voucher: 记-03", "voucher: 记-01"),  # a voucher used twice
            ("date: 2026-11-03", "date: 2026-11-06"),  # reviewed after posting
            # a category not in the list, and an unknown key in the last entry
            ("category: 管理费用\n    amount: 0.10\n", "category: 管理费\n    amount: 0.10\n    remark: 备注\n"),
        ],
    )
    assert found(root, problems) == [
        f"{FIN}:17:13 amount-format",
        f"{FIN}:19:11 schema",
        f"{FIN}:20:14 voucher-duplicate",
        f"{FIN}:22:15 finance-category",
        f"{FIN}:24:5 schema",
        f"{FIN}:4:34 review-date",
        f"{FIN}:8:11 period-mismatch",
    ]


def test_a_wrong_balance_is_reported_beside_a_bad_field_it_does_not_need(tmp_path):
    root, problems = check(
        tmp_path,
        finance=[("voucher: 记-02", "voucher: [记-02]"), ("closing_balance: 100.30", "closing_balance: 100.40")],
    )
    assert found(root, problems) == [f"{FIN}:14:14 schema", f"{FIN}:6:18 finance-balance"]


RESOLUTION = "{step: resolution, date: 2026-03-15, meeting: 村民代表会议, members: 35, present: 30, for: 28, against: 1, abstain: 1}"


def test_a_votes_error_does_not_hide_quorum_and_majority(tmp_path):
    bad = RESOLUTION.replace("present: 30, for: 28, against: 1, abstain: 1", "present: 20, for: 9, against: 1, abstain: 15")
    root, problems = check(tmp_path, major=[(RESOLUTION, bad), ("members: 45", "members: 045")])
    line = [len("  - ") + bad.index(key) + len(key) + 1 for key in ("present: ", "for: ")]  # 1-based cols
    assert found(root, problems) == sorted([
        f"{MAJOR}:11:53 schema",  # party-review: its members is unreadable, its own checks skip
        f"{MAJOR}:12:{line[1]} votes",  # 9 + 1 + 15 = 25 > 20 present
        f"{MAJOR}:12:{line[1]} majority",  # 9 of 20 present
        f"{MAJOR}:12:{line[0]} quorum",  # 20 of 35
    ])


@pytest.mark.parametrize(
    ("old", "new", "where", "fragment"),
    [
        ("opening_balance: 100.10", "opening_balance：100.10", "5:16", "应改为：opening_balance: 100.10"),
        ("opening_balance: 100.10", "opening_balance:100.10", "5:16", "应改为：opening_balance: 100.10"),
        ("    amount: 0.10\n  - date: 2026-10-09", "  \u3000amount: 0.10\n  - date: 2026-10-09", "12:3", "全角空格（中文输入法下的空格），缩进只能用半角空格。应改为：amount: 0.10"),
        ("    amount: 0.10\n  - date: 2026-10-09", "\t  amount: 0.10\n  - date: 2026-10-09", "12:1", "Tab 键（制表符）"),
        ("summary: 本月收入为土地发包费。", "summary: '本月收入为土地发包费。", "3:10", "引号“'”"),
        ("summary: 本月收入为土地发包费。", 'summary: "本月收入为土地发包费。', "3:10", "引号“\"”"),
        ("reviewers: [刘秀英]", "reviewers: [刘秀英", "4:21", "方括号“[”没有闭合"),
        ("review: {reviewers: [刘秀英], date: 2026-11-03, opinion: 同意公开。}", "review: {reviewers: [刘秀英], date: 2026-11-03", "4:9", "花括号"),
        ("summary: 本月收入为土地发包费。", "summary: 本月: 收入为土地发包费。", "3:12", '应改为：summary: "本月: 收入为土地发包费。"'),
        ("summary: 本月收入为土地发包费。\n", "summary: 本月收入为土地发包费。\n---\nextra: 1\n", "4:1", "只能有一个 YAML 文档"),
    ],
)
def test_yaml_slips_are_explained_in_chinese_on_their_own_line(tmp_path, old, new, where, fragment):
    root, problems = check(tmp_path, finance=[(old, new)])
    assert found(root, problems) == [f"{FIN}:{where} yaml-syntax"]
    message = problems[0].message
    assert fragment in message
    english = re.sub(r"opening_balance|Tab|YAML", "", message.split("应改为：")[0])
    assert not re.search(r"[A-Za-z]{3,}", english), message  # no parser wording reaches the clerk


@pytest.mark.parametrize(
    "tail",
    ["x: " + "[" * 10000 + "]" * 10000 + "\n", "x: " + "[" * 10000 + "\n", "x: " + "{a: " * 5000 + "\n", "x:\n" + "- " * 100000 + "y\n"],
    ids=["closed", "unclosed", "mappings", "dashes"],
)
def test_deep_nesting_is_a_located_problem(tmp_path, tail):
    tree = dict(files())
    tree[FIN] += tail
    root = write_tree(tmp_path / "content", tree)
    problems = check_content(root)[1]
    assert [(p.code, p.line) for p in problems if p.severity.value == "error"] in ([("yaml-syntax", 24)], [("yaml-syntax", 25)])
    assert "嵌套层数太多" in problems[0].message


def test_a_huge_file_is_refused_before_it_is_read_whole(tmp_path):
    tree = dict(files())
    tree[FIN] += "notes: |\n" + ("  很长的说明\n" * (MAX_BYTES // 10))
    root = write_tree(tmp_path / "content", tree)
    assert found(root, check_content(root)[1]) == [f"{FIN}:1:1 schema"]


def _loop_self(root):
    os.symlink("a", root / "dongtan" / "a")
    return ["dongtan/a:1:1 unknown-file"], "循环链接"


def _loop_pair(root):
    os.symlink("b", root / "dongtan" / "finance" / "a")
    os.symlink("a", root / "dongtan" / "finance" / "b")
    return ["dongtan/finance/a:1:1 unknown-file", "dongtan/finance/b:1:1 unknown-file"], "循环链接"


def _dir_named_like_a_file(root):
    (root / "dongtan" / "finance" / "2026-09.yaml").mkdir()
    return ["dongtan/finance/2026-09.yaml:1:1 unknown-file"], "是一个文件夹"


def _file_named_like_a_folder(root):
    for path in (root / "dongtan" / "affairs").rglob("*.md"):
        path.unlink()
    for path in sorted((root / "dongtan" / "affairs").rglob("*"), reverse=True):
        path.rmdir()
    (root / "dongtan" / "affairs").rmdir()
    (root / "dongtan" / "affairs").write_text("x")
    return ["dongtan/affairs:1:1 unknown-file"], "应是一个文件夹"


@pytest.mark.parametrize("damage", [_loop_self, _loop_pair, _dir_named_like_a_file, _file_named_like_a_folder])
def test_odd_folder_entries_are_problems_with_exit_1_never_3(tmp_path, capsys, damage):
    root = write_tree(tmp_path / "content", files())
    expected, fragment = damage(root)
    problems = check_content(root)[1]
    assert found(root, problems) == expected
    assert all(fragment in p.message for p in problems if p.severity.value == "error")
    assert main(["check", str(root)]) == 1
    assert "内部错误" not in capsys.readouterr().err


def test_an_unreadable_file_is_a_chinese_problem(tmp_path, monkeypatch, capsys):
    """chmod 000 cannot stop root (these tests may run as root), so the OS refusal is raised
    where the loader reads; the message must not carry the OS's English strerror."""
    import sitegen.reading

    real = sitegen.reading.read_capped

    def refuse(path):
        if path.name == "2026-10.yaml":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(sitegen.reading, "read_capped", refuse)
    root = write_tree(tmp_path / "content", files())
    problems = check_content(root)[1]
    assert found(root, problems) == [f"{FIN}:1:1 encoding"]
    assert "没有读取权限" in problems[0].message and "Permission" not in problems[0].message
    assert main(["check", str(root)]) == 1


def test_a_duplicate_key_does_not_hide_the_rest_of_the_file(tmp_path):
    root, problems = check(tmp_path, finance=[("voucher: 记-03", "voucher: 记-01"), ("posted: 2026-11-05\n", "posted: 2026-11-05\nposted: 2026-11-06\n")])
    assert found(root, problems) == [f"{FIN}:21:14 voucher-duplicate", f"{FIN}:3:1 schema"]

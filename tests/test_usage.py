"""What `sitegen` says outside the problem list: usage errors and help in Chinese, one line after a
clean check, and an explanation when a village folder is given instead of the content folder."""

from __future__ import annotations

import re

import pytest
from conftest import write_tree
from sample import FINANCE, files

from sitegen import cli

LATIN_WORD = re.compile(r"\b(?!sitegen\b)[A-Za-z]{4,}\b")


def usage_error(argv, capsys) -> str:
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2
    return capsys.readouterr().err


def message_line(err: str) -> str:
    """The error line (the usage lines above it show the command's own option names)."""
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "argv, said",
    [
        (["chek"], "没有“chek”这个命令，可用的命令：build、check"),
        ([], "缺少命令（build、check"),
        (["check", "--bogus"], "不认识的参数：--bogus"),
        (["check", "--format", "xml"], "--format 不能是“xml”，只能是：text、json"),
        (["build", "-j", "x"], "-j/--jobs 应是整数，而不是“x”"),
        (["init"], "缺少参数 directory"),
        (["serve", "--port"], "--port 后面缺少一个值"),
        (["serve", "--port", "99999"], "--port：端口应是 0 到 65535 之间的整数"),
    ],
)
def test_usage_errors_are_chinese(argv, said, capsys):
    err = usage_error(argv, capsys)
    line = message_line(err)
    assert said in line, err
    assert "运行 sitegen" in line and "-h 查看用法" in line
    assert err.startswith("用法："), err
    assert not LATIN_WORD.search(re.sub(r"--?[a-z/-]+|\b(build|check|status|serve|privacy|fonts|init|new|import|text|json|directory|chek|bogus|xml)\b", "", line)), line


def test_a_misspelt_command_is_guessed(capsys):
    assert "是不是要写“check”？" in message_line(usage_error(["chek"], capsys))


def test_help_is_chinese(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["check", "-h"])
    out = capsys.readouterr().out
    assert stop.value.code == 0
    assert out.startswith("用法：sitegen check") and "显示这段说明并退出" in out and "选项" in out
    for english in ("usage:", "show this help", "options:", "positional arguments"):
        assert english not in out


def test_a_clean_check_says_so_with_counts(tmp_path, capsys, monkeypatch):
    write_tree(tmp_path / "content", files())
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", "content"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "检查通过：1 个村，3 份公开内容（财务 1 份，村务 1 份，重大事项 1 份，长期公开 0 份，积分制 0 份），公开栏照片 0 份，没有错误。\n"


def test_a_check_with_errors_has_no_passed_line(tmp_path, capsys, monkeypatch):
    write_tree(tmp_path / "content", files(finance=FINANCE.replace("amount: 0.20", "amount: 0.205")))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", "content"]) == 1
    err = capsys.readouterr().err
    assert "error[amount-format]" in err and "检查通过" not in err


def test_json_check_prints_only_json(tmp_path, capsys, monkeypatch):
    write_tree(tmp_path / "content", files())
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", "content", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "[]\n" and captured.err == ""


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_village_folder_is_explained_not_checked(tmp_path, capsys, monkeypatch, command):
    write_tree(tmp_path / "content", files())
    monkeypatch.chdir(tmp_path)
    assert cli.main([command, "content/dongtan"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, "one explanation, not a dozen misleading errors"
    assert "content/dongtan 是一个村的文件夹（有 village.yaml）" in err
    assert f"sitegen {command} content\n" in err
    assert not (tmp_path / "output").exists()


def test_a_folder_inside_the_content_names_the_content_folder(tmp_path, capsys, monkeypatch):
    write_tree(tmp_path / "content", files())
    monkeypatch.chdir(tmp_path / "content" / "dongtan")
    assert cli.main(["check", "finance"]) == 2
    err = capsys.readouterr().err
    assert "finance 是内容文件夹 .. 里面的一个文件夹" in err and err.endswith("sitegen check ..\n")

"""`sitegen new`: each kind's file passes the real `sitegen check` once its marked places are filled."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_init import FILLED, fill

from sitegen import cli
from sitegen.loader import load_village
from sitegen.rules import check_content


@pytest.fixture
def content(tmp_path) -> Path:
    """A township made by `sitegen init` with its 2026-11 statement filled in (closing 125300.50)."""
    assert cli.main(["init", str(tmp_path / "repo"), "--village", "dongtan", "--period", "2026-11"]) == 0
    folder = tmp_path / "repo" / "content"
    fill(folder)
    assert check_content(folder)[1] == []
    return folder


def new(content: Path, *args: str) -> int:
    return cli.main(["new", *args, "--content", str(content)])


def errors(content: Path) -> list:
    return [p for p in check_content(content)[1] if p.severity == "error"]


def test_new_finance_chains_the_opening_balance_and_passes_check_once_filled(content):
    assert new(content, "finance", "dongtan", "2026-12") == 0
    path = content / "dongtan/finance/2026-12.yaml"
    text = path.read_text("utf-8")
    assert "opening_balance: 125300.50" in text, "the previous month's closing balance"
    assert "posted: 2027-01-05" in text and "period: 2026-12" in text
    for category in ("经营收入", "投资收益", "补助收入", "其他收入", "管理费用", "所得税费用"):
        assert category in text, f"the profile's category {category} is listed"
    assert {p.code for p in errors(content)} == {"schema"}, "only the places left for the clerk"
    assert sorted(fill(content, pattern="2026-12.yaml")) == ["closing_balance", "date", "reviewers", "summary"]
    assert check_content(content)[1] == []
    village, _ = load_village(content, "dongtan")
    assert [str(s.opening_balance) for s in village.of("finance")] == ["125300.50", "125300.50"]


def test_new_finance_without_a_previous_month_leaves_the_opening_balance_to_the_clerk(content):
    assert new(content, "finance", "dongtan", "2027-03") == 0
    text = (content / "dongtan/finance/2027-03.yaml").read_text("utf-8")
    assert "opening_balance:          # 待填写" in text


def test_new_affairs_names_the_catalogue_item_and_passes_check_once_filled(content):
    assert new(content, "affairs", "dongtan", "2026-Q4", "dibao") == 0
    path = content / "dongtan/affairs/2026-Q4/dibao.md"
    text = path.read_text("utf-8")
    assert "城乡低保对象" in text and "每季度公开" in text and "公示期不少于 7 天" in text
    assert "title: 2026年第四季度城乡低保对象公示" in text and "item: dibao" in text
    values = {**FILLED, "posted": "2027-01-08", "posted_until": "2027-01-15"}
    assert sorted(fill(content, values, "dibao.md")) == ["date", "posted", "posted_until", "reviewers", "summary"]
    assert check_content(content)[1] == []


def test_new_major_lists_the_procedure_and_passes_check_once_filled(content):
    assert new(content, "major", "dongtan", "2026-well") == 0
    text = (content / "dongtan/major/2026-well.md").read_text("utf-8")
    assert "proposal（村党组织提议）" in text and "item: public-works" in text
    values = {**FILLED, "title": "村东机井维修", "posted": "2026-12-10"}
    assert sorted(fill(content, values, "2026-well.md")) == ["date", "posted", "reviewers", "summary", "title"]
    assert check_content(content)[1] == []


def test_a_draft_major_matter_without_posted_is_a_problem_not_an_internal_error(content, capsys):
    assert new(content, "major", "dongtan", "2026-well") == 0
    assert new(content, "major", "dongtan", "2026-road") == 0
    assert cli.main(["check", str(content)]) == 1
    err = capsys.readouterr().err
    assert "内部错误" not in err and "2026-road.md" in err and "2026-well.md" in err


@pytest.mark.parametrize("kind", [("finance", "dongtan", "2026-11"), ("affairs", "dongtan", "2026-Q4", "dibao"), ("major", "dongtan", "road")])
def test_new_never_overwrites(content, kind, capsys):
    assert new(content, *kind) in (0, 1)  # finance 2026-11 exists already
    written = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert new(content, *kind) == 1
    assert "已存在，没有覆盖" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == written


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("finance", "dongtn", "2026-12"), "没有村文件夹"),
        (("affairs", "dongtan", "2026-Q4", "diba"), "没有事项代码 diba，是不是 dibao？"),
        (("affairs", "dongtan", "2026-Q4", "低保"), "是不是 dibao？"),
        (("major", "dongtan", "Road_1"), "只能用小写字母"),
    ],
)
def test_unknown_names_are_chinese_messages_with_a_suggestion(content, args, message, capsys):
    before = sorted(content.rglob("*"))
    assert new(content, *args) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert "是不是 dongtan？" in err or args[1] == "dongtan"
    assert sorted(content.rglob("*")) == before


@pytest.mark.parametrize("args", [("finance", "dongtan", "2026-13"), ("affairs", "dongtan", "2026-Q5", "dibao")])
def test_a_bad_period_is_a_usage_error(content, args, capsys):
    with pytest.raises(SystemExit) as exit:
        new(content, *args)
    assert exit.value.code == 2 and "应写成" in capsys.readouterr().err


def test_a_file_where_the_folder_should_be_is_named(content, capsys):
    (content / "dongtan/affairs").write_text("", "utf-8")
    assert new(content, "affairs", "dongtan", "2026-Q4", "dibao") == 1
    assert "dongtan/affairs 应是一个文件夹，而这里是一个文件" in capsys.readouterr().err

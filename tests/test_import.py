"""`sitegen import finance`: each supported journal layout (tests/data/journals, made by its
make_samples.py) becomes the statement the bookkeeping agent meant, and a bad cell is located."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from test_init import FILLED, fill

from sitegen import cli
from sitegen.journal import parse_amount
from sitegen.loader import load_village
from sitegen.rules import check_content

JOURNALS = Path(__file__).parent / "data" / "journals"
HEADER = "日期,凭证号,摘要,科目,收入,支出\n"
EXPECTED_INCOME = [
    (dt.date(2026, 11, 3), "记-01", "收集体机动地承包费", "经营收入", Decimal("36000.00")),
    (dt.date(2026, 11, 12), "记-03", "收到镇财政拨付村级运转经费", "补助收入", Decimal("20000.00")),
]
EXPECTED_EXPENSE = [
    (dt.date(2026, 11, 8), "记-02", "支付保洁员工资", "公益支出", Decimal("3300.00")),
    (dt.date(2026, 11, 20), "记-04", "购买办公用品", "管理费用", Decimal("460.50")),
]


@pytest.fixture
def content(tmp_path) -> Path:
    """A township made by `sitegen init` whose filled 2026-10 statement closes at 125300.50."""
    assert cli.main(["init", str(tmp_path / "repo"), "--village", "dongtan", "--period", "2026-10"]) == 0
    folder = tmp_path / "repo" / "content"
    fill(folder, {**FILLED, "posted": "2026-11-05", "date": "2026-11-03"})
    return folder


def run(content: Path, source: Path, *args: str) -> int:
    return cli.main(["import", "finance", "dongtan", str(source), "--content", str(content), *args])


def journal(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "journal.csv"
    path.write_bytes(text.encode(encoding))
    return path


def entries(statement, side: str) -> list[tuple]:
    return [(e.date, e.voucher, e.item, e.category, e.amount) for e in getattr(statement, side)]


@pytest.mark.parametrize("sample", ["titled-totals.xlsx", "debit-credit.xlsx", "gb18030.csv", "utf8-bom.csv"])
def test_each_supported_layout_imports_to_the_same_statement(content, sample, capsys):
    assert run(content, JOURNALS / sample) == 0
    err = capsys.readouterr().err
    assert "已导入 4 笔收支" in err and "finance/2026-11.yaml" in err
    target = content / "dongtan/finance/2026-11.yaml"
    text = target.read_text("utf-8")
    assert "opening_balance: 125300.50" in text and "closing_balance: 177540.00" in text
    assert "posted: 2026-12-05" in text
    # what is left is what only the clerk knows: the summary and the review
    assert sorted(fill(content, {"summary": "本月收入主要为土地发包费。", "reviewers": "[刘秀英]", "date": "2026-12-03"}, "2026-11.yaml")) == ["date", "reviewers", "summary"]
    # the new township has no standing items yet (村规民约 etc., due since 2026-11-15): those are
    # overdue, and nothing else is reported
    assert {p.code for p in check_content(content)[1]} == {"overdue"}
    village, _ = load_village(content, "dongtan")
    statement = next(s for s in village.of("finance") if s.period == "2026-11")
    assert entries(statement, "income") == EXPECTED_INCOME
    assert entries(statement, "expense") == EXPECTED_EXPENSE
    assert statement.closing_balance == statement.computed_closing == Decimal("177540.00")


def test_the_checks_run_after_writing_and_name_what_is_left(content, capsys):
    assert run(content, JOURNALS / "utf8-bom.csv") == 0
    err = capsys.readouterr().err
    assert "finance/2026-11.yaml" in err and "summary" in err and "reviewers" in err


@pytest.mark.parametrize(
    ("rows", "located", "code", "message"),
    [
        ("2026-11-03,记-01,收租金,经营收入,36.000.00,\n", ":2:5:", "amount-format", "应为金额"),
        ("2026-11-03,记-01,收租金,经营收入,36000.123,\n", ":2:5:", "amount-format", "两位小数"),
        ("2026-11-03,记-01,收租金,经营收入,-500.00,\n", ":2:5:", "amount-format", "负数"),
        ("2026-11-03,记-01,收租金,经营收入,500.00,300.00\n", ":2:6:", "amount-format", "既有收入又有支出"),
        ("2026-11-03,记-01,收租金,招待费,500.00,\n", ":2:4:", "finance-category", "不是收入科目"),
        ("2026-11-03,记-01,付工资,经营收入,,500.00\n", ":2:4:", "finance-category", "不是支出科目"),
        ("11月3日,记-01,收租金,经营收入,500.00,\n", ":2:1:", "schema", "日期“11月3日”看不懂"),
        ("2026-02-30,记-01,收租金,经营收入,500.00,\n", ":2:1:", "schema", "看不懂"),
        ("2026-11-03,,收租金,经营收入,500.00,\n", ":2:2:", "schema", "凭证号不能为空"),
        ("2026-11-03,记-01,收租金,经营收入,500.00,\n2026-11-04,记-01,付工资,公益支出,,80.00\n", ":3:2:", "voucher-duplicate", "与第 2 行重复"),
        ("2026-11-03,记-01,收租金,经营收入,500.00,\n2026-12-01,记-02,付工资,公益支出,,80.00\n", ":2:1:", "period-mismatch", "跨了几个月"),
        ("2026-11-03,记-01,收租金,经营收入,500.00,\n2026-11-04,记-02,付工资,公益支出,,80.00\n合计,,,,500.00,90.00\n", ":4:6:", "finance-balance", "与上面各笔之和 80.00 不符"),
        ("2026-11-03,记-01,收租金,经营收入,,\n", ":2:3:", "schema", "既没有收入也没有支出"),
        ("2026-11-03,记-01,收王某 371603196503120025 租金,经营收入,5.00,\n", ":2:3:", "privacy-id", "身份证号码"),
        ("2026-11-03,记-01,收租\x00金,经营收入,5.00,\n", ":2:3:", "control-char", "U+0000"),
    ],
)
def test_a_bad_cell_is_located_and_nothing_is_written(content, tmp_path, capsys, rows, located, code, message):
    source = journal(tmp_path, HEADER + rows)
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    assert run(content, source) == 1
    err = capsys.readouterr().err
    line = next((l for l in err.splitlines() if f"error[{code}]" in l), err)
    assert line.startswith(f"{source}{located} error[{code}]: ") and message in line, err
    assert "什么也没有写入" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == before


def test_period_option_keeps_an_empty_month_and_rejects_a_date_outside(content, tmp_path, capsys):
    assert run(content, journal(tmp_path, HEADER), "--period", "2026-11") == 0
    assert "income: []" in (content / "dongtan/finance/2026-11.yaml").read_text("utf-8")
    source = journal(tmp_path, HEADER + "2026-11-30,记-01,收租金,经营收入,5.00,\n")
    assert run(content, source, "--period", "2026-12") == 1
    assert f"{source}:2:1: error[period-mismatch]: 日期 2026-11-30 不在 2026-12 月内" in capsys.readouterr().err


def test_a_reviewed_statement_is_never_overwritten_but_a_draft_is(content, tmp_path, capsys):
    source = JOURNALS / "gb18030.csv"
    reviewed = content / "dongtan/finance/2026-10.yaml"
    before = reviewed.read_bytes()
    assert run(content, source, "--period", "2026-10") == 1
    assert "已经审核（有 review），不会覆盖" in capsys.readouterr().err
    october = journal(tmp_path, HEADER + "2026-10-30,记-09,收租金,经营收入,5.00,\n")
    assert run(content, october) == 1
    assert "已经审核（有 review），不会覆盖" in capsys.readouterr().err
    assert reviewed.read_bytes() == before

    assert run(content, source) == 0  # the first import of 2026-11: a draft
    assert "替换" not in capsys.readouterr().err
    assert run(content, JOURNALS / "utf8-bom.csv") == 0
    assert "替换了原来未审核的草稿" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("data", "name", "code", "message"),
    [
        (b"\xe6\x97\xa5\x81\x20\xe6\x9c\x9f", "journal.csv", "encoding", "编码无法识别"),
        (b"PK\x03\x04 not really a workbook", "journal.xlsx", "schema", "无法读取这个 Excel 文件"),
        ("名称,金额\n租金,5.00\n".encode(), "journal.csv", "schema", "找不到表头"),
        ("日期,摘要,收入,支出\n2026-11-03,收租金,5.00,\n".encode(), "journal.csv", "schema", "没有“凭证号”列"),
        (b"%PDF-1.7", "journal.pdf", "schema", "只能导入 .xlsx 或 .csv"),
    ],
)
def test_an_unreadable_file_is_one_chinese_problem(content, tmp_path, capsys, data, name, code, message):
    source = tmp_path / name
    source.write_bytes(data)
    assert run(content, source) == 1
    err = capsys.readouterr().err
    assert f"{source}:1:1: error[{code}]: " in err and message in err, err
    assert "Traceback" not in err and "内部错误" not in err


def test_an_unknown_village_is_a_suggestion(content, capsys):
    assert cli.main(["import", "finance", "dongtn", str(JOURNALS / "utf8-bom.csv"), "--content", str(content)]) == 1
    assert "是不是 dongtan？" in capsys.readouterr().err


def test_formula_noise_is_rounded_to_the_cent_but_a_third_decimal_is_not():
    assert parse_amount(0.1 + 0.2) == Decimal("0.30")
    assert parse_amount(36000.0) == Decimal("36000.00")
    assert parse_amount("￥３６，０００.００") == Decimal("36000.00")  # full-width forms folded by NFKC
    assert parse_amount("36,000.00元") == Decimal("36000.00")
    with pytest.raises(ValueError):
        parse_amount(1.005)


def test_a_cell_far_away_is_refused_before_the_reader_sizes_the_sheet_by_it(content, tmp_path, capsys):
    """calamine would ask for 512 GB for a cell at XFD1048576 and abort the process."""
    source = tmp_path / "far.xlsx"
    with zipfile.ZipFile(JOURNALS / "titled-totals.xlsx") as sample, zipfile.ZipFile(source, "w") as far:
        for name in sample.namelist():
            data = sample.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
            far.writestr(name, data)
    assert run(content, source) == 1
    assert f"{source}:1:1: error[schema]: 表格太宽" in capsys.readouterr().err


def test_an_old_xls_file_is_asked_for_as_xlsx(content, tmp_path, capsys):
    source = tmp_path / "journal.xls"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert run(content, source) == 1
    assert "另存为 .xlsx" in capsys.readouterr().err

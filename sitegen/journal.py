"""Reading a bookkeeping agent's journal (村账乡管 export) into finance entries, cell by cell.

Columns are found by their header, wherever the header row is: title rows above it (merged or
not) are skipped, a header may span two rows (金额 over 借方 | 贷方), and totals (合计), carried
balances (上月结转) and signature lines below the entries are recognised. Every cell that cannot
be read is a problem at its spreadsheet row and column.

借方 is income and 贷方 expense: the export is a cash / bank journal (现金日记账、银行存款日记账),
where money received is debited to the cash account and money paid out is credited.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .money import CENT, MoneyError, parse_money
from . import characters, privacy
from .problems import Problem, Severity, error
from .spreadsheet import Sheet

HEADERS = {
    "date": ("日期", "记账日期", "凭证日期", "业务日期"),
    "voucher": ("凭证号", "凭证字号", "凭证编号", "凭证"),
    "item": ("摘要",),
    "subject": ("科目", "会计科目", "科目名称", "类别"),
    "income": ("收入", "借方", "借方金额", "收入金额"),
    "expense": ("支出", "贷方", "贷方金额", "支出金额"),
}
NAMES = {"date": "日期", "voucher": "凭证号", "item": "摘要", "subject": "科目", "income": "收入（借方）", "expense": "支出（贷方）"}
TOTALS = ("合计", "总计", "小计", "累计")  # 本月合计, 本期合计, 本年累计 …
CARRIED = ("上月结转", "上期结转", "上年结转", "期初余额", "年初余额", "承前页", "承上页", "过次页")
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's phantom 1900-02-29
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+\d{1,2}:\d{2}(:\d{2})?)?")
_GROUPED = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
_SUBJECT_SPLIT = re.compile(r"[-—–_/\\:：·]")
HEADER_SEARCH = 30  # header rows are near the top; a title block is rarely more than a few rows


@dataclass(frozen=True)
class Line:
    """One imported entry, with where it came from (its row) for later problems."""

    row: int
    date: dt.date
    voucher: str
    item: str
    category: str
    amount: Decimal
    income: bool


@dataclass(frozen=True)
class Journal:
    lines: tuple[Line, ...]
    problems: tuple[Problem, ...]

    def entries(self, income: bool) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.income is income)


def squeeze(value: Any) -> str:
    """Cell text as compared: full-width forms folded (ＮＦＫＣ), every space removed (摘　要)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def _header_key(value: Any) -> str | None:
    text = re.sub(r"[(（][^)）]*[)）]$", "", squeeze(value))  # 收入(元), 借方金额（元）
    return next((key for key, names in HEADERS.items() if text in names), None)


def _columns(row: tuple) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(row, start=1):
        key = _header_key(value)
        if key and key not in found:
            found[key] = index
    return found


def find_header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """(last header row, column of each key): the first row naming a date, a 摘要 and an amount,
    with the amounts possibly on the row below (a two-row header)."""
    for number, row in enumerate(sheet.rows[:HEADER_SEARCH], start=1):
        columns = _columns(row)
        if "date" not in columns or "item" not in columns:
            continue
        if "income" in columns or "expense" in columns:
            return number, columns
        below = _columns(sheet.rows[number]) if number < len(sheet.rows) else {}
        if "income" in below or "expense" in below:
            return number + 1, {**below, **columns}
    return None


def parse_date(value: Any) -> dt.date | None:
    """A date cell: an Excel date, an Excel serial number, 2026-10-08, 2026/10/8 or 2026年10月8日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text.isdigit() and len(text) <= 5:
        return parse_date(int(text))
    match = _DATE.fullmatch(text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_amount(value: Any) -> Decimal | None:
    """Yuan from a cell, exactly; None when the cell is empty (or 0, or a dash). MoneyError says
    why a filled cell is not an amount."""
    if isinstance(value, bool):
        raise MoneyError("应为金额")
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise MoneyError("应为金额")
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if amount != amount.quantize(CENT):
            if abs(amount - amount.quantize(CENT)) > Decimal("0.000001"):
                raise MoneyError(f"{value} 超过两位小数（到分）")
            amount = amount.quantize(CENT)  # the binary noise of a formula cell (0.1 + 0.2)
        return parse_money(amount.quantize(CENT)) or None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = re.sub(r"^(RMB|CNY|¥)\s*|\s*元$", "", text)
    if text in ("", "-", "—", "--", "/"):
        return None
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    return parse_money(text) or None


def category_of(subject: Any) -> str:
    """The first-level subject: 经营收入-土地发包 → 经营收入, 501 经营收入 → 经营收入."""
    text = unicodedata.normalize("NFKC", str(subject)).strip()
    text = re.sub(r"^\d+\s*", "", text)
    return _SUBJECT_SPLIT.split(text, maxsplit=1)[0].strip()


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 凭证号 12 typed into a number cell
    return unicodedata.normalize("NFC", str(value)).strip()


def read_journal(sheet: Sheet, shown: str, income: tuple[str, ...], expense: tuple[str, ...]) -> Journal:
    """Every entry of the journal, or the problems of each cell that cannot be read."""
    problems: list[Problem] = []
    header = find_header(sheet)
    if header is None:
        wanted = "、".join(f"{NAMES[k]}（{'/'.join(HEADERS[k])}）" for k in HEADERS)
        return Journal((), (error(shown, 1, 1, "schema", f"在前 {HEADER_SEARCH} 行找不到表头：表头应有这些列：{wanted}"),))
    header_row, columns = header
    for key in ("voucher", "subject"):
        if key not in columns:
            problems.append(error(shown, header_row, 1, "schema", f"表头中没有“{NAMES[key]}”列（可写作 {'、'.join(HEADERS[key])}）"))
    if problems:
        return Journal((), tuple(problems))

    lines: list[Line] = []
    since_total: list[Line] = []
    for number in range(header_row + 1, len(sheet.rows) + 1):
        row = _Row(sheet, shown, columns, number)
        words = [squeeze(value) for value in sheet.rows[number - 1] if isinstance(value, str)]
        if not any(squeeze(value) for value in sheet.rows[number - 1]):
            continue
        if any(word.endswith(TOTALS) or word.startswith(TOTALS) for word in words):
            if not problems:  # with a row unread, a total cannot match: that row is the news
                problems += _check_total(row, since_total, words)
            since_total = []
            continue
        line, found = _entry(row, income, expense)
        problems += found
        if line is not None:
            lines.append(line)
            since_total.append(line)
    return Journal(tuple(lines), tuple(problems or _duplicates(lines, shown, columns["voucher"])))


@dataclass(frozen=True)
class _Row:
    """One spreadsheet row below the header, read by field."""

    sheet: Sheet
    shown: str
    columns: dict[str, int]
    number: int

    def value(self, key: str) -> Any:
        return self.sheet.cell(self.number, self.columns[key]) if key in self.columns else ""

    def problem(self, key: str, code: str, message: str) -> Problem:
        return error(self.shown, self.number, self.columns.get(key, 1), code, message)


def _side(row: _Row) -> tuple[bool, Decimal] | list[Problem] | None:
    """(is income, amount) of the row; None when it has no amount; else its problems."""
    amounts = {}
    for key in ("income", "expense"):
        try:
            amounts[key] = parse_amount(row.value(key))
        except MoneyError as exc:
            return [row.problem(key, "amount-format", f"{NAMES[key]}：{exc}")]
    if amounts["income"] is None and amounts["expense"] is None:
        return None
    if amounts["income"] is not None and amounts["expense"] is not None:
        return [row.problem("expense", "amount-format", "同一行既有收入又有支出：请分成两行")]
    key = "income" if amounts["income"] is not None else "expense"
    if amounts[key] < 0:
        return [row.problem(key, "amount-format", f"金额 {amounts[key]} 是负数（红字冲销）：请在会计软件中冲销后导出，或写成相反方向的一笔")]
    return key == "income", amounts[key]


def _entry(row: _Row, income: tuple[str, ...], expense: tuple[str, ...]) -> tuple[Line | None, list[Problem]]:
    """The row's entry, or the problems of each of its cells."""
    item = _text(row.value("item"))
    side = _side(row)
    if side is None:
        if squeeze(item) in CARRIED or parse_date(row.value("date")) is None:
            return None, []  # a carried balance, or a signature line (制表人：……) below the entries
        return None, [row.problem("item", "schema", f"这一行（{item or '没有摘要'}）既没有收入也没有支出金额")]
    if isinstance(side, list):
        return None, side
    is_income, amount = side
    date = parse_date(row.value("date"))
    voucher = _text(row.value("voucher"))
    category = category_of(row.value("subject"))
    allowed = income if is_income else expense
    problems = []
    if date is None:
        problems.append(row.problem("date", "schema", f"日期“{_text(row.value('date'))}”看不懂，请写成 2026-10-08、2026/10/8 或 2026年10月8日"))
    for key, value in (("voucher", voucher), ("item", item)):
        if not value:
            problems.append(row.problem(key, "schema", f"{NAMES[key]}不能为空"))
        problems += _unpublishable(value, row, key)
    if category not in allowed:
        kind = "收入" if is_income else "支出"
        problems.append(row.problem("subject", "finance-category", f"科目“{_text(row.value('subject'))}”不是{kind}科目，应为 {'、'.join(allowed)} 之一（可写二级科目，如 {allowed[0]}-……）"))
    if problems:
        return None, problems
    return Line(row.number, date, voucher, item, category, amount, is_income), []


def _duplicates(lines: list[Line], shown: str, column: int) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for line in lines:
        if line.voucher in first:
            problems.append(error(shown, line.row, column, "voucher-duplicate", f"凭证号 {line.voucher} 与第 {first[line.voucher]} 行重复"))
        first.setdefault(line.voucher, line.row)
    return problems


def _unpublishable(text: str, row: _Row, key: str) -> list[Problem]:
    """A personal number or a control character in a text that would be written: located at its
    cell, so it never reaches the content repository (and its git history)."""
    found = privacy.scan(row.shown, text) + [p for p in characters.scan(row.shown, text) if p.severity is Severity.ERROR]
    cell = row.problem(key, "", "")
    return [dataclasses.replace(p, line=cell.line, col=cell.col) for p in found]


def _check_total(row: _Row, lines: list[Line], words: list[str]) -> list[Problem]:
    """A 合计 row must add up to the entries above it (累计 rows run over the year: not checked)."""
    if any("累计" in word for word in words):
        return []
    problems = []
    for key, is_income in (("income", True), ("expense", False)):
        cell = row.value(key)
        try:
            stated = parse_amount(cell) or Decimal("0.00")
        except MoneyError:
            continue
        if not squeeze(cell):
            continue
        total = sum((line.amount for line in lines if line.income is is_income), Decimal("0.00"))
        if stated != total:
            problems.append(row.problem(key, "finance-balance", f"合计行的{NAMES[key]} {stated:.2f} 与上面各笔之和 {total:.2f} 不符"))
    return problems

"""A spreadsheet (xlsx/xls, or csv in UTF-8, UTF-8 with BOM or GB18030) as rows of cell values,
numbered as the spreadsheet shows them, so every problem can name FILE:ROW:COL.

xlsx is read with python-calamine (Rust): about 15x faster than openpyxl on a 1,000-row journal
and it also reads the old .xls that much accounting software still exports.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .oserrors import reason

EXCEL = (".xlsx", ".xlsm", ".xls")
MAX_BYTES = 20 * 1024 * 1024  # a month's journal is a few hundred KB; more is the wrong file


class SpreadsheetError(Exception):
    """Why the file cannot be read at all, in Chinese (located at the file's first cell)."""

    def __init__(self, message: str, code: str = "schema") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Sheet:
    """`rows[r - 1][c - 1]` is the value at spreadsheet row r, column c: text, a number, a date
    (from a date-formatted Excel cell) or '' when empty. `merged` holds the merged areas as
    (first row, first column, last row, last column), from 1."""

    rows: tuple[tuple[Any, ...], ...]
    merged: tuple[tuple[int, int, int, int], ...] = ()

    def cell(self, row: int, col: int) -> Any:
        line = self.rows[row - 1] if 0 < row <= len(self.rows) else ()
        return line[col - 1] if 0 < col <= len(line) else ""


def read_sheet(path: Path) -> Sheet:
    """The first worksheet of an Excel file, or the records of a csv file."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SpreadsheetError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，不像一个月的明细账，请确认选对了文件")
        if path.suffix.lower() in EXCEL:
            return _read_excel(path)
        if path.suffix.lower() in (".csv", ".txt"):
            return _read_csv(path.read_bytes())
    except FileNotFoundError as exc:
        raise SpreadsheetError("文件不存在，请检查文件名和所在文件夹") from exc
    except OSError as exc:
        raise SpreadsheetError(f"无法读取文件（{reason(exc)}）") from exc
    raise SpreadsheetError("只能导入 .xlsx、.xls 或 .csv 文件（请在会计软件中导出为 Excel 或 CSV）")


def _read_excel(path: Path) -> Sheet:
    from python_calamine import CalamineWorkbook  # imported on use: only `import` needs it

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise SpreadsheetError("这个 Excel 文件里没有工作表")
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or ()
    except SpreadsheetError:
        raise
    except Exception as exc:  # calamine reports a damaged or mislabelled file in English
        raise SpreadsheetError("无法读取这个 Excel 文件：文件已损坏，或不是真正的 Excel 文件（可用 Excel/WPS 打开后重新保存）") from exc
    areas = tuple((r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in merged)
    return Sheet(tuple(tuple(row) for row in rows), areas)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Excel and WPS save as "CSV" on a Chinese
    Windows); UTF-16 is what Excel calls "Unicode text"."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8):], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _strict(data, "gb18030")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SpreadsheetError("文件编码无法识别（应为 UTF-8 或 GB18030/GBK），请在 Excel/WPS 中另存为“CSV UTF-8”", "encoding") from exc


def _read_csv(data: bytes) -> Sheet:
    text = decode(data)
    sample = [line for line in text.splitlines()[:10] if line.strip()]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in sample))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:  # a NUL byte, or a quote never closed
        raise SpreadsheetError("CSV 文件格式有误（引号没有配对，或含有不可见的控制字符），请用 Excel/WPS 打开后重新导出") from exc
    return Sheet(tuple(tuple(row) for row in rows))

"""A spreadsheet (xlsx/xls, or csv in UTF-8, UTF-8 with BOM or GB18030) as rows of cell values,
numbered as the spreadsheet shows them, so every problem can name FILE:ROW:COL.

xlsx is read with python-calamine (Rust): about 15x faster than openpyxl on a 1,000-row journal.
calamine makes a sheet one dense block from A1 to its farthest cell and aborts the whole process
when that cannot be allocated (one cell at XFD1048576 asks for 512 GB), so the sheet's extent
is measured from its XML first, within a bound; .xls (binary) cannot be measured that way and
is not accepted.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .oserrors import reason

EXCEL = (".xlsx", ".xlsm")
MAX_ROWS, MAX_COLUMNS = 100_000, 200  # a month's journal: hundreds of rows, about ten columns
MAX_XML = 200 * 1024 * 1024  # uncompressed worksheet XML read while measuring (a zip bomb stops here)
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
        if path.suffix.lower() in (".xls", ".et"):
            raise SpreadsheetError("旧版 .xls 文件不能直接导入：请用 Excel/WPS 打开后另存为 .xlsx（或 CSV）再导入")
    except FileNotFoundError as exc:
        raise SpreadsheetError("文件不存在，请检查文件名和所在文件夹") from exc
    except OSError as exc:
        raise SpreadsheetError(f"无法读取文件（{reason(exc)}）") from exc
    raise SpreadsheetError("只能导入 .xlsx 或 .csv 文件（请在会计软件中导出为 Excel 或 CSV）")


def _read_excel(path: Path) -> Sheet:
    try:
        from python_calamine import CalamineWorkbook  # imported on use: only `import` needs it
    except ImportError as exc:  # an installation without its dependencies
        raise SpreadsheetError("读取 Excel 文件需要 python-calamine，它没有装好：请重新安装 sitegen，或把表格另存为 CSV 再导入") from exc

    _measure(path)
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


def _measure(path: Path) -> None:
    """Refuse a workbook whose worksheets reach beyond MAX_ROWS x MAX_COLUMNS (by cell reference,
    or by counting cells written without one), before calamine sizes its block by them."""
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            budget = MAX_XML
            for name in sheets:
                with archive.open(name) as stream:
                    budget = _measure_sheet(_Capped(stream, budget))
    except (zipfile.BadZipFile, ET.ParseError, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise SpreadsheetError("无法读取这个 Excel 文件：文件已损坏，或不是真正的 .xlsx 文件（可用 Excel/WPS 打开后重新保存）") from exc


def _measure_sheet(stream: _Capped) -> int:
    rows = 0
    for _, element in ET.iterparse(stream):
        tag = element.tag.rpartition("}")[2]
        if tag != "row":
            continue
        rows = int(element.get("r") or rows + 1)
        columns = 0
        for cell in element:
            reference = _REFERENCE.match(cell.get("r") or "")
            columns = _column(reference[1]) if reference else columns + 1
            rows = max(rows, int(reference[2]) if reference else 0)
            if columns > MAX_COLUMNS:
                raise SpreadsheetError(f"表格太宽（第 {rows} 行超过 {MAX_COLUMNS} 列），不像一个月的明细账：请只导出明细账那一张表")
        if rows > MAX_ROWS:
            raise SpreadsheetError(f"表格太长（超过 {MAX_ROWS} 行，远处还有内容），不像一个月的明细账：请删掉多余的行后重新保存")
        element.clear()
    return stream.left


_REFERENCE = re.compile(r"([A-Z]{1,3})(\d{1,7})$")


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


class _Capped(io.RawIOBase):
    """A stream that fails after `left` bytes: a small zip cannot unpack into unbounded XML."""

    def __init__(self, stream, left: int) -> None:
        self.stream, self.left = stream, left

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(min(len(buffer), self.left + 1))
        if len(data) > self.left:
            raise SpreadsheetError("这个 Excel 文件解压后太大，不像一个月的明细账")
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)


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

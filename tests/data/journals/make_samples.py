"""Write the sample journals that `sitegen import finance` supports, one per layout.

Run from the repository: `python tests/data/journals/make_samples.py`. The xlsx files are
written by hand (a few XML parts in a zip), so making them needs nothing beyond the standard
library and the bytes stay the same from run to run.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
HEADER = ["日期", "凭证号", "摘要", "科目", "收入", "支出"]
# 东滩村 2026-11: the examples' 2026-10 closing balance is the opening balance.
ENTRIES = [
    ["2026-11-03", "记-01", "收集体机动地承包费", "经营收入-土地发包", "36,000.00", ""],
    ["2026-11-08", "记-02", "支付保洁员工资", "公益支出", "", "3,300.00"],
    ["2026-11-12", "记-03", "收到镇财政拨付村级运转经费", "补助收入", "20,000.00", ""],
    ["2026-11-20", "记-04", "购买办公用品", "管理费用-办公费", "", "460.50"],
]
INCOME = "56,000.00"
EXPENSE = "3,760.50"


def _cell(ref: str, value: object, style: int = 0) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def write_xlsx(path: Path, rows: list[list[object]], merged: list[str] = (), date_columns: tuple[int, ...] = ()) -> None:
    """A one-sheet workbook; numbers in `date_columns` (from 0) are formatted as dates."""
    sheet_rows = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            _cell(f"{chr(65 + c)}{r}", value, 1 if c in date_columns and isinstance(value, int) else 0)
            for c, value in enumerate(row)
            if value != ""
        )
        sheet_rows.append(f'<row r="{r}">{cells}</row>')
    merges = f'<mergeCells count="{len(merged)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merged) + "</mergeCells>" if merged else ""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="现金日记账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/styles.xml": f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>{"".join(sheet_rows)}</sheetData>{merges}</worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 30, 0, 0, 0))
            archive.writestr(info, text, zipfile.ZIP_DEFLATED)


def serial(iso: str) -> int:
    """Excel's day number of a date (1900 system)."""
    import datetime as dt

    return (dt.date.fromisoformat(iso) - dt.date(1899, 12, 30)).days


def amount(text: str) -> float | str:
    return float(text.replace(",", "")) if text else ""


def main() -> None:
    # 1. xlsx as the accounting software exports it: a merged title row, real date cells and
    #    numbers (and one date left as a bare serial number), a totals row at the bottom and a signature line below it.
    title = [["东滩村2026年11月现金日记账"], ["单位：元"]]
    rows = [[serial(d), v, i, s, amount(a), amount(b)] for d, v, i, s, a, b in ENTRIES]
    rows[-1][0] = float(rows[-1][0])  # a bare serial number in a cell not formatted as a date
    write_xlsx(
        HERE / "titled-totals.xlsx",
        [*title, HEADER, *rows, ["", "", "本月合计", "", amount(INCOME), amount(EXPENSE)], ["制表人：王会计", "", "审核：刘秀英"]],
        merged=["A1:F1"],
        date_columns=(0,),
    )
    # 2. 借方/贷方 with a two-row header (金额 over 借方 | 贷方), 凭证字号, 会计科目, dates as
    #    text 2026/11/3 and amounts typed as text with separators and 元.
    debit_credit = [
        ["东滩村2026年11月银行存款日记账"],
        ["记账日期", "凭证字号", "摘　要", "会计科目", "金额", ""],
        ["", "", "", "", "借方金额", "贷方金额"],
        ["", "", "上月结转", "", "", ""],
        *[[d.replace("-", "/").replace("/0", "/"), v, i, s, f"{a}元" if a else "", f"{b}元" if b else ""] for d, v, i, s, a, b in ENTRIES],
        ["合计", "", "", "", INCOME, EXPENSE],
    ]
    write_xlsx(HERE / "debit-credit.xlsx", debit_credit, merged=["A1:F1", "E2:F2"])
    # 3. csv saved by Excel/WPS on a Chinese Windows: GB18030, dates 2026年11月3日.
    def chinese(iso: str) -> str:
        y, m, d = iso.split("-")
        return f"{y}年{int(m)}月{int(d)}日"

    lines = [",".join(["记账日期", "凭证编号", "摘要", "科目名称", "收入金额", "支出金额"])]
    lines += [",".join([chinese(d), v, i, s, f'"{a}"', f'"{b}"']) for d, v, i, s, a, b in ENTRIES]
    lines.append(",".join(["合计", "", "", "", f'"{INCOME}"', f'"{EXPENSE}"']))
    (HERE / "gb18030.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    # 4. csv "UTF-8 with BOM" (Excel's CSV UTF-8), full-width digits as some clerks type them.
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    lines = [",".join(HEADER)] + [",".join([d, v, i, s, f'"{a.translate(full)}"', f'"{b.translate(full)}"']) for d, v, i, s, a, b in ENTRIES]
    (HERE / "utf8-bom.csv").write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


if __name__ == "__main__":
    main()

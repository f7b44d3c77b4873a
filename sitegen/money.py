"""Exact money: yuan as Decimal with at most two decimals, never a binary float."""

from __future__ import annotations

import re
from decimal import Decimal

CENT = Decimal("0.01")
MAX_INTEGER_DIGITS = 12  # 999,999,999,999.99 yuan: what the board and 大写 (up to 亿) can show
_LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS
_MONEY_TEXT = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]{1,2})?")
_TOO_PRECISE = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]{3,}")

# Why a number-like text is not a plain number, checked in order (the first match explains it).
_NUMBER_ISSUES = (
    (re.compile(r".*[０-９].*"), "请用半角数字（0-9），不要用全角数字"),
    (re.compile(r"[-+]?\d+(\.\d+)?\s*[元¥￥]|[¥￥].*"), "只写数字，不写“元”或“¥”"),
    (re.compile(r".*\d[,，_]\d.*"), "不要写千位分隔符（逗号或下划线），如写 30000.00"),
    (re.compile(r"[-+]?0[xXoObB][0-9a-fA-F_]+"), "不能写成十六进制、八进制或二进制，请写十进制数字"),
    (re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)[eE][-+]?\d+"), "不能用科学计数法（如 1e5、1.0e+30），请写出全部数字"),
    (re.compile(r"[-+]?\d+(:\d+)+(\.\d*)?"), "数字中间不能有冒号（会被当成时间）"),
    (re.compile(r"[-+]?0\d+(\.\d*)?"), "数字不能以 0 开头（如写 100，不写 0100）"),
    (re.compile(r"[-+]?\.(inf|Inf|INF|nan|NaN|NAN)"), "不是一个数"),
    (re.compile(r"[-+]?(\.\d+|\d+\.)"), "小数点前后都要写数字（如 0.50、100.00）"),
    (re.compile(r".*\d\s+\d.*"), "数字中间不要有空格"),
)


class MoneyError(ValueError):
    """The value is not an amount a clerk may write (the message is Chinese, for the clerk)."""


def number_issue(text: str) -> str | None:
    """Why `text`, meant as a number, is not one a clerk may write (YAML 1.1 would have read it)."""
    stripped = text.strip()
    return next((reason for pattern, reason in _NUMBER_ISSUES if pattern.fullmatch(stripped)), None)


def _checked(amount: Decimal) -> Decimal:
    """The amount in cents, if the board and 大写 can show it."""
    if abs(amount) >= _LIMIT:
        raise MoneyError(f"金额太大：整数部分最多 {MAX_INTEGER_DIGITS} 位（不超过 999999999999.99 元）")
    return amount.quantize(CENT)


def parse_money(value: object) -> Decimal:
    """Parse a YAML scalar (int, Decimal from a plain decimal, or str) into yuan, exactly.

    Text follows the same rules as a plain number: no leading zero, separator or exponent.
    """
    if isinstance(value, bool) or value is None:
        raise MoneyError("应为金额（如 1260.00）")
    if isinstance(value, int):
        return _checked(Decimal(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError("应为金额（如 1260.00）")
        if value.as_tuple().exponent < -2:
            raise MoneyError("金额最多两位小数（到分）")
        return _checked(value)
    if isinstance(value, str):
        text = value.strip()
        if _MONEY_TEXT.fullmatch(text):
            return _checked(Decimal(text))
        if _TOO_PRECISE.fullmatch(text):
            raise MoneyError("金额最多两位小数（到分）")
        issue = number_issue(text)
        raise MoneyError(f"应为金额：{issue}" if issue else "应为金额（只写数字，如 1260.00，不写“元”或“¥”）")
    raise MoneyError("应为金额（如 1260.00）")


def format_money(amount: Decimal) -> str:
    """12345.6 → '12,345.60': grouped for reading, always two decimals."""
    return f"{amount.quantize(CENT):,.2f}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _uppercase_integer(number: int) -> str:
    if number == 0:
        return ""
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    parts: list[str] = []
    zero_pending = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(parts)
            continue
        if parts and (zero_pending or group < 1000):
            parts.append("零")
        zero_pending = False
        digits = f"{group:04d}"
        text = ""
        inner_zero = False
        started = False
        for position, char in enumerate(digits):
            digit = int(char)
            if digit == 0:
                inner_zero = started
                continue
            if inner_zero:
                text += "零"
                inner_zero = False
            text += _DIGITS[digit] + _SMALL_UNITS[3 - position]
            started = True
        parts.append(text + _BIG_UNITS[index])
    return "".join(parts)


def uppercase_yuan(amount: Decimal) -> str:
    """Chinese financial uppercase (大写), as written on cheques and board totals: 壹万贰仟叁佰肆拾伍元陆角整."""
    cents = int((abs(amount.quantize(CENT)) * 100).to_integral_value())
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    sign = "负" if amount < 0 else ""
    text = _uppercase_integer(yuan)
    if text:
        text += "元"
    if jiao == 0 and fen == 0:
        return sign + (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "整"
    return sign + text

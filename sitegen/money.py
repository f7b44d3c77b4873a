"""Exact money: yuan as Decimal with at most two decimals, never a binary float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
_MONEY_TEXT = re.compile(r"-?\d+(\.\d{1,2})?")


class MoneyError(ValueError):
    """The value is not an amount a clerk may write (the message is Chinese, for the clerk)."""


def parse_money(value: object) -> Decimal:
    """Parse a YAML scalar (int, Decimal from a YAML float, or str) into yuan, exactly."""
    if isinstance(value, bool) or value is None:
        raise MoneyError("应为金额（如 1260.00）")
    if isinstance(value, int):
        return Decimal(value).quantize(CENT)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError("应为金额（如 1260.00）")
        if value.as_tuple().exponent < -2:
            raise MoneyError("金额最多两位小数（到分）")
        return value.quantize(CENT)
    if isinstance(value, str):
        text = value.strip()
        if "," in text or "，" in text:
            raise MoneyError("金额不要写千位分隔符（逗号）")
        if not _MONEY_TEXT.fullmatch(text):
            if re.fullmatch(r"-?\d+\.\d{3,}", text):
                raise MoneyError("金额最多两位小数（到分）")
            raise MoneyError("应为金额（只写数字，如 1260.00，不写“元”或“¥”）")
        try:
            return Decimal(text).quantize(CENT)
        except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes this
            raise MoneyError("应为金额（如 1260.00）") from exc
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

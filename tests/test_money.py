"""Money is exact: parsing never goes through binary floats; totals in 大写 read like a cheque."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.money import MoneyError, format_money, parse_money, uppercase_yuan
from sitegen.source import parse_yaml

cents = st.integers(min_value=-10**13, max_value=10**13)


@given(cents)
def test_yaml_amount_round_trips_exactly(value):
    text = f"{Decimal(value) / 100:.2f}"
    data, _, problems = parse_yaml(f"amount: {text}\n", "x.yaml")
    assert problems == []
    assert parse_money(data["amount"]) == Decimal(text)
    assert parse_money(text) == Decimal(text)


@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=40))
def test_sums_of_parsed_amounts_are_exact(values):
    texts = [f"{Decimal(v) / 100:.2f}" for v in values]
    total = sum((parse_money(t) for t in texts), Decimal("0"))
    assert total == Decimal(sum(values)) / 100


@pytest.mark.parametrize("bad", ["1,000.00", "¥100", "100元", "1.005", "abc", "", "1e3", True, None, [1]])
def test_bad_amounts_are_refused(bad):
    with pytest.raises(MoneyError):
        parse_money(bad)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("105.50", "壹佰零伍元伍角整"),
        ("1000.07", "壹仟元零柒分"),
        ("1010", "壹仟零壹拾元整"),
        ("10000", "壹万元整"),
        ("100001", "壹拾万零壹元整"),
        ("151930.50", "壹拾伍万壹仟玖佰叁拾元伍角整"),
        ("1000100", "壹佰万零壹佰元整"),
        ("100000000", "壹亿元整"),
        ("-12.30", "负壹拾贰元叁角整"),
    ],
)
def test_uppercase_yuan(amount, expected):
    assert uppercase_yuan(Decimal(amount)) == expected


def test_format_money_groups_and_keeps_cents():
    assert format_money(Decimal("1234567.5")) == "1,234,567.50"


_UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def _read_uppercase(text: str) -> Decimal:
    """An independent reader of 大写, to check uppercase_yuan against: 壹万零伍元陆角 → 10005.60."""
    sign = -1 if text.startswith("负") else 1
    text = text.removeprefix("负").removesuffix("整")
    yuan_text, _, cents_text = text.rpartition("元") if "元" in text else ("", "", text)
    total, section, digit = 0, 0, 0
    for char in yuan_text:
        if char in "零壹贰叁肆伍陆柒捌玖":
            digit = "零壹贰叁肆伍陆柒捌玖".index(char)
        elif char in _UNITS:
            section, digit = section + digit * _UNITS[char], 0
        elif char == "万":
            total, section, digit = total + (section + digit) * 10**4, 0, 0
        elif char == "亿":
            total, section, digit = (total + section + digit) * 10**8, 0, 0
    total += section + digit
    cents = 0
    for number, unit in re.findall(r"([壹贰叁肆伍陆柒捌玖])([角分])", cents_text):
        cents += "零壹贰叁肆伍陆柒捌玖".index(number) * (10 if unit == "角" else 1)
    return sign * (Decimal(total) + Decimal(cents) / 100)


@given(st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1))
def test_uppercase_covers_the_whole_accepted_range(cents):
    amount = Decimal(cents) / 100  # up to 999999999999.99: every amount parse_money accepts
    text = uppercase_yuan(amount)
    assert _read_uppercase(text) == amount, text
    if cents:  # 零元整 is the one amount that starts with 零
        assert not re.search(r"零零|零[元万亿]|^零", text.removeprefix("负")), text  # no doubled or dangling 零


def test_amounts_past_twelve_digits_are_refused():
    with pytest.raises(MoneyError, match="12 位"):
        parse_money("1000000000000.00")
    assert parse_money("999999999999.99") == Decimal("999999999999.99")

"""Money is exact: parsing never goes through binary floats; totals in 大写 read like a cheque."""

from __future__ import annotations

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

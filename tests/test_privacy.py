"""The privacy detectors: real numbers are caught, masked ones and ordinary numbers are not."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.privacy import find_personal_numbers, id18_valid, luhn_valid

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(area: int, born: dt.date, sequence: int) -> str:
    body = f"{area:06d}{born:%Y%m%d}{sequence:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]


def luhn_complete(prefix: str) -> str:
    for check in "0123456789":
        if luhn_valid(prefix + check):
            return prefix + check
    raise AssertionError


def codes(text: str) -> list[str]:
    return [finding.code for finding in find_personal_numbers(text)]


ids = st.builds(
    make_id,
    st.integers(110000, 659999),
    st.dates(dt.date(1900, 1, 1), dt.date(2026, 12, 31)),
    st.integers(0, 999),
)
filler = st.sampled_from(["", "户主", "王某某，", "身份证：", "第三组 ", "（", "\n- ["])


@given(ids, filler, filler)
def test_every_valid_id_is_found_wherever_it_stands(number, before, after):
    assert id18_valid(number)
    assert codes(before + number + after) == ["privacy-id"]


@given(ids)
def test_a_masked_id_passes(number):
    assert codes(number[:2] + "*" * 13 + number[-3:]) == []
    assert codes(number[:6] + "********" + number[-4:]) == []


@given(st.sampled_from("3456789"), st.integers(0, 99_999_999), st.sampled_from(["", " ", "-"]))
def test_every_mobile_number_is_found(second, rest, separator):
    number = f"1{second}{rest % 10}{rest // 10 % 10000:04d}{rest % 10000:04d}"
    spaced = number[:3] + separator + number[3:7] + separator + number[7:]
    assert codes(f"联系电话：{spaced}。") == ["privacy-phone"]
    assert codes(f"联系电话：{number[:3]}****{number[7:]}") == []


@given(st.integers(10**14, 10**18 - 1))
def test_every_luhn_card_number_is_found(prefix):
    card = luhn_complete(str(prefix))
    assert 16 <= len(card) <= 19
    found = codes(f"账号 {card}")
    assert found and set(found) <= {"privacy-bank", "privacy-id"}  # an 18-digit card can also be a valid ID


@pytest.mark.parametrize(
    "text",
    [
        "date: 2026-11-05",
        "posted: 20261105",
        "amount: 13812345678.00",  # an amount, not a phone number
        "amount: 151930.50",
        "voucher: 记-01",
        "voucher: 记字第2026100001号",
        "phone: 0539-6211234",
        "phone: 0543-7321001",
        "phone: (0543)7321001",
        "phone: 010-12345678",
        'code: "371603004201"',
        "code: 371699103204",
        "门牌号 12号，面积 1260.00 平方米，合同号 HT-2026-0018",
        "37**************12",
        "138****1234",
        "6222********7890",
        "2026年10月8日至2026年10月15日",
        "12:30",
    ],
)
def test_no_false_positive(text):
    assert codes(text) == []


def test_id_checksum_and_birth_date_matter():
    good = make_id(110105, dt.date(1949, 12, 31), 2)
    assert good == "11010519491231002X"
    assert codes(good) == ["privacy-id"]
    wrong_check = good[:-1] + "1"
    assert not id18_valid(wrong_check)
    assert "privacy-id" not in codes(wrong_check)
    assert not id18_valid("110105" + "19491331" + "0021")  # no 13th month


def test_legacy_fifteen_digit_id():
    assert codes("110105491231002") == ["privacy-id"]
    assert codes("110105491331002") == []  # month 13: not a birth date


def test_pre_commit_hook_command(tmp_path):
    from test_build_safety import run_cli

    leaked = tmp_path / "名单.csv"
    leaked.write_bytes("户主,身份证\n王某某,11010519491231002X\n".encode("gb18030"))  # an Excel export
    clean = tmp_path / "dibao.md"
    clean.write_text("王某某 37**************12 138****1234 0543-7321001\n", "utf-8")
    result = run_cli("privacy", str(leaked), str(clean), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{leaked.as_posix()}:2:5: error[privacy-id]: 发现身份证号码（18位）：身份证号码不能公开，请删除或打码（如 37**************12）"]
    assert run_cli("privacy", str(clean), cwd=tmp_path).returncode == 0


def test_pre_commit_hook_definition_calls_the_command():
    import yaml
    from conftest import ROOT

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["entry"] == "sitegen privacy" and hook["language"] == "python"

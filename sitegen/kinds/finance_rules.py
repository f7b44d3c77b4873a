"""Finance statements: balance, the chain between months, dates, vouchers and categories."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..model import Site, Village
from ..problems import Problem, error

if TYPE_CHECKING:
    from .finance import FinanceStatement


def check(site: Site, village: Village, statements: tuple[FinanceStatement, ...]) -> list[Problem]:
    problems: list[Problem] = []
    profile = site.profile
    by_period = {statement.period: statement for statement in statements if statement.period}
    for statement in statements:
        if statement.readable("opening_balance") and statement.readable("closing_balance") and _amounts_readable(statement):
            problems += _balance(statement)
        if statement.readable("opening_balance") and statement.period:
            problems += _chain(statement, by_period.get(_previous_month(statement.period)))
        problems += _entries(statement, "income", profile.income_categories)
        problems += _entries(statement, "expense", profile.expense_categories)
        problems += _vouchers(statement)
    return problems + _gaps(by_period)


def _at(statement: FinanceStatement, *keys, code: str, message: str) -> Problem:
    line, col = statement.source.at(keys)
    return error(statement.source.path, line, col, code, message)


def _balance(statement: FinanceStatement) -> list[Problem]:
    if statement.computed_closing == statement.closing_balance:
        return []
    return [
        _at(
            statement,
            "closing_balance",
            code="finance-balance",
            message=(
                f"期末余额 {_typed(statement.closing_balance)} 与 期初余额+收入−支出 = "
                f"{_typed(statement.opening_balance)} + {_typed(statement.income_total)} − "
                f"{_typed(statement.expense_total)} = {_typed(statement.computed_closing)} 不符"
            ),
        )
    ]


def _amounts_readable(statement: FinanceStatement) -> bool:
    """Every entry's amount was read (a bad voucher or date does not stop the balance check)."""
    return all(
        (side,) not in statement.unreadable
        and all(statement.readable(side, index, "amount") for index in range(len(getattr(statement, side))))
        for side in ("income", "expense")
    )


def _previous_month(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def _gaps(by_period: dict[str, FinanceStatement]) -> list[Problem]:
    """A month missing between two present ones (contract §13), at the later month's file: the
    chain of balances cannot be checked across the hole."""
    problems = []
    present = sorted(by_period)
    for earlier, later in zip(present, present[1:]):
        missing = []
        month = _next_month(earlier)
        while month < later:
            missing.append(month)
            month = _next_month(month)
        if missing:
            shown = missing[0] if len(missing) == 1 else f"{missing[0]} 至 {missing[-1]}"
            problems.append(
                _at(
                    by_period[later], "period", code="finance-gap",
                    message=f"{earlier} 与 {later} 之间缺少 {shown} 的财务收支公开（finance/{missing[0]}.yaml），期初余额无法与上月衔接核对；请补上缺少的月份",
                )
            )
    return problems


def _next_month(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"


def _chain(statement: FinanceStatement, previous: FinanceStatement | None) -> list[Problem]:
    if previous is None or not previous.readable("closing_balance") or previous.closing_balance == statement.opening_balance:
        return []
    return [
        _at(
            statement,
            "opening_balance",
            code="finance-chain",
            message=(
                f"期初余额 {_typed(statement.opening_balance)} 应等于上月（{previous.period}.yaml）"
                f"期末余额 {_typed(previous.closing_balance)}"
            ),
        )
    ]


def _entries(statement: FinanceStatement, side: str, categories: tuple[str, ...]) -> list[Problem]:
    problems = []
    label = "收入" if side == "income" else "支出"
    for index, entry in enumerate(getattr(statement, side)):
        if entry.date and statement.period and entry.date.strftime("%Y-%m") != statement.period:
            problems.append(
                _at(statement, side, index, "date", code="period-mismatch",
                    message=f"{label}第{index + 1}笔的日期 {entry.date.isoformat()} 不在本期 {statement.period} 内")
            )
        if entry.category is not None and entry.category not in categories:
            close = difflib.get_close_matches(entry.category, categories, n=1, cutoff=0.3)
            hint = f"，是不是“{close[0]}”？" if close else ""
            problems.append(
                _at(statement, side, index, "category", code="finance-category",
                    message=f"{label}科目“{entry.category}”不在{label}科目表中（{'、'.join(categories)}）{hint}")
            )
    return problems


def _vouchers(statement: FinanceStatement) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for side in ("income", "expense"):
        for index, entry in enumerate(getattr(statement, side)):
            where = f"{'收入' if side == 'income' else '支出'}第{index + 1}笔"
            if entry.voucher is None:
                continue
            if entry.voucher in seen:
                problems.append(
                    _at(statement, side, index, "voucher", code="voucher-duplicate",
                        message=f"凭证号 {entry.voucher} 重复：{seen[entry.voucher]}已经用过")
                )
            else:
                seen[entry.voucher] = where
    return problems


def _typed(amount) -> str:
    """An amount as the clerk types it (no thousands separators, which the format forbids)."""
    return f"{amount:.2f}"

"""Points: rule codes known and unique, each change worth its rule, dates inside the quarter, and
each balance chained from the previous quarter's file.

Choices where the contract is silent (docs/content-format.md says them too):
- a change's points must equal its rule's points: a rule with another value is another rule
  (`points-rule`), so the board's 细则 explain every number;
- a household is known by (household, group): masked names repeat across groups, and the same
  pair twice in one file cannot be chained (`points-chain`);
- with no previous file, or a household the previous file does not list (new to the scheme),
  the balance is not checked against anything: nobody knows what it started from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Site, Village
from ..problems import Problem, error

if TYPE_CHECKING:
    from .points import PointsQuarter


def check(_site: Site, _village: Village, quarters: tuple[PointsQuarter, ...]) -> list[Problem]:
    by_period = {q.period: q for q in quarters if q.period}
    problems: list[Problem] = []
    for quarter in quarters:
        problems += _rules(quarter)
        problems += _changes(quarter)
        problems += _households(quarter)
        if quarter.period and quarter.readable("households"):
            problems += _chain(quarter, by_period.get(previous_quarter(quarter.period)))
    return problems


def previous_quarter(period: str) -> str:
    year, quarter = int(period[:4]), int(period[-1])
    return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"


def _at(quarter: PointsQuarter, *keys, code: str, message: str) -> Problem:
    line, col = quarter.source.at(keys)
    return error(quarter.source.path, line, col, code, message)


def _rules(quarter: PointsQuarter) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for index, each in enumerate(quarter.rules):
        if each.code in seen:
            problems.append(_at(quarter, "rules", index, "code", code="points-rule",
                                message=f"细则代码 {each.code} 重复：第{index + 1}条与前面一条代码相同，每条细则的代码只能用一次"))
        seen.add(each.code)
    return problems


def _changes(quarter: PointsQuarter) -> list[Problem]:
    known = [each.code for each in quarter.rules]
    rules_known = quarter.readable("rules")
    problems = []
    for h, each in enumerate(quarter.households):
        for c, change in enumerate(each.changes):
            where = f"{each.household}（{each.group}）第{c + 1}条变动"
            if quarter.period and change.date and _quarter_of(change.date) != quarter.period:
                problems.append(_at(quarter, "households", h, "changes", c, "date", code="period-mismatch",
                                    message=f"{where}的日期 {change.date.isoformat()} 不在本季度 {quarter.period} 内"))
            if not rules_known:
                continue
            rule = quarter.rule(change.rule)
            if rule is None:
                problems.append(_at(quarter, "households", h, "changes", c, "rule", code="points-rule",
                                    message=f"{where}的细则代码 {change.rule} 不在本季度的 rules 中（有：{'、'.join(known)}）"))
            elif change.points != rule.points:
                problems.append(_at(quarter, "households", h, "changes", c, "points", code="points-rule",
                                    message=f"{where}记 {_signed(change.points)} 分，而细则 {rule.code}（{rule.text}）是 {_signed(rule.points)} 分；"
                                            f"分值不同的情况请在 rules 中另立一条细则"))
    return problems


def _households(quarter: PointsQuarter) -> list[Problem]:
    seen: dict[tuple[str, str], int] = {}
    problems = []
    for index, each in enumerate(quarter.households):
        key = (each.household, each.group)
        if key in seen:
            problems.append(_at(quarter, "households", index, "household", code="points-chain",
                                message=f"{each.group}的 {each.household} 出现了两次（第{seen[key] + 1}户和第{index + 1}户），无法与上季度对应；"
                                        f"同组同名的两户请写得能区分开，如 王某某（东）、王某某（西）"))
        else:
            seen[key] = index
    return problems


def _chain(quarter: PointsQuarter, previous: PointsQuarter | None) -> list[Problem]:
    if previous is None or not previous.readable("households"):
        return []
    balances = {(h.household, h.group): h.points for h in previous.households}
    problems = []
    for index, each in enumerate(quarter.households):
        before = balances.get((each.household, each.group))
        if before is None or not quarter.readable("households", index):
            continue
        expected = before + each.change
        if each.points != expected:
            problems.append(_at(quarter, "households", index, "points", code="points-chain",
                                message=f"{each.group} {each.household} 的积分 {each.points} 应等于上季度（{previous.period}.yaml）的 {before} 分"
                                        f"加本季度变动 {_signed(each.change)} 分 = {expected} 分"))
    return problems


def _quarter_of(date) -> str:
    return f"{date.year}-Q{(date.month - 1) // 3 + 1}"


def _signed(points: int) -> str:
    return f"+{points}" if points > 0 else str(points)

"""四议两公开: steps known and in procedure order, dates in order, votes that add up and pass.

Quorum and majority follow the contract (§7) and the organic law, in integer arithmetic
only: ⌈2/3·n⌉ ≤ present is written 3·present ≥ 2·n, and "more than half" 2·for > n.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Profile, Site, Village
from ..problems import Problem, error

if TYPE_CHECKING:
    from .major import MajorMatter, Step


def check(site: Site, village: Village, matters: tuple[MajorMatter, ...]) -> list[Problem]:
    problems: list[Problem] = []
    order = {step.code: index for index, step in enumerate(site.profile.steps)}
    rules = {step.code: step.vote for step in site.profile.steps}
    known = "、".join(order)
    for matter in matters:
        problems += check_votes_before_disclosure(matter, site.profile)
        last_index, last_date = -1, None
        for index, step in enumerate(matter.steps):
            at = _locator(matter, index)
            if step.step is None:  # unreadable, already reported
                continue
            if step.step not in order:
                problems.append(at("step", "step-order", f"不认识的步骤 {step.step}（可用：{known}）"))
                continue
            if order[step.step] <= last_index:
                problems.append(at("step", "step-order", f"步骤 {step.step} 的顺序不对：应按 {known} 的顺序，且每步只写一次"))
            if last_date and step.date and step.date < last_date:
                problems.append(at("date", "step-order", f"步骤 {step.step} 的日期 {step.date} 早于上一步的 {last_date}"))
            last_index, last_date = max(last_index, order[step.step]), step.date or last_date
            if rules[step.step]:
                problems += _votes(step, rules[step.step], at, lambda key, i=index: matter.readable("steps", i, key))
    return problems


def _locator(matter: MajorMatter, index: int):
    def at(key: str, code: str, message: str) -> Problem:
        line, col = matter.source.at(("steps", index, key))
        return error(matter.source.path, line, col, code, message)

    return at


def _votes(step: Step, rule: str, at, readable) -> list[Problem]:
    """Attendance and votes of one voting step. Each check runs when the counts it needs were
    read, so a count that does not add up does not hide a failed quorum or majority."""
    if not readable("meeting"):
        return []
    if rule == "party":
        meeting, base_key, base = "党员大会", "members", step.members
    elif step.meeting is None:
        return [at("step", "schema", f"步骤 {step.step} 须写 meeting（村民代表会议 或 村民会议）")]
    elif step.meeting == "村民会议":
        meeting, base_key, base = "村民会议", "adults", step.adults
    else:
        meeting, base_key, base = step.meeting, "members", step.members
    counts = {base_key: base, "present": step.present, "for": step.votes_for, "against": step.against, "abstain": step.abstain}
    known = {key: value for key, value in counts.items() if value is not None}
    missing = [key for key, value in counts.items() if value is None and readable(key)]
    problems = []
    if missing:
        problems.append(at("step", "votes", f"{meeting}表决须写明 {'、'.join(missing)}（{base_key} 应到人数、present 实到、for 赞成、against 反对、abstain 弃权）"))
    if {"for", "against", "abstain", "present"} <= known.keys():
        cast = step.votes_for + step.against + step.abstain
        if cast > step.present:
            problems.append(at("for", "votes", f"赞成 {step.votes_for} + 反对 {step.against} + 弃权 {step.abstain} = {cast}，超过实到人数 {step.present}"))
    if {base_key, "present"} <= known.keys():
        if step.present > base:
            problems.append(at("present", "votes", f"实到人数 {step.present} 超过应到人数（{base_key}）{base}"))
        problems += _quorum(meeting, base, step.present, at)
    # 党员大会 passes with more than half of all members; the meetings with more than half of those present
    majority_base, majority_label = (base, "应到党员") if meeting == "党员大会" else (step.present, "实到人数")
    if step.votes_for is not None and majority_base is not None and not 2 * step.votes_for > majority_base:
        problems.append(at("for", "majority", f"{meeting}须经{majority_label}过半数同意：{majority_label} {majority_base} 人，至少 {majority_base // 2 + 1} 票，赞成 {step.votes_for} 票"))
    return problems


def _quorum(meeting: str, base: int, present: int, at) -> list[Problem]:
    if meeting == "村民会议":
        if not 2 * present > base:
            return [at("present", "quorum", f"村民会议须有过半数的十八周岁以上村民参加：应到 {base} 人，实到 {present} 人，不足 {base // 2 + 1} 人")]
    elif not 3 * present >= 2 * base:
        need = -(-2 * base // 3)
        return [at("present", "quorum", f"{meeting}须有三分之二以上应到人员出席：应到 {base} 人，至少 {need} 人，实到 {present} 人")]
    return []


def check_votes_before_disclosure(matter: MajorMatter, profile: Profile) -> list[Problem]:
    """A disclosure step (any step after the procedure's last vote) needs every voting step before it."""
    order = [step.code for step in profile.steps]
    voting = [step for step in profile.steps if step.vote]
    if not voting or not matter.readable("steps"):  # an unreadable step may be the missing one
        return []
    last_vote = max(order.index(step.code) for step in voting)
    disclosed = next(
        (index for index, step in enumerate(matter.steps) if step.step in order and order.index(step.step) > last_vote),
        None,
    )
    if disclosed is None:
        return []
    written = {step.step for step in matter.steps}
    missing = [step for step in voting if step.code not in written]
    if not missing:
        return []
    line, col = matter.source.at(("steps", disclosed, "step"))
    names = "、".join(f"{step.name}（{step.code}）" for step in missing)
    shown = matter.steps[disclosed].step
    return [
        error(matter.source.path, line, col, "step-order",
              f"已写 {shown}，但缺少 {names} 这一步及其表决情况（members/adults 应到、present 实到、for 赞成）：四议两公开的表决不能跳过")
    ]

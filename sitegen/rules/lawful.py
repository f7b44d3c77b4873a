"""Who may sign off an item, and which votes a disclosed decision must show (contract §17).

A review is only worth something when the people the law names did it: the village affairs
supervision committee (村务监督委员会, village.yaml `supervisors`), or whoever the county's profile
permits besides (e.g. the township's 经管站). And a decision may only be disclosed as taken once
the party members' meeting and the villagers' meeting voted on it: steps may be written as a
matter progresses, but never skipped on the way to its disclosure.
"""

from __future__ import annotations

from ..model import Disclosure, MajorMatter, Profile, Site, Village
from ..problems import Problem, error


def check(site: Site) -> list[Problem]:
    problems: list[Problem] = []
    for village in site.villages:
        for item in (*village.finance, *village.affairs, *village.major):
            problems += check_reviewers(item, village, site.profile)
        for matter in village.major:
            problems += check_votes_before_disclosure(matter, site.profile)
    return problems


def check_reviewers(item: Disclosure, village: Village, profile: Profile) -> list[Problem]:
    """`error[reviewer]` at each reviewer who is neither a supervisor of the village nor permitted by the profile."""
    if item.review is None or not item.readable("review", "reviewers"):
        return []  # no review, or one whose reviewers are already reported as unreadable
    supervisors = village.supervisors
    allowed = {name.strip() for name in (supervisors.chair or "", *supervisors.members, *profile.reviewers) if name.strip()}
    listed = "、".join(n for n in (supervisors.chair, *supervisors.members) if n) or "（village.yaml 未写 supervisors）"
    problems = []
    for index, name in enumerate(item.review.reviewers):
        if name.strip() in allowed:
            continue
        line, col = item.source.at(("review", "reviewers", index))
        extra = f"，或 profile.yaml 的 reviewers 所列人员（{'、'.join(profile.reviewers)}）" if profile.reviewers else ""
        problems.append(
            error(item.source.path, line, col, "reviewer",
                  f"审核人“{name}”不是本村村务监督委员会成员（{listed}）{extra}；请由监委会主任或委员审核")
        )
    return problems


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

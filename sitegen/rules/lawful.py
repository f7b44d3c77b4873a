"""Who may sign off an item (contract §17).

A review is only worth something when the people the law names did it: the village affairs
supervision committee (村务监督委员会, village.yaml `supervisors`), or whoever the county's profile
permits besides (e.g. the township's 经管站). The votes a major matter must show before its
disclosure are the major kind's own rule (`kinds/major_rules.py`).
"""

from __future__ import annotations

from ..model import Disclosure, Profile, Site, Village
from ..problems import Problem, error


def check(site: Site) -> list[Problem]:
    problems: list[Problem] = []
    for village in site.villages:
        for item in village.items:
            problems += check_reviewers(item, village, site.profile)
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

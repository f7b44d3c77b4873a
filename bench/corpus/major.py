"""Major matters under 四议两公开 (contract §7): seven a year, with votes, progress and questions."""

from __future__ import annotations

import datetime as dt
import random
from typing import NamedTuple

from . import questions
from .common import Calendar, Village, after, front_matter, paragraphs, review_yaml, yuan


class Topic(NamedTuple):
    """A kind of major matter; a budget of 0 means no money is involved."""

    item: str
    word: str  # in the file name
    title: str
    what: str
    low: int  # budget range in yuan
    high: int


TOPICS = (
    Topic("public-works", "road", "村内主干道硬化工程", "硬化村内主干道，两侧设排水边沟", 200000, 800000),
    Topic("public-works", "square", "文化广场改造工程", "改造村文化广场，增设健身器材和照明", 80000, 300000),
    Topic("public-works", "streetlights", "太阳能路灯安装工程", "在主要街巷安装太阳能路灯", 40000, 150000),
    Topic("public-works", "canal", "排灌沟渠清淤整修", "清淤整修村东排灌沟渠", 30000, 120000),
    Topic("public-works", "clinic", "村卫生室改建工程", "改建村卫生室诊室和药房", 60000, 200000),
    Topic("collective-assets", "pond-lease", "集体鱼塘对外公开发包", "通过镇农村产权交易服务站公开竞价发包集体鱼塘", 50000, 250000),
    Topic("collective-assets", "factory-lease", "集体厂房对外出租", "公开招租集体闲置厂房", 60000, 300000),
    Topic("collective-assets", "land-lease", "集体机动地公开发包", "公开发包集体机动地", 40000, 200000),
    Topic("yishiyiyi", "farm-road", "生产路修建一事一议筹资筹劳", "修建田间生产路，村民筹资筹劳", 50000, 200000),
    Topic("yishiyiyi", "well-repair", "机井维修一事一议筹资筹劳", "维修更换老旧机井水泵", 20000, 90000),
    Topic("other", "rules", "村规民约修订", "修订村规民约，增加移风易俗条款", 0, 0),
    Topic("other", "garbage", "垃圾分类收集点建设", "建设垃圾分类收集点并配备分类桶", 20000, 80000),
)
PER_YEAR = 7
PROGRESS = ("开始组织实施，村务监督委员会派员全程监督。", "召开村民代表座谈会，通报实施进度，听取意见。", "实施完毕，村务监督委员会核查无异议。")
QUESTIONS = (
    ("这个项目的施工单位是怎么选定的？", "通过镇公共资源交易平台公开招标选定，中标结果已在公开栏和镇政府网站公示。"),
    ("项目完工后由谁验收？村民能不能参加？", "由镇有关部门、村务监督委员会和村民代表共同验收，验收时间提前在村民微信群通知。"),
    ("筹资筹劳每户要出多少？困难户怎么办？", "按村民代表会议决议的标准执行，低保户、特困户免于筹资，名单随决议一并公开。"),
)


def vote(rng: random.Random, members: int, majority_of: str) -> tuple[int, int, int, int]:
    """(present, for, against, abstain) with a two-thirds quorum that passes.

    `majority_of` is "members" for 党员大会 and "present" for 村民代表会议 (contract §7).
    """
    present = rng.randint(-(-2 * members // 3), members)
    base = members if majority_of == "members" else present
    votes_for = rng.randint(base // 2 + 1, present)
    against = rng.randint(0, min(3, present - votes_for))
    abstain = rng.randint(0, min(3, present - votes_for - against))
    return present, votes_for, against, abstain


def major_matter(rng: random.Random, village: Village, calendar: Calendar, year: int, index: int, topic: Topic) -> str:
    """One 四议两公开 matter; completed when its result falls before the corpus's last day."""
    proposal = dt.date(year, 1 + index * 12 // PER_YEAR, rng.randint(1, 10))
    deliberation = after(rng, proposal, 1, 5)
    party = after(rng, deliberation, 3, 8)
    resolution = after(rng, party, 3, 8)
    disclosed = after(rng, resolution, 1, 3)
    result = after(rng, disclosed, 60, 200)
    completed = rng.random() < 0.75 and result <= calendar.last_day
    party_members, delegates = rng.randint(25, 60), rng.randint(20, 45)
    p_present, p_for, p_against, p_abstain = vote(rng, party_members, "members")
    r_present, r_for, r_against, r_abstain = vote(rng, delegates, "present")
    steps = [
        f"  - {{step: proposal, date: {proposal}}}",
        f"  - {{step: deliberation, date: {deliberation}}}",
        f"  - {{step: party-review, date: {party}, members: {party_members}, present: {p_present}, for: {p_for}, against: {p_against}, abstain: {p_abstain}}}",
        f"  - {{step: resolution, date: {resolution}, meeting: 村民代表会议, members: {delegates}, present: {r_present}, for: {r_for}, against: {r_against}, abstain: {r_abstain}}}",
        f"  - {{step: resolution-disclosed, date: {disclosed}}}",
    ]
    progress = []
    if completed:
        steps.append(f"  - {{step: result-disclosed, date: {result}}}")
        span = (result - disclosed).days
        for step, text in enumerate(PROGRESS, start=1):  # spread over the quarters of the work
            date = disclosed + dt.timedelta(days=span * step // 4 + rng.randint(0, span // 8))
            progress += [f"  - date: {date}", f"    text: {text}"]
    amount = rng.randint(topic.low // 100, topic.high // 100) * 10000 if topic.high else 0
    budget = f"，预算{yuan(amount)}元" if amount else ""
    fields = [f"title: {village.name}{topic.title}", f"item: {topic.item}"]
    fields += [f"amount: {yuan(amount)}"] if amount else []
    fields += [
        f"summary: {topic.what}{budget}，经党员大会审议和村民代表会议决议通过。",
        review_yaml(village, max(resolution, disclosed - dt.timedelta(days=rng.randint(1, 2))), "程序完备，表决结果真实，同意公开。"),
        f"posted: {disclosed}",
        *questions.block(rng, calendar, disclosed, 0.15, QUESTIONS),
        "steps:",
        *steps,
    ]
    fields += ["progress:", *progress] if progress else []
    body = f"**方案**：{topic.what}。\n\n" + (f"**预算及资金来源**：总预算{yuan(amount)}元，由上级奖补资金和村集体自筹解决。\n\n" if amount else "")
    body += f"**监督**：{paragraphs(rng, 2)}"
    if completed:
        body += f"\n\n**实施结果**：已于{result.month}月{result.day}日完成并通过验收。"
    return front_matter(fields, body)

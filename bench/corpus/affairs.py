"""Village affairs items (contract §6): the baseline's quarterly items and its two yearly ones.

Quarterly: party-affairs, dibao, tekun, disability, subsidy, homestead, each posted by the 15th
of the month after the quarter; yearly: annual-plan in the year's first quarter (after the
spring 村民代表会议) and cadre-pay for the year in its fourth quarter, posted in January.
"""

from __future__ import annotations

import datetime as dt
import random

from . import questions
from .common import COUNTY, GROUPS, Calendar, Village, after, front_matter, paragraphs, person, quarter_name, quarter_posting, review_yaml, table_yaml, yuan

SUBSIDY_KINDS = ("耕地地力保护补贴", "玉米生产者补贴", "大豆生产者补贴", "稻谷补贴")
DIBAO_QUESTIONS = (
    ("低保名单里的保障人数是怎么核定的？", "按家庭共同生活的成员核定，经入户调查、民主评议后报镇民政办审核确认。"),
    ("家里老人生病开支大，能不能申请低保？", "可以到村委会提出申请，村里会在10日内入户调查，符合条件的按程序报镇审核。"),
)
PLANS = (
    "完成村内主干道硬化及排水边沟建设",
    "推进垃圾分类，每组设分类收集点",
    "续签集体鱼塘、厂房租赁合同，按程序公开竞价",
    "开展人居环境整治，每月评比“美丽庭院”",
    "完成机井维修和生产路修建",
    "规范村级财务管理，每月按时公开收支",
    "组织农技培训两期，推广玉米密植技术",
    "做好低保、特困、残疾人补贴的动态管理",
)
POSTS = (("党支部书记、村委会主任", 300000, 420000), ("村委会副主任", 200000, 300000), ("村委会委员、会计", 180000, 260000), ("村委会委员、妇联主席", 160000, 240000))


def _fields(village: Village, rng: random.Random, title: str, period: str, code: str, posted: dt.date, summary: str, opinion: str, days: int = 0) -> list[str]:
    """Front matter common to every affairs item; `days` > 0 adds a 公示期 of at least that many days."""
    fields = [f"title: {title}", f"period: {period}", f"item: {code}", f"posted: {posted}"]
    fields += [f"posted_until: {after(rng, posted, days, days * 2)}"] if days else []
    fields += [f"summary: {summary}", review_yaml(village, posted - dt.timedelta(days=rng.randint(1, 2)), opinion)]
    return fields


def dibao(rng: random.Random, village: Village, calendar: Calendar, year: int, quarter: int) -> str:
    households = [(person(rng), rng.choice(GROUPS), rng.randint(1, 4)) for _ in range(rng.randint(10, 25))]
    grants = [size * rng.randint(42, 62) * 1000 for _, _, size in households]  # fen a month
    rows = [(*household, yuan(fen)) for household, fen in zip(households, grants)]
    persons, total = sum(size for _, _, size in households), sum(grants)
    posted, name = quarter_posting(rng, year, quarter), quarter_name(year, quarter)
    fields = _fields(village, rng, f"{village.name}{name}城乡低保对象公示", f"{year}-Q{quarter}", "dibao", posted,
                     f"{name}本村现有低保对象{len(rows)}户{persons}人，每月发放低保金合计{yuan(total)}元。",
                     "经与镇民政办审核确认名单逐户核对，户数、人数和金额无误，同意公示。", 7)
    fields += questions.block(rng, calendar, posted, 0.05, DIBAO_QUESTIONS)
    fields.append(table_yaml(f"{village.name}城乡低保对象名单", ("户主姓名", "村民小组", "保障人数", "月保障金(元)"), rows))
    body = (
        f"根据《最低生活保障审核确认办法》，经本人申请、村民主评议、镇人民政府审核确认，现将本村{name}城乡低保对象名单予以公示。\n\n"
        "本季度变动情况：\n\n"
        f"- 新增{rng.randint(0, 3)}户，经入户调查、民主评议后审核确认；\n"
        f"- 退出{rng.randint(0, 2)}户，因家庭人均收入已超过本县农村低保标准。\n\n"
        f"{paragraphs(rng, 2)}\n\n"
        f"对名单有异议的，请向村务监督委员会反映（电话 {village.phone}）。"
    )
    return front_matter(fields, body)


def subsidy(rng: random.Random, village: Village, _calendar: Calendar, year: int, quarter: int) -> str:
    kind = SUBSIDY_KINDS[quarter - 1]
    rate = rng.randint(8000, 15000)  # fen per mu
    areas = [rng.randint(150, 1500) for _ in range(20)]  # hundredths of a mu
    grants = [(area * rate + 50) // 100 for area in areas]  # fen, rounded half up
    rows = [(person(rng), rng.choice(GROUPS), yuan(area), yuan(fen)) for area, fen in zip(areas, grants)]
    posted = quarter_posting(rng, year, quarter)
    fields = _fields(village, rng, f"{village.name}{year}年{kind}发放公示", f"{year}-Q{quarter}", "subsidy", posted,
                     f"{year}年{kind}按每亩{yuan(rate)}元发放，本村20户，补贴面积{yuan(sum(areas))}亩，补贴金额{yuan(sum(grants))}元。",
                     "经核对承包地确权面积和补贴标准，面积、金额计算无误，同意公示。", 7)
    fields.append(table_yaml(f"{village.name}{year}年{kind}发放明细", ("户主姓名", "村民小组", "补贴面积(亩)", "补贴金额(元)"), rows))
    body = (
        f"依据{COUNTY}农业农村局、财政局关于做好{year}年{kind}工作的通知，本年度补贴标准为每亩{yuan(rate)}元。\n\n"
        "补贴面积以农户第二轮土地承包确权面积为准，已改变用途、长期撂荒的耕地不予补贴。\n\n"
        f"{paragraphs(rng, 2)}"
    )
    return front_matter(fields, body)


def party_affairs(rng: random.Random, village: Village, _calendar: Calendar, year: int, quarter: int) -> str:
    members = rng.randint(25, 60)
    dues = [rng.randint(members * 6, members * 10) * 100 for _ in range(3)]  # fen a month
    rows = [(f"{(quarter - 1) * 3 + index + 1}月", members, members, yuan(fen)) for index, fen in enumerate(dues)]
    meetings, congress = rng.randint(2, 4), rng.randint(1, 3)
    posted, name = quarter_posting(rng, year, quarter), quarter_name(year, quarter)
    fields = _fields(village, rng, f"中共{village.name}支部委员会{name}党务公开", f"{year}-Q{quarter}", "party-affairs", posted,
                     f"本季度召开支部委员会{meetings}次、党员大会{congress}次，党费按月足额收缴，合计{yuan(sum(dues))}元。",
                     "内容属实，同意公开。")
    fields.append(table_yaml(f"{name}党费收缴情况", ("月份", "应缴人数", "实缴人数", "党费金额(元)"), rows))
    body = (
        f"**一、组织建设**\n\n本季度召开支部委员会{meetings}次、党员大会{congress}次，开展主题党日活动3次。\n\n"
        f"**二、发展党员**\n\n确定入党积极分子{rng.randint(0, 3)}名，经支部大会讨论报镇党委备案。\n\n"
        f"**三、党费收缴**\n\n党费按月收缴，本季度实缴{yuan(sum(dues))}元，已全额上缴镇党委。\n\n"
        f"对以上内容有意见建议的，请向村党支部或村务监督委员会（电话 {village.phone}）反映。"
    )
    return front_matter(fields, body)


def tekun(rng: random.Random, village: Village, _calendar: Calendar, year: int, quarter: int) -> str:
    rows = [(person(rng), rng.choice(GROUPS), rng.choice(("分散供养", "分散供养", "集中供养")), yuan(rng.randint(70, 95) * 1000)) for _ in range(rng.randint(1, 5))]
    posted, name = quarter_posting(rng, year, quarter), quarter_name(year, quarter)
    fields = _fields(village, rng, f"{village.name}{name}特困人员供养公示", f"{year}-Q{quarter}", "tekun", posted,
                     f"{name}本村特困供养人员{len(rows)}人，按月发放基本生活费。",
                     "名单与镇民政办审核确认结果一致，同意公示。", 7)
    fields.append(table_yaml(f"{village.name}特困供养人员名单", ("姓名", "村民小组", "供养方式", "月基本生活费(元)"), rows))
    body = f"经本人申请、村委会核实、镇人民政府审核确认，现将本村{name}特困人员供养情况予以公示。\n\n{paragraphs(rng, 1)}"
    return front_matter(fields, body)


def disability(rng: random.Random, village: Village, _calendar: Calendar, year: int, quarter: int) -> str:
    kinds = (("生活补贴", 13000), ("护理补贴", 15000), ("生活补贴及护理补贴", 28000))
    chosen = [rng.choice(kinds) for _ in range(rng.randint(3, 10))]
    rows = [(person(rng), rng.choice(GROUPS), kind, yuan(fen)) for kind, fen in chosen]
    posted, name = quarter_posting(rng, year, quarter), quarter_name(year, quarter)
    fields = _fields(village, rng, f"{village.name}{name}残疾人两项补贴公示", f"{year}-Q{quarter}", "disability", posted,
                     f"本季度享受残疾人两项补贴{len(rows)}人，每月发放补贴合计{yuan(sum(fen for _, fen in chosen))}元。",
                     "名单与镇残联审核结果逐人核对无误，同意公示。", 7)
    fields.append(table_yaml(f"{village.name}残疾人两项补贴名单", ("姓名", "村民小组", "补贴类别", "月补贴(元)"), rows))
    body = f"根据{COUNTY}残疾人两项补贴制度的规定，经本人申请、村委会初审、镇人民政府审核、县残联审批，现将本村{name}享受两项补贴的人员予以公示。\n\n{paragraphs(rng, 1)}"
    return front_matter(fields, body)


def homestead(rng: random.Random, village: Village, _calendar: Calendar, year: int, quarter: int) -> str:
    rows = [(person(rng), rng.choice(GROUPS), rng.choice(("分户另建", "危房改造", "原址翻建")), f"{rng.randint(120, 200)}.00", rng.randint(1, 2)) for _ in range(rng.randint(0, 3))]
    posted, name = quarter_posting(rng, year, quarter), quarter_name(year, quarter)
    summary = f"本季度受理宅基地申请{len(rows)}户，经村民小组讨论、村级公示后报镇审批。" if rows else "本季度无宅基地申请。"
    fields = _fields(village, rng, f"{village.name}{name}宅基地审批情况公示", f"{year}-Q{quarter}", "homestead", posted, summary, "申请材料齐全，面积符合标准，同意公示。", 7)
    if rows:
        fields.append(table_yaml(f"{village.name}{name}宅基地审批情况", ("申请户主", "村民小组", "申请理由", "批准面积(平方米)", "规划层数"), rows))
    body = f"宅基地申请经村民小组会议讨论、村内张榜公示无异议后报镇人民政府审批。对审批结果有异议的，请在公示期内向村务监督委员会（电话 {village.phone}）反映。"
    return front_matter(fields, body)


def annual_plan(rng: random.Random, village: Village, _calendar: Calendar, year: int) -> str:
    plans = rng.sample(PLANS, rng.randint(4, 6))
    posted = dt.date(year, rng.choice((2, 3)), rng.randint(5, 25))
    fields = _fields(village, rng, f"{village.name}{year}年度工作计划", f"{year}-Q1", "annual-plan", posted,
                     f"{year}年村级重点工作{len(plans)}项，经村民代表会议讨论通过。", "计划经村民代表会议讨论通过，同意公开。")
    items = "\n".join(f"{number}. {plan}；" for number, plan in enumerate(plans, start=1))
    return front_matter(fields, f"经{year}年{posted.month}月村民代表会议讨论通过，本年度重点工作如下：\n\n{items}\n\n{paragraphs(rng, 1)}")


def cadre_pay(rng: random.Random, village: Village, _calendar: Calendar, year: int) -> str:
    """The year's pay, posted in January of the next year under the year's fourth quarter."""
    pays = [(post, rng.randint(low, high) * 10, rng.randint(low // 10, low // 4) * 10) for post, low, high in POSTS]
    rows = [(post, person(rng), yuan(base), yuan(bonus), yuan(base + bonus)) for post, base, bonus in pays]
    total = sum(base + bonus for _, base, bonus in pays)
    posted = dt.date(year + 1, 1, rng.randint(5, 15))
    fields = _fields(village, rng, f"{village.name}{year}年度村干部报酬公开", f"{year}-Q4", "cadre-pay", posted,
                     f"{year}年度村干部{len(rows)}人，基本报酬和绩效报酬合计{yuan(total)}元，由镇财政统一发放。",
                     "报酬标准与镇党委考核结果一致，同意公开。")
    fields.append(table_yaml(f"{village.name}{year}年度村干部报酬", ("职务", "姓名", "基本报酬(元)", "绩效报酬(元)", "合计(元)"), rows))
    return front_matter(fields, f"村干部报酬按{COUNTY}村干部报酬管理办法发放，绩效报酬依据年度考核结果核定。\n\n{paragraphs(rng, 1)}")


QUARTERLY = {
    "party-affairs": party_affairs,
    "dibao": dibao,
    "tekun": tekun,
    "disability": disability,
    "subsidy": subsidy,
    "homestead": homestead,
}
YEARLY = {"annual-plan": (1, annual_plan), "cadre-pay": (4, cadre_pay)}  # code: (quarter folder, writer)

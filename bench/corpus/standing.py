"""Standing items (长期公开, contract §14.1): the baseline's four, on the board from `since` on."""

from __future__ import annotations

import datetime as dt
import random

from .common import Calendar, Village, front_matter, review_yaml, table_yaml

RULES = (
    "爱党爱国，遵纪守法，维护社会稳定。",
    "红白喜事简办，不大操大办，不铺张浪费。",
    "孝敬老人，关爱儿童，邻里和睦，互帮互助。",
    "爱护公共设施，不乱堆乱放，不乱倒垃圾。",
    "禁止露天焚烧秸秆和垃圾，保护村庄环境。",
    "按时参加村民会议，积极参与村内公益事业。",
    "移风易俗，抵制高价彩礼，倡导婚事新办。",
    "文明养犬，家禽家畜圈养，不影响他人。",
)
POWERS = (
    ("村级重大事项决策", "村党组织、村民委员会", "按“四议两公开”程序办理", "按程序进行"),
    ("集体资产资源发包租赁", "村民委员会", "村“两委”商议、村民代表会议决议、公开竞价、结果公开", "30个工作日"),
    ("村级工程项目建设", "村民委员会", "立项、决议、招标、施工监督、验收、结算公开", "按项目工期"),
    ("村级财务支出审批", "村民委员会主任、村务监督委员会", "经办人签字、监督委员会审核、主任审批、按月公开", "5个工作日"),
    ("城乡低保申请", "村民委员会", "申请、入户调查、民主评议、公示、报镇审核", "10个工作日"),
    ("宅基地申请", "村民委员会", "申请、村民小组讨论、村级公示、报镇审批", "15个工作日"),
    ("困难救助申请", "村民委员会", "申请、核实、公示、报镇审批", "10个工作日"),
    ("村务公开", "村民委员会、村务监督委员会", "整理、审核、公开、留档", "每季度首月10日前"),
)
SERVICES = (
    ("出具居住证明", "村委会办公室", "身份证、户口簿", "当场办结"),
    ("城乡居民医保缴费", "村便民服务室", "身份证或社保卡", "当场办结"),
    ("养老保险待遇资格认证", "村便民服务室", "社保卡", "当场办结"),
    ("低保、特困申请受理", "村委会办公室", "申请书、户口簿、收入证明", "10个工作日"),
    ("残疾人补贴申请受理", "村便民服务室", "残疾人证、户口簿", "5个工作日"),
    ("宅基地申请受理", "村委会办公室", "申请书、户口簿", "15个工作日"),
)


def _fields(rng: random.Random, village: Village, calendar: Calendar, code: str, title: str, summary: str) -> tuple[list[str], dt.date]:
    posted = dt.date(calendar.years[0], 1, rng.randint(5, 15))
    return [f"title: {village.name}{title}", f"item: {code}", f"posted: {posted}", f"summary: {summary}",
            review_yaml(village, posted - dt.timedelta(days=rng.randint(1, 3)), "文本与村民代表会议通过的一致，同意公开。")], posted


def village_rules(rng: random.Random, village: Village, calendar: Calendar) -> str:
    rules = rng.sample(RULES, rng.randint(5, 7))
    fields, _ = _fields(rng, village, calendar, "village-rules", "村规民约", f"本村村规民约共{len(rules)}条，经村民会议讨论通过，报镇人民政府备案。")
    body = "\n".join(f"{number}. {rule}" for number, rule in enumerate(rules, start=1))
    return front_matter(fields, f"经村民会议讨论通过，制定本村村规民约如下：\n\n{body}\n\n本村规民约由村民委员会负责解释，村务监督委员会监督执行。")


def charter(rng: random.Random, village: Village, calendar: Calendar) -> str:
    fields, _ = _fields(rng, village, calendar, "charter", "村民自治章程", "章程规定村民会议、村民代表会议、村民委员会和村务监督委员会的职责与议事规则。")
    delegates = rng.randint(25, 45)
    body = (
        "**第一章 总则**\n\n本章程依据《中华人民共和国村民委员会组织法》制定，是本村村民自我管理、自我教育、自我服务的基本规范。\n\n"
        f"**第二章 村民代表会议**\n\n村民代表会议由村民代表{delegates}人组成，每五至十五户推选一人，会议须有三分之二以上组成人员参加方可召开。\n\n"
        "**第三章 村务监督**\n\n村务监督委员会负责村务公开、财务管理和重大事项决策程序的监督，每月审核财务收支。"
    )
    return front_matter(fields, body)


def power_list(rng: random.Random, village: Village, calendar: Calendar) -> str:
    fields, _ = _fields(rng, village, calendar, "power-list", "小微权力清单", f"本村小微权力清单列明{len(POWERS)}项村级权力的责任主体、办理流程和时限。")
    fields.append(table_yaml(f"{village.name}小微权力清单", ("权力事项", "责任主体", "办理流程", "办理时限"), list(POWERS)))
    return front_matter(fields, f"清单以外的村级事项，参照相近事项的流程办理。村干部违反清单规定程序办事的，村民可向村务监督委员会（电话 {village.phone}）反映。")


def service_guide(rng: random.Random, village: Village, calendar: Calendar) -> str:
    services = rng.sample(SERVICES, rng.randint(4, len(SERVICES)))
    fields, _ = _fields(rng, village, calendar, "service-guide", "便民服务指南", f"村便民服务室代办{len(services)}项常用事项，工作日上午8:30至下午5:00办理。")
    fields.append(table_yaml(f"{village.name}便民服务事项", ("服务事项", "办理地点", "所需材料", "办理时限"), services))
    return front_matter(fields, f"村便民服务室设在村委会一楼，咨询电话 {village.phone}。")


ITEMS = {"village-rules": village_rules, "charter": charter, "power-list": power_list, "service-guide": service_guide}

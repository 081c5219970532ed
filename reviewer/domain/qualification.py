"""Who may sit on a review committee, as each measure's document says.

云岭工匠 第十二条 and 工作室/工作站 第十五条: "须有副高职或技师及以上职务（职称）". Titles are
classified by level from a table covering the usual series (研究, 高校, 卫生, 出版, 文博,
工程, 经济, 会计, 中职…) and the skill ladder (技师, 高级技师, 特级技师, 首席技师); a title
the table does not know is not guessed at — the secretary records an override with a reason
(``qualification_note``), which the results document prints. 职业技能竞赛 第十一条/第十二条
asks instead for "相应资格的考评员" / "具备执裁职业资格" judges: a certificate per judge.
"""

from __future__ import annotations

import re

FULL_SENIOR = "正高"
DEPUTY_SENIOR = "副高"
TECHNICIAN = "技师"
BELOW = "below"

# title -> level; exact names after normalisation (no spaces, brackets dropped)
_LEVELS: dict[str, str] = {}
for _name in (
    "研究员", "教授", "主任医师", "主任药师", "主任护师", "主任技师", "编审", "研究馆员",
    "正高级工程师", "教授级高级工程师", "正高级经济师", "正高级会计师", "正高级审计师",
    "正高级统计师", "正高级讲师", "正高级教师", "正高级实习指导教师", "正高级农艺师",
    "正高级畜牧师", "正高级兽医师", "正高级政工师", "正高级实验师", "正高级工艺美术师",
    "高级记者", "高级编辑", "译审", "一级演员", "一级编剧", "一级导演", "一级美术师",
    "正高级律师", "一级律师", "一级法官", "一级检察官",
):
    _LEVELS[_name] = FULL_SENIOR
for _name in (
    "副研究员", "副教授", "副主任医师", "副主任药师", "副主任护师", "副主任技师", "副编审",
    "副研究馆员", "高级工程师", "高级经济师", "高级会计师", "高级审计师", "高级统计师",
    "高级讲师", "高级教师", "高级实习指导教师", "高级农艺师", "高级畜牧师", "高级兽医师",
    "高级政工师", "高级实验师", "高级工艺美术师", "高级建筑师", "高级规划师", "主任记者",
    "主任编辑", "副译审", "二级演员", "二级编剧", "二级导演", "二级美术师", "二级律师",
    "高级林业工程师", "高级农业工程师",
):
    _LEVELS[_name] = DEPUTY_SENIOR
for _name in ("技师", "高级技师", "特级技师", "首席技师"):
    _LEVELS[_name] = TECHNICIAN
# below the bar, named so that a near-miss is refused with certainty rather than by default
for _name in (
    "助理研究员", "实习研究员", "讲师", "助教", "工程师", "助理工程师", "技术员", "主治医师",
    "医师", "主管护师", "护师", "馆员", "助理馆员", "编辑", "助理编辑", "经济师", "会计师",
    "助理会计师", "高级工", "中级工", "初级工", "三级演员",
):
    _LEVELS[_name] = BELOW

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_SEPARATORS = re.compile(r"[、/／,，;；]")


def _normal(title: str) -> str:
    return _BRACKETS.sub("", title).replace(" ", "").replace("\u3000", "").strip()


def title_levels(title: str) -> list[str | None]:
    """The level of each title given (several may be listed, e.g. "高级工程师、高级技师");
    ``None`` for a title the table does not know."""
    return [_LEVELS.get(_normal(part)) for part in _SEPARATORS.split(title) if _normal(part)]


def title_is_qualified(title: str) -> bool:
    """True when a title is 副高职 or 技师 or above (第十二条/第十五条). Unknown titles are not."""
    return any(level in (FULL_SENIOR, DEPUTY_SENIOR, TECHNICIAN) for level in title_levels(title))

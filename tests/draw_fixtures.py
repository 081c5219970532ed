"""A small 云岭工匠 case folder without experts, and an expert pool to draw it from.

Pool ids P01…P40: P01–P30 qualified, in three fields; the rest exercise one exclusion reason
each (unqualified and unknown titles, an applicant's unit written with half-width brackets
or by its alias, a listed conflict, the avoid-list).
"""

from __future__ import annotations

import csv
from pathlib import Path

CASE_TOML = """measure = "yunling-craftsman"
title = "抽取测试（示例）"
year = 2026
secretary = "和丽萍"

[rules]
min_experts = 3

[groups.equipment]
name = "装备制造组"
kind = "professional"
nominate = 2
draw = 5
reserves = 2
fields = ["机械", "电气"]

[groups.energy]
name = "能源化工组"
kind = "professional"
nominate = 2
draw = 5
reserves = 2
fields = ["能源"]

[groups.comprehensive]
name = "综合组"
kind = "comprehensive"
draw = 5
reserves = 1
"""

APPLICATIONS = [
    ["id", "name", "unit", "group", "track", "flags", "summary", "id_number"],
    ["A01", "周示例", "滇中示例重型机械制造有限公司", "equipment", "", "", "事迹", ""],
    ["A02", "吴示例", "云岭示范交通建设（集团）有限公司", "equipment", "", "", "事迹", ""],
    ["A03", "江示例", "滇东示例汽车模具有限公司", "equipment", "", "", "事迹", ""],
    ["A04", "李示例", "云岭示范能源集团有限公司第二发电厂", "energy", "", "", "事迹", ""],
    ["A05", "王示例", "滇西示例新能源发电有限公司", "energy", "", "", "事迹", ""],
    ["A06", "赵示例", "普洱示例茶业集团有限公司", "energy", "", "", "事迹", ""],
]
ALIASES = [["alias", "unit"], ["滇中示例重机", "滇中示例重型机械制造有限公司"]]
CONFLICTS = [["expert", "application", "reason"], ["P35", "A04", "利害关系：曾共同承担项目"]]
TITLES = ("高级工程师", "正高级工程师", "高级技师", "技师", "副教授", "教授")
FIELDS = ("机械", "电气", "能源")

SPECIAL = [  # id, name, title, unit, field  — one exclusion reason each
    ["P31", "甲示例", "工程师", "示例大学甲", "机械"],                  # unqualified title
    ["P32", "乙示例", "首席专家", "示例大学乙", "能源"],                # unknown title
    ["P33", "丙示例", "高级技师", "云岭示范交通建设(集团)有限公司", "机械"],  # same unit (brackets)
    ["P34", "丁示例", "高级工程师", "滇中示例重机", "电气"],            # same unit via alias
    ["P35", "戊示例", "高级工程师", "示例研究院戊", "能源"],            # listed conflict
    ["P36", "己示例", "教授", "示例大学己", "能源"],                    # on the avoid-list
    ["P37", "庚示例", "高级工程师", "示例研究院庚", "建筑"],            # field only for 综合组
]


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def pool_rows(size: int = 30) -> list[list[str]]:
    rows = [["编号", "姓名", "职称", "工作单位", "专业领域", "身份证号", "手机"]]
    for i in range(1, size + 1):
        rows.append([f"P{i:02d}", f"专家{i:02d}", TITLES[i % len(TITLES)], f"示例单位{i:02d}",
                     FIELDS[i % len(FIELDS)], f"5399991970010{i:04d}"[:17] + "1",
                     f"1390000{i:04d}"])
    for special in SPECIAL:
        rows.append([*special, "", "13900009999"])
    return rows


def write_draw_case(root: Path, pool_size: int = 30) -> tuple[Path, Path]:
    """The case folder (no experts file yet) and ``pool.csv`` beside it."""
    folder = root / "case"
    folder.mkdir(parents=True)
    (folder / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    write_csv(folder / "applications.csv", APPLICATIONS)
    write_csv(folder / "unit_aliases.csv", ALIASES)
    write_csv(folder / "conflicts.csv", CONFLICTS)
    pool = root / "pool.csv"
    write_csv(pool, pool_rows(pool_size))
    return folder, pool


def write_avoid(root: Path) -> Path:
    path = root / "avoid.csv"
    write_csv(path, [["编号", "原因"], ["P36", "近三年与申报单位有合作"]])
    return path

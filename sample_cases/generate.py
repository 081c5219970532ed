"""Write the five demo case folders of sample_cases/ (all people, units and facts invented).

Run ``python sample_cases/generate.py``: it rewrites the folders and README.md, then reads
them back and checks the invariants the reviewer relies on (ids unique, groups, quorum after
recusal, summary length). The output is byte-identical on every run (fixed seeds, fixed xlsx
timestamps), so a regenerated folder seals to the same content.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
import tomllib
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any, TypeVar

import texts as T
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
YEAR = 2026
SEED = 20260415
PASSPHRASES = {
    "yunling-craftsman-2026": "demo-yunling-2026",
    "innovation-achievement-2026": "demo-achievement-2026",
    "innovation-studio-2026": "demo-studio-2026",
    "skills-contest-2026": "demo-skills-2026",
    "yunling-craftsman-drawn-2026": "demo-drawn-2026",
}
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
T_ = TypeVar("T_")


# ---- shared helpers ---------------------------------------------------------------------

class People:
    """Invented names and PINs, unique across all three cases so demos never collide."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.pins: set[str] = set()

    def name(self, rng: Random, gender: str | None = None) -> tuple[str, str]:
        gender = gender or rng.choice("男男男女")
        chars = T.MALE_CHARS if gender == "男" else T.FEMALE_CHARS
        while True:
            surname = (rng.choice(T.COMPOUND_SURNAMES) if rng.random() < 0.03
                       else rng.choice(T.SURNAMES))
            given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.75 else "")
            if len(set(given)) < len(given):
                continue
            full = surname + given
            if full not in self.names:
                self.names.add(full)
                return full, gender

    def pin(self, rng: Random) -> str:
        """A 6-digit PIN that is not a run or a repeat (demo only)."""
        while True:
            pin = f"{rng.randrange(100000, 1000000):06d}"
            if len(set(pin)) >= 4 and pin not in self.pins and pin not in "0123456789876543210":
                self.pins.add(pin)
                return pin


def id_number(rng: Random, birth_year: int) -> str:
    """An 18-digit identity number with a valid check digit under a made-up area code 539999."""
    body = f"539999{birth_year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def compose(rng: Random, sections: list[list[str]], fillers: list[str], closing: list[str],
            ctx: dict[str, Any], extra: Sequence[str] = (), low: int = 660) -> str:
    """Pick one variant per section, pad with filler sentences to about 600 characters."""
    parts = [rng.choice(s).format(**ctx) for s in sections] + [e.format(**ctx) for e in extra]
    pool = list(fillers)
    rng.shuffle(pool)
    tail = rng.choice(closing).format(**ctx) if closing else ""
    while len("".join(parts)) + len(tail) + len(T.NOTE) < low and pool:
        parts.insert(rng.randint(len(parts) // 2, len(parts)), pool.pop().format(**ctx))
    return "".join(parts) + tail + T.NOTE


def spread(rng: Random, items: list[T_], count: int) -> list[T_]:
    """``count`` items in shuffled rounds, so no profile repeats before all were used."""
    out: list[T_] = []
    while len(out) < count:
        batch = list(items)
        rng.shuffle(batch)
        out += batch
    return out[:count]


def pct(rng: Random) -> dict[str, Any]:
    """Before/after percentages that always improve."""
    q0 = rng.randint(72, 91)
    q1 = round(rng.uniform(95.0, 99.6), 1)
    return {"q0": q0, "q1": q1, "gap": round(q1 - q0, 1), "pct": rng.randint(12, 46)}


@dataclass
class App:
    id: str
    name: str
    unit: str
    group: str
    track: str = ""
    flags: list[str] = field(default_factory=list)
    summary: str = ""
    id_number: str = ""
    theory: str = ""  # 技能竞赛: the written theory mark (第十六条), imported per contestant
    team_size: int | None = None
    named_years: int | None = None
    leader: str = ""
    materials: dict[str, str] = field(default_factory=dict)


@dataclass
class Expert:
    id: str
    name: str
    title: str
    unit: str
    groups: list[str]
    pin: str
    id_number: str = ""
    certificate: str = ""  # 技能竞赛 第十一条 "相应资格的考评员"


@dataclass
class Case:
    folder: str
    measure: str
    title: str
    secretary: str
    rules: dict[str, Any]
    groups: list[tuple[str, str, str, int | None]]  # id, name, kind, nominate
    apps: list[App]
    experts: list[Expert]
    conflicts: list[tuple[str, str, str]]
    aliases: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # group id -> (draw, reserves, fields): the committee is drawn from pool.xlsx
    draws: dict[str, tuple[int, int, list[str]]] = field(default_factory=dict)
    about: list[str] = field(default_factory=list)  # README text when not the measure's


def assign_experts(rng: Random, people: People, plan: list[tuple[list[str], str, str]],
                   titles: dict[str, list[str]]) -> list[Expert]:
    """plan: (groups, unit, title-key) per expert, in id order."""
    experts = []
    for i, (groups, unit, title_key) in enumerate(plan, start=1):
        name, _ = people.name(rng)
        experts.append(Expert(f"E{i:03d}", name, rng.choice(titles[title_key]), unit, groups,
                              people.pin(rng), id_number(rng, rng.randint(1962, 1985))))
    return experts


def material_md(rng: Random, app: App, heading3: str, paragraphs: list[str]) -> str:
    nums = {"a": rng.randint(3, 15), "b": rng.randint(2, 12), "c": rng.randint(4, 30),
            "d": rng.randint(80, 2500), "e": rng.randint(2, 16)}
    rows = "\n".join(f"| {y} | {k} | {c} | {e.format(**nums)} |"
                     for y, (k, c, e) in zip(range(YEAR - 5, YEAR), T.MATERIAL_ROWS, strict=True))
    return (
        f"# {app.name} 申报补充材料\n\n"
        "> 本材料为虚构示例，仅用于评审通的演示与测试，所涉人员、单位和数据均不真实。\n\n"
        f"## 一、基本情况\n\n{paragraphs[0]}\n\n"
        f"## 二、近五年主要业绩\n\n| 年份 | 类别 | 内容 | 成效 |\n|---|---|---|---|\n{rows}\n\n"
        f"## 三、{heading3}\n\n{paragraphs[1]}\n\n{paragraphs[2]}\n\n"
        f"## 四、推荐单位意见\n\n经{app.unit}研究，同意推荐。上述材料经核实无误。\n\n"
        f"{T.NOTE}\n"
    )


# ---- case 1: 云岭工匠 ----------------------------------------------------------------------

CRAFTSMAN_GROUPS = [  # id, name, applications, nominate
    ("equipment", "装备制造组", 14, 8),
    ("energy", "能源化工组", 12, 7),
    ("construction", "建筑交通组", 12, 7),
    ("culture", "文旅服务与传统工艺组", 10, 6),
]
LEVELS = ["高级技师", "高级技师", "高级技师", "特级技师", "技师", "一级/高级技师"]
MOTTOS = ["三点一线", "四步精调", "五查五定", "一快三准", "双控三检", "分段对称", "望闻问切",
          "六字诀", "三看两听", "逐层递进", "四定一查", "两测一校"]
NICKS = ["技术活字典", "故障克星", "金手指", "老把式", "攻关尖兵", "精度守门人", "毫米工匠"]
DIRECT = {
    "equipment": "{y_h}年，{pron}被评为“中国质量工匠”，符合《云岭工匠选树管理办法》第六条规定，"
                 "推荐单位申请直接认定。",
    "construction": "{y_h}年，{pron}在全国职业技能大赛（一类大赛）{post}项目决赛中获得第二名，"
                    "符合《云岭工匠选树管理办法》第六条直接认定条件。",
}
PRIORITY = {
    "equipment": "全国技术能手", "energy": "云南省劳动模范",
    "construction": "云南省职工职业技能大赛技术状元", "culture": "云岭技能大师",
}
PRIORITY_TEXT = ("{y_h}年，{pron}荣获“{honour}”称号，属于《云岭工匠选树管理办法》第七条"
                 "所列优先评定情形。")
PRIOR_TEXT = "{pron}已于2023年被命名为“云岭工匠”，本次由所在单位再次推荐申报。"
EXPERT_TITLES = {
    "eng": ["正高级工程师", "高级工程师", "教授级高级工程师", "高级工程师"],
    "tech": ["高级技师", "特级技师", "技师"],
    "acad": ["教授", "副教授", "研究员", "副研究员"],
    "art": ["正高级工艺美术师", "高级工艺美术师", "副教授", "高级技师"],
    "econ": ["高级经济师", "正高级经济师", "高级工程师"],
}


def craftsman_ctx(rng: Random, name: str, gender: str, profile: tuple[str, ...],
                  birth: int) -> dict[str, Any]:
    post, craft, product, problem, keytech, metric, unit = profile
    years = YEAR - birth - rng.randint(17, 23)
    ctx: dict[str, Any] = dict(
        name=name, gender=gender, pron="他" if gender == "男" else "她", birth=birth,
        edu=rng.choice(["中专", "大专", "大专", "本科", "本科", "高中"]), unit=unit, post=post,
        level=rng.choice(LEVELS), years=years, start=YEAR - years, nick=rng.choice(NICKS),
        craft=craft, product=product, problem=problem, keytech=keytech, metric=metric,
        method=f"{name[0]}氏{rng.choice(MOTTOS)}{rng.choice(['操作法', '工作法', '作业法'])}",
        rework=rng.randint(3, 40) * 10, y1=rng.randint(2018, 2024), months=rng.randint(4, 18),
        tests=rng.randint(6, 50) * 10, n_proj=rng.randint(5, 16), n_inv=rng.randint(1, 5),
        n_util=rng.randint(4, 20), n_paper=rng.randint(2, 12), n_std=rng.randint(1, 6),
        n_qc=rng.randint(2, 8), n_sugg=rng.randint(20, 120), n_comp=rng.randint(3, 20),
        n_train=rng.randint(6, 30), n_trainee=rng.randint(3, 30) * 100, n_case=rng.randint(20, 90),
        n_lead=rng.randint(2, 9), n_team=rng.randint(15, 60), benefit=rng.randint(300, 6000),
        save=rng.randint(80, 900), loss=rng.randint(20, 300), benefit_y=rng.randint(60, 1200),
        y2=rng.randint(2022, 2025), y3=rng.randint(2016, 2024), safe=rng.randint(5, 15),
        notes=rng.randint(5, 30), visits=rng.randint(10, 80), n_posts=rng.randint(3, 6),
        y_h=rng.randint(2020, 2025),
    )
    ctx.update(pct(rng))
    n_app = rng.randint(8, 40)
    ctx.update(n_app=n_app, n_sen=rng.randint(2, n_app // 3), n_tech=rng.randint(2, n_app // 2),
               n_pat=int(ctx["n_inv"]) + int(ctx["n_util"]),
               benefit5=int(ctx["benefit_y"]) * 5 + rng.randint(0, 40))
    return ctx


def build_craftsman(people: People) -> Case:
    rng = Random(SEED + 1)
    apps: list[App] = []
    ctxs: dict[str, dict[str, Any]] = {}
    flags_at = {  # (group, index in group) -> flag
        ("equipment", 1): "direct", ("construction", 2): "direct",
        ("equipment", 4): "priority", ("energy", 0): "priority",
        ("construction", 5): "priority", ("culture", 1): "priority",
        ("energy", 7): "prior_honoree", ("culture", 6): "excluded:受到党纪处分影响期未满",
    }
    for gid, _gname, count, _nom in CRAFTSMAN_GROUPS:
        order = spread(rng, T.CRAFTSMAN_PROFILES[gid], count)
        for i, profile in enumerate(order):
            name, gender = people.name(rng)
            birth = rng.randint(1968, 1992)
            ctx = craftsman_ctx(rng, name, gender, profile, birth)
            flag = flags_at.get((gid, i))
            extra = []
            if flag == "direct":
                extra.append(DIRECT[gid])
            elif flag == "priority":
                ctx["honour"] = PRIORITY[gid]
                extra.append(PRIORITY_TEXT)
            elif flag == "prior_honoree":
                extra.append(PRIOR_TEXT)
            sections = [T.CRAFTSMAN_INTRO, T.CRAFTSMAN_SKILL, T.CRAFTSMAN_PROJECT,
                        T.CRAFTSMAN_PATENTS, T.CRAFTSMAN_MENTOR, T.CRAFTSMAN_BENEFIT]
            if not extra:
                sections.append(T.CRAFTSMAN_HONOURS)
            app = App(f"YL-{YEAR}-{len(apps) + 1:03d}", name, str(ctx["unit"]), gid,
                      flags=[flag] if flag else [], id_number=id_number(rng, birth))
            app.summary = compose(rng, sections, T.CRAFTSMAN_FILLER, T.CRAFTSMAN_CLOSING, ctx, extra)
            apps.append(app)
            ctxs[app.id] = ctx

    def first(gid: str, pred: Callable[[App], bool]) -> App:
        return next(a for a in apps if a.group == gid and pred(a))

    heavy = "滇中示例重型机械制造有限公司"
    plant = "云岭示范能源集团有限公司第二发电厂"
    bridge = "云岭示范交通建设（集团）有限公司"
    tea = "普洱示例茶业集团有限公司"
    solar = "滇西北示例新能源发电有限公司"
    self_app = first("construction", lambda a: not a.flags and a.unit != bridge)
    plain = ["云南示例理工大学机电工程学院", "云岭示范职业技术学院", "滇中示范工程技术研究院",
             "云南示例电力科学研究院", "云南示例交通职业技术学院", "滇西示例应用技术大学",
             "云岭示范化工设计院有限公司", "云南示例建筑科学研究院", "云南虚构工艺美术研究所",
             "云南示例旅游职业学院", "云南示范茶叶研究所", "滇中示范航空工业有限公司",
             "云南示例冶金集团技术中心", "滇南示范轨道交通职业学院"]
    plan: list[tuple[list[str], str, str]] = [
        (["equipment", "comprehensive"], plain[0], "acad"),
        (["equipment"], plain[11], "eng"),
        (["equipment"], "滇中示例重机", "tech"),            # alias of `heavy` (unit_aliases.csv)
        (["equipment"], plain[1], "tech"),
        (["equipment"], plain[2], "eng"),
        (["energy", "comprehensive"], plain[3], "eng"),
        (["energy"], plant, "tech"),                        # same unit, written identically
        (["energy"], plain[6], "eng"),
        (["energy"], plain[12], "acad"),
        (["construction", "comprehensive"], plain[7], "eng"),
        (["construction"], "云岭示范交通建设(集团)有限公司", "eng"),  # half-width brackets
        (["construction"], plain[4], "acad"),
        (["construction"], plain[13], "tech"),
        (["construction"], plain[5], "eng"),
        (["culture", "comprehensive"], plain[8], "art"),
        (["culture"], tea, "tech"),                         # same unit
        (["culture"], plain[9], "acad"),
        (["culture"], plain[10], "art"),
        (["comprehensive"], "云南示例省总工会技术创新专家库", "econ"),
        (["comprehensive"], solar, "eng"),                  # same unit as an energy applicant
        (["comprehensive"], self_app.unit, "tech"),         # is an applicant (same id number)
    ]
    experts = assign_experts(rng, people, plan, EXPERT_TITLES)
    me = experts[-1]
    people.names.discard(me.name)
    me.name, me.id_number, me.title = self_app.name, self_app.id_number, "高级技师"

    def pick(gid: str, avoid_units: tuple[str, ...] = ()) -> App:
        return first(gid, lambda a: not a.flags and a.unit not in avoid_units
                     and a.id != self_app.id and a.id not in used)

    used: set[str] = set()
    conflicts = []
    for eid, gid, avoid, reason in [
        ("E004", "equipment", (heavy,), "直系亲属：配偶"),
        ("E008", "energy", (plant,), "利害关系：曾与申报人共同承担企业技术攻关项目"),
        ("E012", "construction", (bridge,), "利害关系：系申报人所在单位外聘技术顾问"),
        ("E017", "culture", (tea,), "直系亲属：父女"),
        ("E019", "equipment", (heavy,), "其他：曾为申报人职业院校授课教师"),
        ("E006", "construction", (bridge,), "利害关系：与申报人所在单位存在业务合同关系"),
    ]:
        app = pick(gid, avoid)
        used.add(app.id)
        conflicts.append((eid, app.id, reason))

    for app in [first("equipment", lambda a: a.flags == ["direct"]),
                first("energy", lambda a: a.flags == ["priority"]),
                first("culture", lambda a: not a.flags),
                first("construction", lambda a: not a.flags and a.id != self_app.id)]:
        ctx = ctxs[app.id]
        app.materials["申报补充材料.md"] = material_md(rng, app, "技艺传承与带徒情况", [
            rng.choice(T.CRAFTSMAN_INTRO).format(**ctx) + rng.choice(T.CRAFTSMAN_SKILL).format(**ctx),
            rng.choice(T.CRAFTSMAN_MENTOR).format(**ctx),
            rng.choice(T.CRAFTSMAN_BENEFIT).format(**ctx) + rng.choice(T.CRAFTSMAN_FILLER).format(**ctx),
        ])
    app = apps[2]
    app.materials["技艺传承记录.txt"] = (
        f"{app.name} 技艺传承记录（纯文本材料示例）\n\n"
        + "\n".join(f"{y}年：带徒{rng.randint(2, 6)}人，开展现场教学{rng.randint(8, 30)}次。"
                    for y in range(YEAR - 4, YEAR))
        + f"\n\n{T.NOTE}\n"
    )
    return Case(
        folder="yunling-craftsman-2026", measure="yunling-craftsman",
        title="2026年度云岭工匠选树专家评审（示例）", secretary="和丽萍",
        rules={"min_experts": 3, "aggregate": "trimmed_mean", "trim_min": 5, "min_score": 60},
        groups=[(g, n, "professional", nom) for g, n, _c, nom in CRAFTSMAN_GROUPS]
        + [("comprehensive", "综合组", "comprehensive", None)],
        apps=apps, experts=experts, conflicts=conflicts,
        aliases=[("滇中示例重机", heavy), ("云岭示范能源二厂", plant)],
        notes=[
            f"E003 的单位写作简称“滇中示例重机”，经 unit_aliases.csv 对应到“{heavy}”（同单位）。",
            f"E007 与“{plant}”的申报人单位写法完全一致（同单位）。",
            "E011 的单位用半角括号“云岭示范交通建设(集团)有限公司”，申报人用全角括号（同单位）。",
            f"E016 与“{tea}”的申报人同单位；E020 仅在综合组，与能源化工组“{solar}”的申报人同单位。",
            f"E021 与申报人 {self_app.id} 是同一人（身份证号相同，本人申报），只在综合组。",
        ],
    )


# ---- case 2: 职工技术创新成果奖 -------------------------------------------------------------

ACHIEVEMENT_GROUPS = [("mech", "机械电气组", 15), ("energy", "能源冶金化工组", 15),
                      ("infra", "建筑交通与信息组", 15)]
ENV = ["二氧化碳排放约{co2}吨", "固体废弃物堆存约{waste}吨", "一线职工高风险作业次数",
       "非计划停运次数"]


def achievement_ctx(rng: Random, leader: str, gender: str, unit: str) -> dict[str, Any]:
    ctx: dict[str, Any] = dict(
        leader=leader, pron="他" if gender == "男" else "她", unit=unit,
        loss=rng.randint(30, 600), n_events=rng.randint(6, 40), hours=rng.randint(50, 900),
        n_team=rng.randint(4, 12), y0=rng.randint(2019, 2023), months=rng.randint(6, 24),
        y1=rng.randint(2022, 2024), m1=rng.randint(1, 12), run=rng.randint(6, 30),
        n_sites=rng.randint(2, 12), h0=rng.randint(6, 16), benefit=rng.randint(150, 5000),
        save=rng.randint(50, 1500), save_y=rng.randint(20, 500), ratio=rng.randint(3, 15),
        n_inv=rng.randint(1, 4), n_util=rng.randint(2, 12), n_soft=rng.randint(0, 4),
        n_std=rng.randint(1, 5), n_paper=rng.randint(1, 8), n_pat=rng.randint(3, 14),
        n_train=rng.randint(5, 30), n_cards=rng.randint(12, 60), years=rng.randint(12, 32),
        n_staff=rng.randint(40, 600), n_exam=rng.randint(30, 300), n_young=rng.randint(3, 20), n_meet=rng.randint(8, 40),
        n_ideas=rng.randint(30, 200), train_days=rng.randint(3, 10), n_cases=rng.randint(20, 120),
        invest=rng.randint(2, 60), payback=rng.randint(3, 18), trial=rng.randint(2, 8), site=rng.choice(["本单位一号生产线", "主要生产车间",
                                                        "重点工程现场", "下属三个作业区"]),
    )
    ctx["h1"] = round(int(ctx["h0"]) * rng.uniform(0.3, 0.7), 1)
    ctx["n_grant"] = rng.randint(2, int(ctx["n_pat"]))
    ctx["env"] = rng.choice(ENV).format(co2=rng.randint(500, 20000), waste=rng.randint(1, 50) * 1000)
    ctx.update(pct(rng))
    return ctx


def build_achievement(people: People) -> Case:
    rng = Random(SEED + 2)
    apps: list[App] = []
    ctxs: dict[str, dict[str, Any]] = {}
    for gid, _name, _nom in ACHIEVEMENT_GROUPS:
        projects = rng.sample(T.ACHIEVEMENT_PROJECTS[gid], 12)
        methods = T.ACHIEVEMENT_METHODS[gid]
        suggestions = T.ACHIEVEMENT_SUGGESTIONS[gid]
        items: list[tuple[str, tuple[str, ...]]] = (
            [("技术创新成果", tuple(p)) for p in projects]
            + [("先进操作法", tuple(m)) for m in methods]
            + [("合理化建议", tuple(s)) for s in suggestions])
        for track, spec in items:
            leader, gender = people.name(rng)
            unit = T.UNIT_OF[spec[0]]
            ctx = achievement_ctx(rng, leader, gender, unit)
            if track == "技术创新成果":
                title, obj, problem, technique, metric = spec
                ctx.update(title=title, obj=obj, problem=problem, technique=technique, metric=metric)
                sections = [T.ACHIEVEMENT_INTRO, T.ACHIEVEMENT_TEAM, T.ACHIEVEMENT_INNOVATION,
                            T.ACHIEVEMENT_RESULT, T.ACHIEVEMENT_BENEFIT, T.ACHIEVEMENT_IP]
                closing, fillers = T.ACHIEVEMENT_PROMOTION, T.ACHIEVEMENT_FILLER
            elif track == "先进操作法":
                title, domain, steps, effect = spec
                title = leader + title if rng.random() < 0.5 else title
                ctx.update(title=title, domain=domain, steps=steps, effect=effect, obj=domain,
                           save=rng.randint(20, 400), save_y=rng.randint(10, 150))
                sections = [T.METHOD_TEXT, T.METHOD_DETAIL, T.METHOD_STEPS, T.METHOD_RESULT,
                            T.METHOD_SPREAD]
                closing, fillers = T.METHOD_CLOSING, T.METHOD_FILLER
            else:
                title, problem, suggestion, noun = spec
                ctx.update(title=title, problem=problem, suggestion=suggestion, benefit_noun=noun,
                           obj="单位", save=rng.randint(20, 400), save_y=rng.randint(10, 150),
                           loss=rng.randint(15, 200))
                sections = [T.SUGGESTION_TEXT, T.SUGGESTION_PROCESS, T.SUGGESTION_BODY,
                            T.SUGGESTION_DETAIL, T.SUGGESTION_RESULT]
                closing, fillers = T.SUGGESTION_CLOSING, T.SUGGESTION_FILLER
            app = App(f"CX-{YEAR}-{len(apps) + 1:03d}", title, unit, gid, track=track,
                      leader=leader)
            extra = []
            if gid == "energy" and track == "技术创新成果" and not any(a.flags for a in apps):
                app.flags = ["excluded:核心技术已获省科学技术奖"]
                extra = ["经资格复审，该项目核心技术曾于{y1}年获省科学技术进步奖三等奖。"]
            app.summary = compose(rng, sections, fillers, closing, ctx, extra)
            apps.append(app)
            ctxs[app.id] = ctx

    plain = ["云南示例理工大学机电工程学院", "滇中示范工程技术研究院", "云南示例电力科学研究院",
             "云岭示范化工设计院有限公司", "云南示例交通职业技术学院", "云南示例建筑科学研究院",
             "云南示例冶金集团技术中心", "云岭示范职业技术学院", "云南示范科技评估中心",
             "滇西示例应用技术大学", "云南示例信息技术研究院"]
    energy_unit = next(a.unit for a in apps if a.group == "energy" and not a.flags)
    infra_unit = next(a.unit for a in apps if a.group == "infra")
    # 第十二条: one review by the 评审委员会 (no 综合组); every member sits in a group
    plan: list[tuple[list[str], str, str]] = [
        (["mech"], plain[0], "acad"),
        (["mech"], plain[7], "tech"),
        (["mech"], "滇中示范航空工业有限公司", "eng"),
        (["mech"], plain[9], "acad"),
        (["energy"], plain[2], "eng"),
        (["energy"], plain[3], "eng"),
        (["energy"], energy_unit, "tech"),                 # same unit as an energy project
        (["energy"], plain[6], "eng"),
        (["infra"], plain[5], "eng"),
        (["infra"], plain[4], "acad"),
        (["infra"], infra_unit, "eng"),                    # same unit as an infra project
        (["infra"], plain[10], "acad"),
        (["mech"], plain[8], "econ"),
        (["infra"], plain[1], "eng"),
        (["energy"], "云南示例省总工会技术创新专家库", "tech"),
    ]
    experts = assign_experts(rng, people, plan, EXPERT_TITLES)

    def pick(gid: str, track: str, avoid: str) -> App:
        return next(a for a in apps if a.group == gid and a.track == track and not a.flags
                    and a.unit != avoid and a.id not in used)

    used: set[str] = set()
    conflicts = []
    for eid, gid, track, avoid, reason in [
        ("E002", "mech", "技术创新成果", "", "本人申报：系该项目第三完成人"),
        ("E006", "energy", "技术创新成果", energy_unit, "直系亲属：第一完成人系其配偶"),
        ("E010", "infra", "先进操作法", infra_unit, "利害关系：曾为该项目提供有偿技术咨询"),
        ("E014", "infra", "技术创新成果", infra_unit, "同单位：与项目完成单位同属一个集团"),
        ("E013", "mech", "合理化建议", "", "其他：与第一完成人系师徒关系"),
    ]:
        app = pick(gid, track, avoid)
        used.add(app.id)
        conflicts.append((eid, app.id, reason))

    for app in [apps[0], apps[13], apps[45]]:
        ctx = ctxs[app.id]
        opening, body = {
            "技术创新成果": (T.ACHIEVEMENT_INTRO, T.ACHIEVEMENT_TEAM),
            "先进操作法": (T.METHOD_TEXT, T.METHOD_STEPS),
            "合理化建议": (T.SUGGESTION_TEXT, T.SUGGESTION_BODY),
        }[app.track]
        app.materials["成果简介.md"] = material_md(rng, app, "技术方案与应用情况", [
            rng.choice(opening).format(**ctx) + rng.choice(body).format(**ctx),
            rng.choice(T.ACHIEVEMENT_BENEFIT).format(**ctx),
            rng.choice(T.ACHIEVEMENT_PROMOTION).format(**ctx),
        ])
    return Case(
        folder="innovation-achievement-2026", measure="innovation-achievement",
        title="2026年云南省职工技术创新成果评审（示例）", secretary="段晓琳",
        rules={"min_experts": 3, "aggregate": "mean", "trim_min": 5, "min_score": 60},
        groups=[(g, n, "professional", None) for g, n, _nom in ACHIEVEMENT_GROUPS],
        apps=apps, experts=experts, conflicts=conflicts,
        notes=[
            "applications.xlsx 与 experts.csv 使用中文表头；类别列写政策中的中文类别名。",
            "experts.csv 带 UTF-8 BOM（Excel“CSV UTF-8”另存为的格式）。",
            f"E007 与能源冶金化工组“{energy_unit}”的项目同单位；E011 与“{infra_unit}”的项目同单位。",
            "conflicts.csv 含 本人申报、直系亲属、利害关系、同单位、其他 五类原因各一例。",
        ],
    )


# ---- case 3: 职工创新工作室 ----------------------------------------------------------------

STUDIO_GROUPS = [("industry", "工业制造与能源组", 21, 17),
                 ("services", "建设交通与社会服务组", 19, 16)]
NAMERS = [  # 第十条: named by a 州（市）总工会 or a provincial industry/system/company union
    ("所在州（市）总工会", "州（市）级职工创新工作室"),
    ("所在州（市）总工会", "州（市）级职工创新工作室"),
    ("省级产业工会", "行业级职工创新工作室"),
    ("省级公司工会", "公司级职工创新工作室"),
]


def build_studio(people: People) -> Case:
    rng = Random(SEED + 3)
    apps: list[App] = []
    ctxs: dict[str, dict[str, Any]] = {}
    for gid, _name, count, _nom in STUDIO_GROUPS:
        order = spread(rng, T.STUDIO_PROFILES[gid], count)
        for focus, unit, pa, pb in order:
            if not apps:
                people.names.add("杨建华")
                leader, gender = "杨建华", "男"
            else:
                leader, gender = people.name(rng)
            member, _ = people.name(rng)
            team = rng.randint(3, 25)
            named_years = rng.randint(2, 8)
            exempt = gid == "services" and not any("exempt" in a.flags for a in apps)
            if exempt:
                named_years = 1
            namer, named_as = rng.choice(NAMERS)
            ctx: dict[str, Any] = dict(
                studio=leader + (T.STUDIO_KINDS[0] if leader == "杨建华" else rng.choice(T.STUDIO_KINDS)), leader=leader, unit=unit,
                focus=focus, pa=pa, pb=pb, level=rng.choice(["正高级工程师", "高级技师", "高级工程师",
                                                             "特级技师"]),
                y0=YEAR - named_years - rng.randint(0, 3), y_named=YEAR - named_years,
                namer=namer, named_as=named_as, area=rng.randint(60, 600), years=rng.randint(15, 32),
                team=team, n_eng=rng.randint(1, max(1, team // 3)), n_sen=rng.randint(1, max(1, team // 3)),
                n_tech=rng.randint(1, max(1, team // 3)), n_high=rng.randint(1, max(1, team // 2)),
                n_bach=rng.randint(1, team), age=rng.randint(32, 45), n_rules=rng.randint(5, 12),
                fund=rng.randint(5, 60), n_equip=rng.randint(10, 80), n_proj=rng.randint(4, 15),
                n_done=rng.randint(2, 4), n_year=rng.randint(2, 5), n_solve=rng.randint(10, 60),
                n_pat=rng.randint(5, 40), n_qc=rng.randint(2, 12), n_std=rng.randint(1, 8),
                n_res=rng.randint(10, 60), n_soft=rng.randint(0, 6),
                benefit=rng.randint(200, 9000), save=rng.randint(50, 800),
                coal=rng.randint(300, 12000), n_train=rng.randint(10, 60),
                n_trainee=rng.randint(5, 40) * 100, member=member, y3=rng.randint(2021, 2025),
                n_grad=rng.randint(5, 40), n_next=rng.randint(3, 8), n_next2=rng.randint(10, 40),
                n_coop=rng.randint(2, 8), visits=rng.randint(10, 60), n_docs=rng.randint(2, 30) * 10,
                n_sugg=rng.randint(20, 200),
            )
            ctx["n_inv"] = rng.randint(1, max(1, int(ctx["n_pat"]) // 3))
            app = App(f"GZS-{YEAR}-{len(apps) + 1:03d}", str(ctx["studio"]), unit, gid,
                      flags=["exempt"] if exempt else [], team_size=team, named_years=named_years,
                      leader=leader)
            sections = [T.STUDIO_INTRO, T.STUDIO_TEAM, T.STUDIO_SYSTEM, T.STUDIO_PROJECTS,
                        T.STUDIO_OUTCOMES, T.STUDIO_BENEFIT, T.STUDIO_TRAINING]
            extra = [T.STUDIO_EXEMPT] if exempt else []
            app.summary = compose(rng, sections, T.STUDIO_FILLER, T.STUDIO_PLAN, ctx, extra)
            apps.append(app)
            ctxs[app.id] = ctx

    plain = ["云南示例理工大学机电工程学院", "滇中示范工程技术研究院", "云南示例电力科学研究院",
             "云岭示范化工设计院有限公司", "云南示例交通职业技术学院", "云南示例建筑科学研究院",
             "云南示例冶金集团技术中心", "云岭示范职业技术学院", "云南示范科技评估中心",
             "云南示例旅游职业学院"]
    ind_unit = next(a.unit for a in apps if a.group == "industry" and a.leader != "杨建华")
    svc_unit = next(a.unit for a in apps if a.group == "services" and not a.flags)
    plan: list[tuple[list[str], str, str]] = [
        (["industry"], plain[0], "acad"),
        (["industry"], plain[2], "eng"),
        (["industry"], ind_unit, "tech"),                  # same unit as an industry studio
        (["industry", "comprehensive"], plain[3], "eng"),
        (["industry", "comprehensive"], plain[6], "eng"),
        (["services"], plain[4], "acad"),
        (["services"], plain[5], "eng"),
        (["services"], svc_unit, "tech"),                  # same unit as a services studio
        (["services", "comprehensive"], plain[7], "tech"),
        (["services"], plain[9], "acad"),
        (["comprehensive"], plain[8], "econ"),
        (["comprehensive"], plain[1], "eng"),
    ]
    experts = assign_experts(rng, people, plan, EXPERT_TITLES)
    used: set[str] = set()
    conflicts = []
    for eid, gid, avoid, reason in [
        ("E002", "industry", ind_unit, "直系亲属：领衔人系其父亲"),
        ("E007", "services", svc_unit, "利害关系：系该工作室外聘技术顾问"),
        ("E011", "industry", ind_unit, "其他：与领衔人系同一科研项目合作者"),
    ]:
        app = next(a for a in apps if a.group == gid and not a.flags and a.unit != avoid
                   and a.id not in used and a.id != apps[0].id)
        used.add(app.id)
        conflicts.append((eid, app.id, reason))

    for app in [apps[0], apps[8], next(a for a in apps if a.flags)]:
        ctx = ctxs[app.id]
        app.materials["工作室建设情况.md"] = material_md(rng, app, "创新团队与运行机制", [
            rng.choice(T.STUDIO_INTRO).format(**ctx) + rng.choice(T.STUDIO_TEAM).format(**ctx),
            rng.choice(T.STUDIO_SYSTEM).format(**ctx),
            rng.choice(T.STUDIO_TRAINING).format(**ctx) + rng.choice(T.STUDIO_PLAN).format(**ctx),
        ])
    return Case(
        folder="innovation-studio-2026", measure="innovation-studio",
        title="2026年云南省职工创新工作室选树评审（示例）", secretary="普春梅",
        rules={"min_experts": 3, "aggregate": "mean", "trim_min": 5, "min_score": 70},
        groups=[(g, n, "professional", nom) for g, n, _c, nom in STUDIO_GROUPS]
        + [("comprehensive", "综合组", "comprehensive", None)],
        apps=apps, experts=experts, conflicts=conflicts,
        notes=[
            "每个工作室都有 team_size（≥3）和 named_years（≥2）；一个标记 exempt 的工作室 "
            "named_years 为 1（第十条“做出突出贡献、社会影响力较大的工作室不受此限”）。",
            f"E003 与“{ind_unit}”的工作室同单位；E008 与“{svc_unit}”的工作室同单位。",
        ],
    )


# ---- writing -------------------------------------------------------------------------------

APP_HEADERS_ZH = ["编号", "名称", "工作单位", "专业组", "类别", "标记", "简要事迹"]
EXPERT_HEADERS_ZH = ["编号", "姓名", "职称", "工作单位", "所在组", "口令"]


def write_csv(path: Path, rows: Sequence[Sequence[object]], bom: bool = False) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> None:
    """Write a workbook whose bytes do not depend on when it was written."""
    wb = Workbook()
    ws = wb.active
    ws.title = "申报项目"
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFG", (14, 44, 36, 10, 14, 30, 90), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=7, max_col=7):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), data,
                         zipfile.ZIP_DEFLATED)


def toml_value(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def write_case(case: Case) -> None:
    root = HERE / case.folder
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    lines = [
        f"# {case.title}：演示用虚构案例，由 sample_cases/generate.py 生成，请勿手工修改。",
        f'measure = "{case.measure}"', f'title = "{case.title}"', f"year = {YEAR}",
        f'secretary = "{case.secretary}"', "", "[rules]",
    ]
    lines += [f"{k} = {toml_value(v)}" for k, v in case.rules.items()]
    for gid, name, kind, nominate in case.groups:
        lines += ["", f"[groups.{gid}]", f'name = "{name}"', f'kind = "{kind}"']
        if nominate is not None:
            lines.append(f"nominate = {nominate}")
        if gid in case.draws:
            count, reserves, fields = case.draws[gid]
            lines += [f"draw = {count}", f"reserves = {reserves}"]
            if fields:
                lines.append("fields = [" + ", ".join(f'"{f}"' for f in fields) + "]")
    (root / "case.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    chinese = case.measure == "innovation-achievement"
    if chinese:
        rows: list[list[object]] = [list(APP_HEADERS_ZH)]
        rows += [[a.id, a.name, a.unit, a.group, a.track, ";".join(a.flags), a.summary]
                 for a in case.apps]
        write_xlsx(root / "applications.xlsx", rows)
        erows: list[list[object]] = [list(EXPERT_HEADERS_ZH)]
        erows += [[e.id, e.name, e.title, e.unit, ";".join(e.groups), e.pin] for e in case.experts]
        write_csv(root / "experts.csv", erows, bom=True)
    else:
        head: list[object] = ["id", "name", "unit", "group", "track", "flags", "summary"]
        studio = case.measure == "innovation-studio"
        skills = case.measure == "skills-contest"
        head += ["team_size", "named_years"] if studio else ["id_number"]
        head += ["理论"] if skills else []
        rows = [head]
        for a in case.apps:
            tail = [a.team_size, a.named_years] if studio else [a.id_number]
            tail += [a.theory] if skills else []
            rows.append([a.id, a.name, a.unit, a.group, a.track, ";".join(a.flags), a.summary, *tail])
        write_csv(root / "applications.csv", rows)
        erows = [["id", "name", "title", "unit", "groups", "pin", "id_number"]
                 + (["certificate"] if skills else [])]
        erows += [[e.id, e.name, e.title, e.unit, ";".join(e.groups), e.pin, e.id_number]
                  + ([e.certificate] if skills else []) for e in case.experts]
        write_csv(root / "experts.csv", erows)
    write_csv(root / "conflicts.csv", [["expert", "application", "reason"], *case.conflicts])
    if case.aliases:
        write_csv(root / "unit_aliases.csv", [["alias", "unit"], *case.aliases])
    for app in case.apps:
        for name, text in app.materials.items():
            folder = root / "materials" / app.id
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")


# ---- case 4: 职工职业技能竞赛 ----------------------------------------------------------------

SKILL_UNITS = ["云南示例电网有限公司昆明供电局", "滇中示范电力检修有限公司", "云岭示范冶金集团动力厂",
               "滇西示例水电开发有限公司", "云南示例建工安装有限公司", "普洱示例供电有限责任公司",
               "滇南示范化工有限公司", "云岭示范轨道交通运营有限公司"]
SKILL_TEXT = [
    "{name}，{unit}{post}，从事电气设备安装与检修{years}年，{level}。",
    "经本单位初赛、州（市）复赛层层选拔，以{stage}第{place}名的成绩入围省级决赛。",
    "{pron}擅长{skill}，在{y1}年{task}中带领班组{result}。",
    "曾获{honour}，本次由{unit}代表队推荐参赛（领队1人、技术指导1人）。",
]
SKILL_FILL = {
    "post": ["变电检修工", "维修电工", "继电保护工", "配电线路工", "电气试验工"],
    "level": ["高级工（三级）", "技师（二级）", "高级技师（一级）"],
    "stage": ["州（市）复赛", "产业系统复赛"],
    "skill": ["低压配电柜故障排查", "PLC 控制回路调试", "继电保护装置校验", "电缆终端制作",
              "变压器绕组检测"],
    "task": ["主变增容改造", "配网自动化改造", "迎峰度夏保供电", "生产线电气技改"],
    "result": ["提前完成停电检修任务", "将故障平均处置时间缩短三分之一", "实现连续安全运行"],
    "honour": ["州（市）技术能手称号", "本单位首席技能员称号", "州（市）职工职业技能竞赛二等奖",
               "本单位青年岗位能手称号"],
}


def build_skills(people: People) -> Case:
    rng = Random(SEED + 4)
    apps: list[App] = []
    # 32 finalists (第十二条: at least 30 except for a 稀缺工种); S-…-001 is a former 技术状元
    # of the same 工种 (第十二条: may not take part again) and is not counted among the 30.
    # In each pair the first contestant's theory mark is 7 above the second's: if the judges
    # mark the second 3 higher in practice, 0.3×7 = 0.7×3 and the combined scores are equal,
    # so the 实操 tie-break of 第十六条 decides (the sample test does exactly that).
    marks = [rng.randint(120, 180) / 2 for _ in range(16)]
    for i in range(32):
        name, gender = people.name(rng)
        unit = SKILL_UNITS[i % len(SKILL_UNITS)]
        ctx = {k: rng.choice(v) for k, v in SKILL_FILL.items()}
        ctx.update(name=name, unit=unit, years=rng.randint(4, 18), place=rng.randint(1, 3),
                   y1=rng.randint(2021, 2025), pron="他" if gender == "男" else "她")
        summary = "".join(t.format(**ctx) for t in SKILL_TEXT) + T.NOTE
        app = App(f"JN-{YEAR}-{i + 1:03d}", name, unit, "judges",
                  id_number=id_number(rng, rng.randint(1985, 2002)))
        app.summary = summary
        app.theory = f"{marks[i // 2] + (7 if i % 2 == 0 else 0):g}"
        if i == 0:
            app.flags = ["prior_honoree"]
            app.summary = summary.replace(T.NOTE, "") + "该选手已于2024年获得本工种技术状元。" + T.NOTE
        apps.append(app)
    plan: list[tuple[list[str], str, str]] = [
        (["judges"], "云南示例电力技师学院", "tech"), (["judges"], "滇中示范职业技术学院", "tech"),
        (["judges"], "云岭示范技能鉴定中心", "tech"), (["judges"], "云南示例电网有限公司培训中心", "tech"),
        (["judges"], SKILL_UNITS[1], "tech"),  # same unit as contestants of that 代表队
    ]
    experts = assign_experts(rng, people, plan, {"tech": ["高级技师", "特级技师", "高级技师"]})
    for expert in experts:
        expert.certificate = "职业技能鉴定考评员（电工）、省级一类竞赛裁判员"
    return Case(
        folder="skills-contest-2026", measure="skills-contest",
        title="2026年云南省职工职业技能竞赛（电工）决赛（示例）", secretary="杨绍华",
        rules={"min_experts": 3, "aggregate": "trimmed_mean", "trim_min": 5},
        groups=[("judges", "电工裁判组", "professional", None)],
        apps=apps, experts=experts, conflicts=[(experts[2].id, apps[5].id, "其他：系该选手技术指导")],
        notes=[
            "applications.csv 的“理论”列为技术理论考试成绩（满分100），裁判只评实际操作（满分100）。",
            f"{apps[0].id} 已获本工种技术状元（prior_honoree），不参赛、不计入30名；其余31名选手。",
            "每两名选手理论成绩相差7分：后者实操高3分时综合成绩相同，以实操高者居前（第十六条）。",
            f"E005 与“{SKILL_UNITS[1]}”代表队的选手同单位（本评审委员会的同单位回避惯例）。",
        ],
    )


# ---- case 5: 云岭工匠, the committee drawn from an expert pool (第十二条) ------------------------

DRAWN_FOLDER = "yunling-craftsman-drawn-2026"
DRAWN_GROUPS = [("equipment", "装备制造组", 8, 4), ("energy", "能源化工组", 8, 4)]
DRAW_SEED = "2026-0415-监督组-7391"  # typed in by the 监督组 at the draw (sample only)
DRAW_DECLINE = "外出担任国家级职业技能竞赛裁判，无法到会"
POOL_HEADERS = ["编号", "姓名", "职称", "工作单位", "专业领域", "身份证号", "手机"]


def write_table_xlsx(path: Path, rows: Sequence[Sequence[object]], title: str) -> None:
    """A plain workbook whose bytes do not depend on when it was written."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append([str(v) for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), data,
                         zipfile.ZIP_DEFLATED)


def build_drawn(people: People) -> tuple[Case, list[list[object]]]:
    """A small 云岭工匠 case whose committee is drawn from ``pool.xlsx`` (第十二条 "原则上从云南省
    专家库或往届云岭工匠中抽取产生"): the case and the pool rows; ``draw_committee_files``
    then draws it as ``reviewer draw`` does."""
    rng = Random(SEED + 5)
    apps: list[App] = []
    for gid, _gname, count, _nom in DRAWN_GROUPS:
        for profile in spread(rng, T.CRAFTSMAN_PROFILES[gid], count):
            name, gender = people.name(rng)
            birth = rng.randint(1968, 1992)
            ctx = craftsman_ctx(rng, name, gender, profile, birth)
            sections = [T.CRAFTSMAN_INTRO, T.CRAFTSMAN_SKILL, T.CRAFTSMAN_PROJECT,
                        T.CRAFTSMAN_PATENTS, T.CRAFTSMAN_MENTOR, T.CRAFTSMAN_BENEFIT,
                        T.CRAFTSMAN_HONOURS]
            app = App(f"YD-{YEAR}-{len(apps) + 1:03d}", name, str(ctx["unit"]), gid,
                      id_number=id_number(rng, birth))
            app.summary = compose(rng, sections, T.CRAFTSMAN_FILLER, T.CRAFTSMAN_CLOSING, ctx, [])
            apps.append(app)
    bridge_app = apps[1]
    heavy = "滇中示例重型机械制造有限公司"
    apps[2].unit = heavy
    plain = ["云南示例理工大学", "云岭示范职业技术学院", "滇中示范工程技术研究院", "云南示例电力科学研究院",
             "云南示例交通职业技术学院", "滇西示例应用技术大学", "云岭示范化工设计院有限公司",
             "云南示例建筑科学研究院", "云南示例冶金集团技术中心", "滇南示范轨道交通职业学院",
             "云南示例省总工会技术创新专家库", "滇中示范航空工业有限公司"]
    fields = ["机械"] * 6 + ["电气"] * 5 + ["能源"] * 6 + ["化工"] * 5 + ["管理"] * 4 + ["经济"] * 4
    kinds = {"机械": "eng", "电气": "tech", "能源": "eng", "化工": "acad", "管理": "econ",
             "经济": "econ"}
    rows: list[list[object]] = [list(POOL_HEADERS)]

    def person(title: str, unit: str, field_name: str) -> None:
        name, _ = people.name(rng)
        number = len(rows)
        rows.append([f"ZK{number:03d}", name, title, unit, field_name,
                     id_number(rng, rng.randint(1962, 1985)), f"1390000{rng.randint(0, 9999):04d}"])

    for i, field_name in enumerate(fields):
        person(rng.choice(EXPERT_TITLES[kinds[field_name]]), f"{plain[i % len(plain)]}{'' if i < len(plain) else '（分院）'}", field_name)
    person("工程师", "云南示例电力科学研究院", "电气")          # below 副高职/技师
    person("高级工", "云岭示范职业技术学院", "机械")            # below 副高职/技师
    person("首席专家", "滇中示范工程技术研究院", "能源")         # a title the table does not know
    person("高级技师", bridge_app.unit.replace("（", "(").replace("）", ")"), "机械")  # same unit
    person("高级工程师", "滇中示例重机", "电气")                # same unit, via unit_aliases.csv
    person("教授", "云南示例理工大学化工学院", "化工")          # named in conflicts.csv
    person("正高级工程师", "云南示例能源研究院", "能源")        # on the avoid-list
    conflict_id, avoid_id = rows[-2][0], rows[-1][0]
    case = Case(
        folder=DRAWN_FOLDER, measure="yunling-craftsman",
        title="2026年度云岭工匠选树专家评审（专家抽取示例）", secretary="和丽萍",
        rules={"min_experts": 3, "aggregate": "mean", "min_score": 60,
               "justify_below": 0.6},  # 评分理由 below 60% of a criterion (示例设置)
        groups=[(g, n, "professional", nom) for g, n, _c, nom in DRAWN_GROUPS]
        + [("comprehensive", "综合组", "comprehensive", None)],
        apps=apps, experts=[], conflicts=[(str(conflict_id), apps[9].id,
                                           "利害关系：曾与申报人共同承担企业技术攻关项目")],
        aliases=[("滇中示例重机", heavy)],
        draws={"equipment": (5, 2, ["机械", "电气"]), "energy": (5, 2, ["能源", "化工"]),
               "comprehensive": (5, 1, [])},
        about=[
            "云岭工匠（`yunling-craftsman`），评审委员会按第十二条“原则上从云南省专家库……中抽取产生”"
            f"从 `pool.xlsx` 抽取：种子 `{DRAW_SEED}`，每组委员与候补见 `draw.json`，"
            f"{avoid_id} 在回避名单 `avoid.csv` 上；抽取后一名能源化工组委员不能参加（{DRAW_DECLINE}），"
            "由该组第一名候补递补（记录在 `draw.json` 的 declines 中）。",
            "Exercises `reviewer draw`: the pool's qualification filter (工程师, 高级工 and an unknown "
            "title excluded), same-unit exclusion with half-width brackets and via "
            "`unit_aliases.csv`, a listed conflict and the avoid-list, per-group fields, reserves "
            "(候补, marked in `experts.csv`, not seated), one decline; sealing carries `draw.json` "
            "into the bundle and the session's second event (`draw.recorded`). Re-check and issue "
            "the signed record: `reviewer draw sample_cases/" + DRAWN_FOLDER + "/pool.xlsx --case "
            "sample_cases/" + DRAWN_FOLDER + " --check` (add `--key/--cert` to write "
            "`draw_record.pdf`).",
            "评分理由：`justify_below = 0.6`，某项评分低于该项满分 60% 时须填写理由（纸面评分表的“理由”列，"
            "终端按 f7），理由印在结果 PDF 的监督组部分。Play the whole session — a justified low "
            "score, a dissent and a refusal to sign — and export the signed results PDF: "
            "`python scripts/demo_drawn_session.py OUT_DIR`.",
        ],
        notes=[f"抽取种子：`{DRAW_SEED}`；专家库 `pool.xlsx`（{len(rows) - 1} 人）。"],
    )
    return case, rows


def draw_committee_files(case: Case, pool_rows: list[list[object]]) -> None:
    """Write pool.xlsx and avoid.csv, then draw and decline as ``reviewer draw`` does (its own
    code: ``plan_draw``), with demo PINs from a seeded generator so the output is
    byte-identical. The signed draw_record.pdf is issued by ``reviewer draw --check`` with a
    key (a signature carries its time, so it is not generated here)."""
    from reviewer.services.draw import plan_draw

    root = HERE / case.folder
    write_table_xlsx(root / "pool.xlsx", pool_rows, "专家库")
    avoid_id = str(pool_rows[-1][0])
    write_csv(root / "avoid.csv", [["编号", "原因"], [avoid_id, "近三年与多家申报单位有技术服务合同"]])
    (root / "experts.csv").unlink()
    rng = Random(SEED + 6)
    pins = People()

    def pin() -> str:
        return pins.pin(rng)

    first = plan_draw(root / "pool.xlsx", root, DRAW_SEED, avoid=root / "avoid.csv", new_pin=pin)
    first.experts_path.write_bytes(first.experts_table)
    (root / "draw.json").write_bytes(first.record)
    energy = first.result.group("energy")
    again = plan_draw(root / "pool.xlsx", root, None, declines=[(energy.members[0], DRAW_DECLINE)],
                      new_pin=pin)
    again.experts_path.write_bytes(again.experts_table)
    (root / "draw.json").write_bytes(again.record)
    experts = []
    for row in csv.DictReader(io.StringIO(again.experts_table.decode("utf-8-sig"))):
        if not row["reserve"]:
            experts.append(Expert(row["id"], row["name"], row["title"], row["unit"],
                                  [row["groups"]], row["pin"], row["id_number"]))
    case.experts = experts
    declined = again.result.group("energy").declines[0]
    case.notes.append(f"{declined.pool_id} 不能参加（{declined.reason}），由候补 {declined.replaced_by} 递补。")


# ---- checking what was written --------------------------------------------------------------

ZH_TO_EN = dict(zip(APP_HEADERS_ZH, ["id", "name", "unit", "group", "track", "flags", "summary"],
                    strict=True))
ZH_TO_EN.update(zip(EXPERT_HEADERS_ZH, ["id", "name", "title", "unit", "groups", "pin"], strict=True))
QUALIFIED = re.compile(r"正高|副高|高级(?!工$)|教授|研究员|主任医师|主任药师|技师")
REASONS = ("本人申报", "直系亲属", "利害关系", "同单位", "其他")
FICTIONAL = re.compile("示例|示范|虚构")


def read_table(root: Path, stem: str) -> list[dict[str, str]]:
    xlsx = root / f"{stem}.xlsx"
    if xlsx.exists():
        values = list(load_workbook(xlsx, read_only=True).active.iter_rows(values_only=True))
        header = [ZH_TO_EN.get(str(h), str(h)) for h in values[0]]
        return [{h: "" if v is None else str(v) for h, v in zip(header, r, strict=True)}
                for r in values[1:]]
    with (root / f"{stem}.csv").open(encoding="utf-8-sig", newline="") as fh:
        return [{ZH_TO_EN.get(k, k): v for k, v in row.items()} for row in csv.DictReader(fh)]


def norm_unit(unit: str, aliases: dict[str, str]) -> str:
    unit = "".join(unicodedata.normalize("NFKC", unit).split())
    return "".join(unicodedata.normalize("NFKC", aliases.get(unit, unit)).split())


def check_case(folder: str) -> dict[str, Any]:
    """Read a written folder back and fail loudly on anything the reviewer would reject."""
    root = HERE / folder
    meta = tomllib.loads((root / "case.toml").read_text(encoding="utf-8"))
    groups = meta["groups"]
    apps = read_table(root, "applications")
    # reserves (候补) drawn from a pool are listed but not seated
    experts = [e for e in read_table(root, "experts") if not e.get("reserve")]
    conflicts = read_table(root, "conflicts")
    drawn = json.loads((root / "draw.json").read_text(encoding="utf-8")) \
        if (root / "draw.json").exists() else None
    aliases = {r["alias"]: r["unit"] for r in read_table(root, "unit_aliases")} \
        if (root / "unit_aliases.csv").exists() else {}
    errors: list[str] = []

    def need(ok: bool, message: str) -> None:
        if not ok:
            errors.append(message)

    app_ids = [a["id"] for a in apps]
    expert_ids = [e["id"] for e in experts]
    need(len(set(app_ids)) == len(app_ids), "duplicate application id")
    need(len(set(expert_ids)) == len(expert_ids), "duplicate expert id")
    need(len({a["summary"] for a in apps}) == len(apps), "duplicate summary")
    for a in apps:
        g = groups.get(a["group"])
        need(g is not None and g["kind"] == "professional", f"{a['id']}: bad group {a['group']}")
        need(len(a["summary"]) >= (150 if meta["measure"] == "skills-contest" else 550),
             f"{a['id']}: summary {len(a['summary'])} chars")
        need(a["summary"].endswith(T.NOTE), f"{a['id']}: summary lacks the fiction note")
        need(bool(FICTIONAL.search(a["unit"])), f"{a['id']}: unit may look real")
    for e in experts:
        need(all(g in groups for g in e["groups"].split(";")), f"{e['id']}: unknown group")
        need(bool(re.fullmatch(r"\d{6,}", e["pin"])), f"{e['id']}: pin")
        need(bool(QUALIFIED.search(e["title"])), f"{e['id']}: title {e['title']} not qualified")
        need(bool(FICTIONAL.search(aliases.get(e["unit"], e["unit"]))), f"{e['id']}: unit")
    need(len({e["pin"] for e in experts}) == len(experts), "duplicate pin")
    members = {g: [e for e in experts if g in e["groups"].split(";")] for g in groups}
    for gid, group in groups.items():
        need(len(members[gid]) >= 3, f"group {gid} has {len(members[gid])} experts")
        if group["kind"] == "professional":
            need(len(members[gid]) >= 4, f"group {gid} has fewer than 4 experts")
    listed = {(c["expert"], c["application"]) for c in conflicts}
    if drawn:
        seated = [(p, g["group"]) for g in drawn["result"]["groups"] for p in g["members"]]
        need(sorted(seated) == sorted((e["id"], e["groups"]) for e in experts),
             "experts.csv is not the drawn committee")
    # a drawn case's conflicts may name anyone of the pool (that is why they were not drawn)
    pooled = {e["pool_id"] for e in drawn["result"]["excluded"]} if drawn else set()
    for c in conflicts:
        need((c["expert"] in expert_ids or c["expert"] in pooled) and c["application"] in app_ids,
             f"conflict {c}")
        need(c["reason"].startswith(REASONS), f"conflict reason {c['reason']}")
    id_numbers = {e["id"]: e.get("id_number", "") for e in experts}
    comprehensive = next((g for g, v in groups.items() if v["kind"] == "comprehensive"), None)
    same_unit = 0
    for a in apps:
        for gid in (a["group"], *([comprehensive] if comprehensive else [])):
            free = 0
            for e in members[gid]:
                same = norm_unit(e["unit"], aliases) == norm_unit(a["unit"], aliases)
                same_unit += same and gid == a["group"]
                is_self = bool(a.get("id_number")) and id_numbers[e["id"]] == a["id_number"]
                free += not (same or is_self or (e["id"], a["id"]) in listed)
            need(free >= 3, f"{a['id']}: only {free} experts of {gid} left after recusal")
    flags = [f for a in apps for f in a["flags"].split(";") if f]
    if errors:
        sys.exit(f"{folder}: " + "; ".join(errors))
    lengths = [len(a["summary"]) for a in apps]
    return {
        "applications": len(apps), "experts": len(experts),
        "groups": {g: (sum(a["group"] == g for a in apps), len(members[g])) for g in groups},
        "tracks": {t: sum(a["track"] == t for a in apps) for t in sorted({a["track"] for a in apps})},
        "flags": {f: flags.count(f) for f in sorted(set(flags))},
        "conflicts": len(conflicts), "same_unit_pairs_in_group": same_unit,
        "summary_chars": (min(lengths), max(lengths)),
        "materials": sorted(p.parent.name for p in (root / "materials").rglob("*.*")),
    }


# ---- README ----------------------------------------------------------------------------------

def readme(cases: list[Case], stats: dict[str, dict[str, Any]]) -> str:
    out = [
        "# sample_cases — 演示案例 / demo cases",
        "",
        "本目录中的五个案例全部为**虚构示例**：人员姓名、单位（名称均含“示例”“示范”或“虚构”）、"
        "身份证号（虚构地区码 539999）、事迹和数据均为生成的演示数据，不对应任何真实的人或企业。",
        "All five cases are invented demo data. They are generated by `generate.py` (fixed seeds, "
        "byte-identical output) — edit the generator, not the files:",
        "",
        "```sh",
        "python sample_cases/generate.py   # rewrites the five folders and this README, then checks them",
        "```",
        "",
        "## Sealing the bundles",
        "",
        "Each folder is sealed into an encrypted bundle `<folder>.rvb` beside it; its demo "
        "passphrase is in `<folder>.passphrase` (sample only). To reseal after regenerating:",
        "",
        "```sh",
    ]
    for case in cases:
        out.append(f"reviewer seal sample_cases/{case.folder} -o sample_cases/{case.folder}.rvb "
                   f"--passphrase-file sample_cases/{case.folder}.passphrase")
    out += ["```", "",
            "Open one (the secretary unlocks it; then experts log in with the demo PINs below):",
            "", "```sh",
            "reviewer open sample_cases/yunling-craftsman-2026.rvb "
            "--passphrase-file sample_cases/yunling-craftsman-2026.passphrase",
            "```", "",
            "> **DEMO / SAMPLE-ONLY SECRETS.** The passphrases and PINs below are published on "
            "purpose so anyone can try the demo. Never reuse them for a real review.", "",
            "| case folder | demo bundle passphrase |", "|---|---|"]
    out += [f"| `{c.folder}` | `{PASSPHRASES[c.folder]}` |" for c in cases]
    about = {
        "yunling-craftsman": [
            "云岭工匠（`yunling-craftsman`，单一类别，track 列为空）。四个专业组 + 综合组，"
            "聚合方式 `trimmed_mean`（5 人及以上去掉一个最高分和一个最低分），`min_score = 60`。",
            "Exercises: 第六条 direct recognition (2 × `direct`), 第七条 priority honours "
            "(4 × `priority`, honour named in the summary), 第三条 no repeat naming "
            "(1 × `prior_honoree`), 第八条 exclusion (1 × `excluded:受到党纪处分影响期未满`), "
            "detected same-unit conflicts (exact, full-/half-width brackets, via `unit_aliases.csv`), "
            "an expert who is also an applicant (same `id_number`), listed conflicts "
            "(直系亲属, 利害关系, 其他) in both rounds, materials (`.md` with a table, one `.txt`).",
        ],
        "innovation-achievement": [
            "职工技术创新成果奖（`innovation-achievement`）。三个类别：技术创新成果、先进操作法、"
            "合理化建议（类别列写中文名称）；三个专业组，一轮评审（第十二条，不设综合组），"
            "`mean`，`min_score = 60`。",
            "Exercises: the Excel path (`applications.xlsx` instead of csv) and Chinese column "
            "headers (编号,名称,工作单位,专业组,类别,标记,简要事迹 / 编号,姓名,职称,工作单位,所在组,口令), "
            "a UTF-8 BOM in `experts.csv`, tracks with tier caps (第四条), a 第七条 exclusion "
            "(`excluded:核心技术已获省科学技术奖`), one listed conflict of each kind "
            "(本人申报/直系亲属/利害关系/同单位/其他) and detected same-unit conflicts.",
        ],
        "innovation-studio": [
            "职工创新工作室（`innovation-studio`）。工作室以领衔人命名；两个专业组 + 综合组，"
            "`mean`，`min_score = 70`。",
            "Exercises: 第十条 eligibility fields `team_size` (≥3) and `named_years` (≥2), one "
            "studio flagged `exempt` with `named_years = 1`, listed and detected conflicts, "
            "materials.",
        ],
        "skills-contest": [
            "职工职业技能竞赛（`skills-contest`）。一个裁判组，一轮评分（第十六条：理论与实操按 "
            "3∶7 换算综合成绩，最终确定名次；综合成绩相同以实操高者居前），"
            "`trimmed_mean`（5 名裁判去掉一个最高分和一个最低分）。",
            "Exercises: the theory mark imported per contestant (`理论` column), the judges' "
            "certificates (`certificate`, 第十一条 “相应资格的考评员”), 第十二条 the 30-contestant "
            "minimum counting eligible contestants (one former 技术状元 flagged `prior_honoree`), "
            "第十八条 技术状元 1 / 技术能手 2–10, and pairs of contestants whose theory marks differ "
            "by 7 so that 3 more in practice gives an equal combined score and 实操 decides.",
        ],
    }
    for case in cases:
        s = stats[case.folder]
        out += ["", f"## `{case.folder}` — {case.title}", ""]
        out += case.about or about[case.measure]
        out += ["", f"- applications: {s['applications']}; experts: {s['experts']}; "
                f"conflicts listed: {s['conflicts']}; same-unit pairs within a group: "
                f"{s['same_unit_pairs_in_group']}",
                f"- summary length (characters): {s['summary_chars'][0]}–{s['summary_chars'][1]}"]
        if any(s["tracks"]):
            out.append("- tracks: " + ", ".join(f"{k} {v}" for k, v in s["tracks"].items()))
        if s["flags"]:
            out.append("- flags: " + ", ".join(f"`{k}` × {v}" for k, v in s["flags"].items()))
        out.append("- materials: " + ", ".join(sorted(set(s["materials"]))))
        out += [f"- {n}" for n in case.notes]
        out += ["", "| group id | name | kind | nominate | applications | experts |",
                "|---|---|---|---|---|---|"]
        for gid, name, kind, nominate in case.groups:
            apps, members = s["groups"][gid]
            out.append(f"| `{gid}` | {name} | {kind} | {nominate or ''} | {apps} | {members} |")
        out += ["", "Demo expert PINs (sample only):", "",
                "| expert | name | title | groups | demo PIN |", "|---|---|---|---|---|"]
        out += [f"| {e.id} | {e.name} | {e.title} | {';'.join(e.groups)} | `{e.pin}` |"
                for e in case.experts]
    out.append("")
    return "\n".join(out)


def main() -> None:
    people = People()
    cases = [build_craftsman(people), build_achievement(people), build_studio(people),
             build_skills(people)]
    drawn, pool_rows = build_drawn(people)
    cases.append(drawn)
    for case in cases:
        write_case(case)
        if case is drawn:
            draw_committee_files(case, pool_rows)
        # demo-only passphrase next to the sealed bundle, as the README promises
        (HERE / f"{case.folder}.passphrase").write_text(PASSPHRASES[case.folder] + "\n",
                                                        encoding="utf-8")
    stats = {case.folder: check_case(case.folder) for case in cases}
    (HERE / "README.md").write_text(readme(cases, stats), encoding="utf-8")
    for folder, s in stats.items():
        print(folder)
        for key, value in s.items():
            print(f"  {key}: {value}")


if __name__ == "__main__":
    main()

"""Synthetic but realistic report data, for tests, the benchmark and layout previews.

Deterministic for a given seed. Names are invented; nothing here comes from a real session.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import replace

from reviewer.pdf.model import (
    RECUSED,
    AppendixRow,
    AppendixTable,
    CapLine,
    Citations,
    CommitteeRow,
    ConcordanceRow,
    CoverInfo,
    Criterion,
    DisqualificationRow,
    ExpertStat,
    FinalRow,
    IneligibleRow,
    Integrity,
    Lineage,
    OutlierRow,
    OverrideRow,
    RecusalRow,
    ReportData,
    RoundRow,
    RoundTable,
    ScoreSheetData,
    SheetApplication,
    Stats,
    TierInfo,
    TieRow,
    TrackInfo,
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国志强海燕丽华明辉红梅国庆秀英春林晓东玉兰德华永刚桂芳云峰文杰丽娟俊杰学军金凤世平雪梅立新"
UNITS = ("昆明钢铁控股有限公司", "云南电网有限责任公司昆明供电局", "云南白药集团股份有限公司",
         "红云红河烟草（集团）有限责任公司", "云南建投第一建设有限公司", "玉溪市第一人民医院",
         "中国铁路昆明局集团有限公司", "云南锡业集团（控股）有限责任公司", "曲靖市麒麟区供排水公司",
         "大理州农业科学推广研究院")
TOPICS = ("数控机床精密加工", "高压带电作业", "中药配方颗粒提取", "卷烟工艺质量控制", "装配式建筑施工",
          "微创外科护理", "高速铁路接触网检修", "锡冶炼余热回收", "智慧水务管网监测", "高原特色作物育种")
GROUPS = ("第一专业组（装备制造）", "第二专业组（能源化工）", "第三专业组（医药卫生）",
          "第四专业组（建筑交通）", "第五专业组（农业与服务）", "第六专业组（信息技术）")
CRITERIA = (Criterion("工艺专长", "25"), Criterion("技能水平", "25"), Criterion("领军作用", "25"),
            Criterion("业绩贡献", "25"))
FIXED_EXPERTS = ("张建国", "李秀英", "王志强", "赵丽华", "陈明辉", "杨红梅", "刘国庆", "黄春林", "周晓东")


def person(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name


def _fmt(value: float) -> str:
    return f"{value:.2f}"


def sample_report(applications: int = 40, groups: int = 3, experts_per_group: int = 5,
                  comprehensive_experts: int = 7, cap: int = 20, seed: int = 4,
                  tiered: bool = False) -> ReportData:
    """A session of 云岭工匠 with the given size, every section filled.

    ``tiered`` gives the final list tiers and subsidy amounts, as for the funding measures.
    """
    rng = random.Random(seed)
    used: set[str] = set(FIXED_EXPERTS)
    expert_names = list(FIXED_EXPERTS)
    while len(expert_names) < groups * experts_per_group + comprehensive_experts:
        expert_names.append(person(rng, used))
    group_names = [GROUPS[i % len(GROUPS)] + ("" if i < len(GROUPS) else f"{i // len(GROUPS) + 1}")
                   for i in range(groups)]
    group_experts = [expert_names[i * experts_per_group:(i + 1) * experts_per_group]
                     for i in range(groups)]
    comp_experts = expert_names[groups * experts_per_group:][:comprehensive_experts]
    apps = []
    for i in range(applications):
        unit = UNITS[i % len(UNITS)]
        apps.append((f"YL{2025}{i + 1:04d}", person(rng, used), unit,
                     f"{TOPICS[i % len(TOPICS)]}（{unit}）", i % groups))
    ineligible = apps[-2:]
    scored = apps[:-2]
    committee = [CommitteeRow(n, rng.choice(("高级工程师", "高级技师", "主任医师", "教授级高工")),
                              UNITS[k % len(UNITS)],
                              tuple(g for g, members in zip(group_names, group_experts, strict=True)
                                    if n in members) or ("综合组",),
                              f"2025-09-1{k % 9} 09:{k % 60:02d}", on_paper=k % 7 == 3)
                 for k, n in enumerate(expert_names)]
    recusals: list[RecusalRow] = []
    tables = []
    all_totals: dict[str, list[float]] = {n: [] for n in expert_names}
    nominees: list[tuple[str, str, str, str, int, str]] = []
    for g, (gname, members) in enumerate(zip(group_names, group_experts, strict=True)):
        rows: list[tuple[str, str, str, tuple[str, ...], float, bool]] = []
        for app_id, holder, unit, _, group in scored:
            if group != g:
                continue
            base = rng.uniform(62, 92)
            totals: list[str] = []
            counted: list[float] = []
            for m in members:
                if rng.random() < 0.03:
                    totals.append(RECUSED)
                    recusals.append(RecusalRow(m, app_id, holder, "同单位", "declared",
                                               detail="曾在申报人所在单位兼职",
                                               round="专业组评审", when="2025-09-18 09:40 +08:00",
                                               opened=len(recusals) % 2 == 1))
                    continue
                v = round(min(100.0, max(0.0, base + rng.gauss(0, 4))) * 2) / 2
                totals.append(_fmt(v))
                counted.append(v)
                all_totals[m].append(v)
            agg = sum(counted) / len(counted)
            rows.append((app_id, holder, unit, tuple(totals), agg, len(counted) >= 3))
        rows.sort(key=lambda r: -r[4])
        nominate = max(1, len(rows) // 2)
        table_rows = []
        for rank, (app_id, holder, unit, marks, agg, ok) in enumerate(rows, start=1):
            chosen = rank <= nominate and ok
            table_rows.append(RoundRow(rank if ok else None, app_id, holder, unit, marks,
                                       _fmt(agg) if ok else "", ok, chosen))
            if chosen:
                nominees.append((app_id, holder, unit, gname, rank, _fmt(agg)))
        tables.append(RoundTable(gname, tuple(members), tuple(table_rows),
                                 note=f"提名本组前 {nominate} 名（第十二条）", cut_after=nominate))
    comp_rows = []
    for app_id, holder, unit, gname, grank, gagg in nominees:
        base = float(gagg)
        totals, counted = [], []
        for m in comp_experts:
            v = round(min(100.0, max(0.0, base + rng.gauss(0, 3))) * 2) / 2
            totals.append(_fmt(v))
            counted.append(v)
            all_totals[m].append(v)
        comp_rows.append((app_id, holder, unit, tuple(totals), sum(counted) / len(counted),
                          Lineage(gname, grank, gagg)))
    comp_rows.sort(key=lambda r: -r[4])
    finals = []
    comp_table_rows = []
    for rank, (app_id, holder, unit, marks, agg, lin) in enumerate(comp_rows, start=1):
        chosen = rank <= cap
        comp_table_rows.append(RoundRow(rank, app_id, holder, unit, marks, _fmt(agg), True, chosen))
        if chosen:
            finals.append(FinalRow(rank, "云岭工匠", "", app_id, holder, unit, _fmt(agg), "scored",
                                   lin))
    if finals:
        first = finals[0]
        finals[0] = FinalRow(1, first.track, "", "YL20250000", "孙德华", UNITS[0], "", "direct",
                             None, basis_note="第六条 大国工匠年度人物")
    tracks = (TrackInfo("云岭工匠", f"≤{cap}"),)
    if tiered:
        tiers = (TierInfo("一档", "20–30万元"), TierInfo("二档", "10–20万元"),
                 TierInfo("三档", "5–10万元"))
        tracks = (TrackInfo("云岭工匠", f"≤{cap}", tiers),)
        finals = [replace(f, tier=tiers[min(2, (f.position - 1) // 3)].name,
                          amount=f"{30 - 5 * min(4, (f.position - 1) // 2)}万元")
                  for f in finals]
    stats = Stats(
        experts=tuple(ExpertStat(n, len(v), _fmt(statistics.fmean(v)) if v else "—",
                                 _fmt(statistics.pstdev(v)) if len(v) > 1 else "—", tuple(v),
                                 group=next((g for g, ms in zip(group_names, group_experts,
                                                                strict=True) if n in ms), "综合组"))
                      for n, v in all_totals.items()),
        outliers=(OutlierRow(expert_names[1], scored[0][0], scored[0][1], "45.00", "83.50",
                             group_names[0]),),
        concordance=tuple(ConcordanceRow(g, f"{rng.uniform(0.55, 0.9):.2f}", experts_per_group,
                                         len(t.rows)) for g, t in zip(group_names, tables,
                                                                      strict=True)),
        outlier_rule="与其他专家平均分相差 20 分以上的评分",
    )
    return ReportData(
        cover=CoverInfo("云岭工匠", "云岭工匠选树管理办法", f"{2025}年度云岭工匠选树专家评审", 2025,
                        f"每年命名不超过 {cap} 名，不重复命名（第三条）",
                        tracks, "2025年9月18日", "钱丽娟",
                        "YL-2025-0918-A"),
        committee=tuple(committee),
        recusals=tuple(recusals),
        groups=tuple(tables),
        comprehensive=RoundTable("综合组", tuple(comp_experts), tuple(comp_table_rows),
                                 note=f"按得分高低提出正式提名名单，不超过 {cap} 名（第三条、第十二条）",
                                 cut_after=min(cap, len(comp_table_rows))),
        final=tuple(finals),
        cap_lines=(CapLine("云岭工匠", cap, len(finals), finals[-1].position if finals else None),),
        ineligible=tuple(IneligibleRow(a[0], a[1], "往届已命名，不重复命名（第三条）") for a in ineligible),
        ties=(TieRow((scored[3][0], scored[4][0]), (scored[4][0], scored[3][0]),
                     "综合组复议表决 5:2（第七条 优先评定）", "钱丽娟", "2025-09-18 16:20"),),
        disqualifications=(DisqualificationRow(scored[5][0], "公示期异议经查属实（第十六条）",
                                               scored[5][1], "2025-09-30"),),
        stats=stats,
        integrity=Integrity("9f2c" * 16, 1287, "4be1" * 16, "0.1.0"),
        has_funding=tiered,
        overrides=(OverrideRow(expert_names[0], "专业组评审", scored[0][0], "84.00", "86.50",
                               "专家终端提交（口令确认） 2025-09-18 11:02 +08:00", "钱丽娟",
                               "2025-09-18 15:30 +08:00", "专家书面更正第 2 项分数，原件存档"),),
        appendix=(_appendix(tables[0]),) if tables else (),
        trimmed=False,
        citations=YUNLING_CITATIONS,
    )


def _appendix(table: RoundTable) -> AppendixTable:
    """The first group's sheets split into the sample's four criteria."""
    rows = []
    for row in table.rows:
        for expert, total in zip(table.experts, row.totals, strict=True):
            if total == RECUSED:
                continue
            left = float(total)
            values = []
            for cap in (float(c.max) for c in CRITERIA):
                part = min(cap, round(left * cap / 100 * 2) / 2)
                values.append(part)
            values[-1] = max(0.0, left - sum(values[:-1]))
            rows.append(AppendixRow(row.app_id, expert, tuple(_fmt(v).rstrip("0").rstrip(".")
                                                               for v in values), total))
    return AppendixTable(f"{table.title}（专业组评审）",
                         tuple(f"{c.name}（≤{c.max}）" for c in CRITERIA), tuple(rows))


# what a 云岭工匠 panel file gives the PDF (panels/yunling-craftsman.toml)
YUNLING_CITATIONS = Citations(
    policy="云岭工匠选树管理办法", confidentiality_term="保密承诺",
    confidentiality_article="第十九条", recusal_article="第十九条",
    disqualification_allowed=True, disqualification_article="第十六条",
    disqualification_text="公示期内异议所述情况属实的，取消该公示对象评选资格，空缺名额不予补足",
    vacancy_not_refilled=True, same_unit_practice=True, two_rounds=True,
    first_round="专业组评审", first_round_article="第十二条",
)


def sample_sheets(report: ReportData, per_expert: int | None = None) -> list[ScoreSheetData]:
    """One professional-round sheet per group expert, from a sample report."""
    sheets: list[ScoreSheetData] = []
    for table in report.groups:
        for k, expert in enumerate(table.experts):
            apps = tuple(SheetApplication(r.app_id, r.name, r.unit) for r in table.rows
                         if r.totals[k] != RECUSED)
            sheets.append(ScoreSheetData(expert, f"E{len(sheets) + 1:03d}", table.title,
                                         "专业组评审", CRITERIA, apps[:per_expert],
                                         report.cover.session_id, report.cover.measure_name,
                                         report.cover.session_title,
                                         citations=report.citations))
    return sheets

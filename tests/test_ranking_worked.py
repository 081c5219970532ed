"""Worked examples, derived by hand from the articles, for every measure.

Each test states the expected figures in its comments; the engine must reproduce them exactly.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from reviewer.domain.case import Group
from reviewer.domain.errors import DomainError
from reviewer.domain.results import results
from reviewer.domain.review import Review
from tests.builders import Clock, ack, app, expert, make_case, run, score_all

# Every worked example below exercises its boundaries (a candidate waiting just below each cap,
# ages 55 and 56, team sizes 4 and 5, a tie on a tier line, each band's limits) and checks the
# article each rule cites, so that mutating any of those values in a copy of a panel makes at
# least one test here fail: scripts/mutate_panels.py does exactly that (tests/test_mutations.py
# runs a sample of it in CI).


def session(review: Review, sheets: dict[str, dict[str, object]]) -> None:
    """Each expert acknowledges, scores the given totals and submits."""
    for expert_id, totals in sheets.items():
        if not review.has_acknowledged(expert_id):
            ack(review, expert_id)
        score_all(review, expert_id, totals)  # type: ignore[arg-type]


def advance(review: Review, **kwargs: object) -> None:
    run(review, review.advance(**kwargs))  # type: ignore[arg-type]


def final_ids(review: Review) -> list[str]:
    return [f["id"] for f in results(review).to_json()["final"]]


# -- 云岭工匠 ----------------------------------------------------------------------------------


@pytest.fixture
def yunling() -> Review:
    apps = [
        app("A1", "g1"), app("A2", "g1"), app("A3", "g1", flags=["priority"]), app("A4", "g1"),
        app("D1", "g1", flags=["direct"]),
        app("P1", "g1", flags=["prior_honoree"]),
        app("B1", "g2"), app("B2", "g2"), app("B3", "g2"), app("B4", "g2"),
        app("X1", "g2", flags=["excluded:受到党纪处分影响期未满"]),
    ]
    experts = [expert(e, ["g1"]) for e in ("E1", "E2", "E3")]
    experts += [expert(e, ["g2"]) for e in ("E4", "E5", "E6")]
    experts += [expert(e, ["comp"]) for e in ("C1", "C2", "C3")]
    case, panel = make_case("yunling-craftsman", apps, experts)
    return Review(case, panel, clock=Clock())


def test_yunling_two_rounds_direct_priority_and_nomination_ties(yunling: Review) -> None:
    review = yunling
    session(review, {
        # g1: A1 = (90+88+86)/3 = 88; A2 = 85; A3 = 85 but 第七条 priority puts it before A2
        "E1": {"A1": 90, "A2": 85, "A3": 85, "A4": 70},
        "E2": {"A1": 88, "A2": 85, "A3": 86, "A4": 72},
        "E3": {"A1": 86, "A2": 85, "A3": 84, "A4": 71},
        # g2: B1 = 80; B2 = (78+79+80)/3 = 79; B3 = 79: tied across the nominate=2 line
        "E4": {"B1": 80, "B2": 78, "B3": 79, "B4": 60},
        "E5": {"B1": 80, "B2": 79, "B3": 79, "B4": 60},
        "E6": {"B1": 80, "B2": 80, "B3": 79, "B4": 60},
    })
    out = results(review).to_json()
    g1 = {row["id"]: row for row in out["professional"]["g1"]}
    assert [g1[i]["rank"] for i in ("A1", "A3", "A2", "A4")] == [1, 2, 3, 4]
    assert g1["A1"]["aggregate"] == "88.00" and g1["A3"]["aggregate"] == "85.00"
    # D1 (第六条) and the ineligible are not scored in either round
    assert "D1" not in g1 and "P1" not in g1
    assert out["nominees"] == {"g1": ["A1", "A3"], "g2": ["B1", "B2", "B3"]}
    # the order A3 > A2 at 85.00 came from the tie-break chain, not from the scores
    assert out["tie_breaks"] == [{
        "round": "professional", "group": "g1", "aggregate": "85.00", "order": ["A3", "A2"],
        "rules": [{"rule": "flag:priority", "article": "第七条", "criterion": None,
                   "note": "同分时，具有第七条所列荣誉称号者优先"}],
    }]
    assert {i["id"]: (i["reason"], i["article"]) for i in out["ineligible"]} == {
        "P1": ("prior_honoree", "第三条"), "X1": ("excluded", "第八条"),
    }
    placed = run(review, review.advance())
    assert review.round == "comprehensive"
    assert placed[0].payload["article"] == "第十二条"  # 分专业组评审和综合组评审
    # the comprehensive group scores only the nominees
    assert [a.id for a in review.scope("C1")] == ["A1", "A3", "B1", "B2", "B3"]
    session(review, {
        "C1": {"A1": 91, "A3": 80, "B1": 85, "B2": 70, "B3": 75},
        "C2": {"A1": 89, "A3": 82, "B1": 85, "B2": 72, "B3": 75},
        "C3": {"A1": 90, "A3": 84, "B1": 85, "B2": 74, "B3": 75},
    })
    advance(review)
    out = results(review).to_json()
    assert out["round"] == "closed"
    # direct recognition first (counts against the cap), then comprehensive order
    assert [(f["id"], f["basis"], f["score"]) for f in out["final"]] == [
        ("D1", "direct", None), ("A1", "scored", "90.00"), ("B1", "scored", "85.00"),
        ("A3", "scored", "82.00"), ("B3", "scored", "75.00"), ("B2", "scored", "72.00"),
    ]
    lineage = {f["id"]: f["lineage"] for f in out["final"]}
    assert lineage["A3"] == {"group": "g1", "rank": 2, "aggregate": "85.00"}
    assert lineage["B2"] == {"group": "g2", "rank": 2, "aggregate": "79.00"}
    assert lineage["D1"] is None
    # 第七条 priority decided A3 before A2 at 85.00: recorded with its article (issue 10)
    # the professional order stays explained; the comprehensive round had no equal aggregates
    assert [d["order"] for d in out["tie_breaks"]] == [["A3", "A2"]]
    # 第十六条: a finalist removed after 公示 is not replaced; nobody moves up
    placed = run(review, review.disqualify("A3", "公示期间异议属实"))
    assert placed[0].payload["article"] == "第十六条"
    out = results(review).to_json()
    assert out["disqualified"] == ["A3"]
    assert [f["id"] for f in out["final"]] == ["D1", "A1", "B1", "B3", "B2"]
    assert [f["position"] for f in out["final"]] == [1, 2, 3, 5, 6]


def test_disqualify_refused_before_close_and_for_non_finalists(yunling: Review) -> None:
    with pytest.raises(DomainError) as err:
        yunling.disqualify("A1", "异议")
    assert err.value.code == "review.disqualify_before_close"
    assert yunling.state.event_count == 0


def single_round(panel_id: str, totals: dict[str, object], *, apps: list | None = None,
                 experts: int = 3, **rules: object) -> Review:
    """A one-step measure (成果奖 第十二条, 补助资金 第十六条, 劳动竞赛 第十一条, 技能竞赛
    第十六条): one group scores, the secretary closes the round, the list comes from it."""
    apps = apps or [app(a, "g1", unit=f"单位{a}") for a in totals]
    panel_experts = [expert(f"E{i}", ["g1"]) for i in range(1, experts + 1)]
    groups = [Group("g1", "评审组", "professional")]
    case, panel = make_case(panel_id, apps, panel_experts, groups=groups, **rules)
    review = Review(case, panel, clock=Clock())
    scored = {a: v for a, v in totals.items()
              if (found := case.application(a)) and review.ranking.is_scored(found)}
    session(review, {e.id: dict(scored) for e in panel_experts})
    placed = run(review, review.advance())
    # the engine never adds a round the document does not have
    assert review.round == "closed"
    assert placed[0].payload["article"] == ONE_STEP[panel_id]
    return review


# the article that defines each one-step measure's single round
ONE_STEP = {"innovation-achievement": "第十二条", "innovation-subsidy": "第十六条",
            "labour-contest": "第十一条", "skills-contest": "第十六条"}


def test_yunling_cap_of_20_leaves_the_21st_waiting() -> None:
    # 第三条 "每年命名人数不超过20名": 21 distinct totals, 99.5 down to 89.5; the 21st waits
    totals = {f"A{i:02d}": Decimal(100) - Decimal("0.5") * i for i in range(1, 22)}
    apps = [app(a, "g1") for a in totals]
    experts = [expert(e, ["g1"]) for e in ("E1", "E2", "E3")]
    experts += [expert(e, ["comp"]) for e in ("C1", "C2", "C3")]
    groups = [Group("g1", "专业组", "professional", 21), Group("comp", "综合组", "comprehensive")]
    case, panel = make_case("yunling-craftsman", apps, experts, groups=groups)
    review = Review(case, panel, clock=Clock())
    session(review, {e: dict(totals) for e in ("E1", "E2", "E3")})  # type: ignore[misc]
    advance(review)
    session(review, {e: dict(totals) for e in ("C1", "C2", "C3")})  # type: ignore[misc]
    advance(review)
    assert final_ids(review) == [f"A{i:02d}" for i in range(1, 21)]


# -- 省级示范性劳动竞赛: one step (第十一条), cap 3 (第十条), 第九条 collective honour ------------------


def labour_review(totals: dict[str, int], flags: dict[str, list[str]] | None = None) -> Review:
    apps = [app(a, "g1", unit=f"州市{a}", flags=(flags or {}).get(a, [])) for a in totals]
    return single_round("labour-contest", totals, apps=apps)


def test_labour_contest_tie_across_cap_blocks_until_resolved() -> None:
    # L1 90, L2 88, L3 = L4 = 85: only one of L3/L4 fits under the cap of 3
    review = labour_review({"L1": 90, "L2": 88, "L3": 85, "L4": 85, "L5": 60})
    out = results(review).to_json()
    assert out["comprehensive"] == [] and out["nominees"] == {}
    assert final_ids(review) == ["L1", "L2"]
    assert out["unresolved_ties"] == [["L3", "L4"]]
    run(review, review.resolve_tie(["L4", "L3"], "领导小组复议表决 5:2"))
    out = results(review).to_json()
    assert final_ids(review) == ["L1", "L2", "L4"]
    assert out["unresolved_ties"] == []
    assert out["resolved_ties"][0]["order"] == ["L4", "L3"]


def test_labour_contest_cap_of_3_leaves_the_4th_waiting() -> None:
    # 第十条 "每年升级为省级示范性劳动竞赛项目的数量原则上不超过3项"
    review = labour_review({"L1": 90, "L2": 88, "L3": 86, "L4": 85})
    assert final_ids(review) == ["L1", "L2", "L3"]
    assert results(review).to_json()["cap"] == 3


def test_labour_contest_collective_honour_breaks_the_tie_by_article_9() -> None:
    # 第九条 "集体获得省级及以上荣誉的，在同等条件下优先升级" (10712): L4 before L3 at 85
    review = labour_review({"L1": 90, "L2": 88, "L3": 85, "L4": 85},
                           flags={"L4": ["collective_honour"]})
    out = results(review).to_json()
    assert final_ids(review) == ["L1", "L2", "L4"]
    assert out["unresolved_ties"] == []
    assert [(d["order"], [r["article"] for r in d["rules"]]) for d in out["tie_breaks"]] == [
        (["L4", "L3"], ["第九条"])]


def test_tie_resolution_must_name_an_unresolved_tie() -> None:
    review = labour_review({"L1": 90, "L2": 88, "L3": 85, "L4": 85})
    before = review.state.event_count
    with pytest.raises(DomainError) as err:
        review.resolve_tie(["L1", "L2"], "无理由")
    assert err.value.code == "review.no_such_tie"
    assert review.state.event_count == before


def test_tie_within_the_cap_needs_no_resolution() -> None:
    review = labour_review({"L1": 90, "L2": 85, "L3": 85, "L4": 70})
    assert final_ids(review) == ["L1", "L2", "L3"]
    assert results(review).to_json()["unresolved_ties"] == []


def test_labour_contest_refuses_a_disqualification_it_has_no_article_for() -> None:
    review = labour_review({"L1": 90, "L2": 88})
    with pytest.raises(DomainError) as err:
        review.disqualify("L1", "异议")
    assert err.value.code == "review.disqualify_no_article"


# -- 职工技术创新成果奖: one step (第十二条), tracks and tiers in rank order (第四条) --------------------


def achievement_review(achievements: dict[str, object], methods: dict[str, object],
                       suggestions: dict[str, object] | None = None) -> Review:
    suggestions = suggestions or {}
    apps = [app(a, "g1", track="achievement") for a in achievements]
    apps += [app(a, "g1", track="method") for a in methods]
    apps += [app(a, "g1", track="suggestion") for a in suggestions]
    return single_round("innovation-achievement", {**achievements, **methods, **suggestions},
                        apps=apps)


def test_achievement_tracks_and_tiers_fill_in_rank_order() -> None:
    # 7 achievements: tiers 一等 ≤5 then 二等; 2 methods; a tie across the 一等/二等 line
    achievements: dict[str, object] = {f"T{i}": 95 - i for i in range(1, 5)}  # T1 94 .. T4 91
    achievements.update({"T5": 80, "T6": 80, "T7": 70})
    review = achievement_review(achievements, {"M1": 88, "M2": 77})
    out = results(review).to_json()
    assert [(f["id"], f["tier"]) for f in out["final"]] == [
        ("T1", "first"), ("T2", "first"), ("T3", "first"), ("T4", "first"),
        ("M1", None), ("M2", None),
    ]
    assert out["unresolved_ties"] == [["T5", "T6"]]
    run(review, review.resolve_tie(["T6", "T5"], "复议"))
    out = results(review).to_json()
    # tracks in panel order, then rank; T6 takes the last 一等奖 place, T5 falls to 二等奖
    assert [(f["id"], f["track"], f["tier"]) for f in out["final"]] == [
        ("T1", "achievement", "first"), ("T2", "achievement", "first"),
        ("T3", "achievement", "first"), ("T4", "achievement", "first"),
        ("T6", "achievement", "first"), ("T5", "achievement", "second"),
        ("T7", "achievement", "second"), ("M1", "method", None), ("M2", "method", None),
    ]
    # 第十三条 "对有异议的成果或申请者，组织复查并提出处理意见": its own article, not 第十六条
    placed = run(review, review.disqualify("T7", "复查属实"))
    assert placed[0].payload["article"] == "第十三条"


def test_achievement_every_tier_and_track_cap_leaves_the_next_waiting() -> None:
    # 第四条: 一等 ≤5, 二等 ≤20, 三等 ≤35, 优秀 ≤20 (track ≤80); 先进操作法 ≤10; 合理化建议 ≤10.
    # 81 achievements at 99.5, 99, …, 59.5: T01–T05 一等, T06–T25 二等, T26–T60 三等,
    # T61–T80 优秀, T81 waits; 11 methods and 11 suggestions: the 11th of each waits.
    achievements: dict[str, object] = {
        f"T{i:02d}": Decimal(100) - Decimal("0.5") * i for i in range(1, 82)}
    methods: dict[str, object] = {f"M{i:02d}": 90 - i for i in range(1, 12)}
    suggestions: dict[str, object] = {f"S{i:02d}": 80 - i for i in range(1, 12)}
    review = achievement_review(achievements, methods, suggestions)
    final = results(review).to_json()["final"]
    tiers = [(f["id"], f["tier"]) for f in final if f["track"] == "achievement"]
    expected = ([(f"T{i:02d}", "first") for i in range(1, 6)]
                + [(f"T{i:02d}", "second") for i in range(6, 26)]
                + [(f"T{i:02d}", "third") for i in range(26, 61)]
                + [(f"T{i:02d}", "excellent") for i in range(61, 81)])
    assert tiers == expected
    assert [f["id"] for f in final if f["track"] == "method"] == [f"M{i:02d}" for i in range(1, 11)]
    assert [f["id"] for f in final if f["track"] == "suggestion"] == [
        f"S{i:02d}" for i in range(1, 11)]


# -- 职业技能竞赛: one step, 理论:实操 = 3:7, tie → higher 实操 (第十六条); 状元 1, 能手 2–10 (第十八条) --


def skills_review(theory: dict[str, int], practice: dict[str, int], **rules: object) -> Review:
    apps = [app(s, "g1", fixed_scores={"theory": Decimal(t)}) for s, t in theory.items()]
    return single_round("skills-contest", practice, apps=apps, **rules)  # type: ignore[arg-type]


def test_skills_contest_weighting_practice_tie_break_and_titles() -> None:
    # S1: 0.3*90 + 0.7*80 = 83.0; S2: 0.3*76 + 0.7*86 = 83.0 → S2 first (higher 实操)
    # S3: 0.3*100 + 0.7*60 = 72.0
    review = skills_review({"S1": 90, "S2": 76, "S3": 100}, {"S1": 80, "S2": 86, "S3": 60})
    out = results(review).to_json()
    assert [(f["id"], f["score"], f["tier"]) for f in out["final"]] == [
        ("S2", "83.00", "champion"), ("S1", "83.00", "expert"), ("S3", "72.00", "expert"),
    ]
    assert out["unresolved_ties"] == []
    # the order S2 > S1 at 83.00 is the tie-break's (第十六条 "以实际操作成绩得分高者居前")
    assert [(d["order"], [(r["rule"], r["article"]) for r in d["rules"]])
            for d in out["tie_breaks"]] == [(["S2", "S1"], [("criterion", "第十六条")])]
    # 第十二条: fewer than 30 contestants is reported
    assert [(w["code"], w["article"]) for w in out["warnings"]] == [
        ("min_applications", "第十二条")]
    # 第二十条 "取消成绩" is the contest's own removal article
    placed = run(review, review.disqualify("S3", "经查实作弊"))
    assert placed[0].payload["article"] == "第二十条"


def test_skills_contest_one_champion_nine_experts_and_the_11th_waits() -> None:
    practice = {f"C{i:02d}": 95 - i for i in range(1, 12)}
    review = skills_review({c: 80 for c in practice}, practice)
    assert [(f["id"], f["tier"]) for f in results(review).to_json()["final"]] == (
        [("C01", "champion")] + [(f"C{i:02d}", "expert") for i in range(2, 11)])


def _contest_warnings(count: int, honoree: bool, **rules: object) -> list[str]:
    apps = [app(f"C{i:02d}", "g1", fixed_scores={"theory": Decimal(80)}) for i in range(count)]
    if honoree:  # 第十二条: a former 技术状元 may not take part; not counted as a contestant
        apps[0] = app("C00", "g1", flags=["prior_honoree"], fixed_scores={"theory": Decimal(80)})
    case, panel = make_case("skills-contest", apps, [expert("J1", ["g1"])],
                            groups=[Group("g1", "裁判组", "professional")], **rules)
    return [w["code"] for w in results(Review(case, panel, clock=Clock())).to_json()["warnings"]]


def test_skills_contest_minimum_of_30_counts_eligible_contestants_except_scarce_occupations() -> None:
    # 第十二条 "除稀缺工种外，参加省级一类竞赛决赛的优秀选手原则上不得少于30名" (10419)
    assert _contest_warnings(31, honoree=True) == []  # 30 eligible
    assert _contest_warnings(30, honoree=True) == ["min_applications"]  # 29 eligible
    assert _contest_warnings(30, honoree=False) == []
    assert _contest_warnings(29, honoree=False) == ["min_applications"]
    assert _contest_warnings(10, honoree=False, scarce_occupation=True) == []


# -- 职工创新项目补助: one step (第十六条), bands (第十一条), amounts proposed within the band ---------


BANDS = {"band_a": Decimal(90), "band_b": Decimal(80), "band_c": Decimal(70)}


def subsidy_review(totals: dict[str, object], requested: dict[str, int], budget: int,
                   flags: dict[str, list[str]] | None = None, **rules: object) -> Review:
    apps = [app(f, "g1", unit=f"企业{f}", named_unit=f"省级职工创新工作室{f}",
                requested_amount=requested[f], flags=(flags or {}).get(f, [])) for f in totals]
    return single_round("innovation-subsidy", totals, apps=apps, budget=budget,
                        band_min_score=BANDS, **rules)


def test_subsidy_bands_amounts_and_budget_line() -> None:
    # thresholds band_a ≥ 90, band_b ≥ 80, band_c ≥ 70 (case settings); budget 600,000.
    # F1 90 (exactly the band_a line) asks 250,000: inside 20—30万 → 250,000.
    # F2 89.5 → band_b; asks 60,000, below 10—20万: not paid 60,000, the amount is pending
    #   (charged 100,000, the band minimum, against the budget until the committee proposes).
    # F3 80 → band_b, asks 200,000 (the band maximum) → 200,000.
    # F4 79.5 → band_c, asks 50,000 (the band minimum) → 50,000. Running total 600,000.
    # F6 75 → band_c, asks 60,000: 660,000 > 600,000, so the list stops there (rank order kept).
    # F5 69.5 is below every band.
    totals = {"F1": 90, "F2": "89.5", "F3": 80, "F4": "79.5", "F5": "69.5", "F6": 75}
    requested = {"F1": 250000, "F2": 60000, "F3": 200000, "F4": 50000, "F5": 80000,
                 "F6": 60000}
    review = subsidy_review(totals, requested, 600000)
    out = results(review).to_json()
    assert [(f["id"], f["tier"], f["amount"], f["amount_source"]) for f in out["final"]] == [
        ("F1", "band_a", 250000, "requested"), ("F2", "band_b", None, ""),
        ("F3", "band_b", 200000, "requested"), ("F4", "band_c", 50000, "requested"),
    ]
    assert out["budget"] == {"total": 600000, "allocated": 600000, "article": "第十一条"}
    assert out["amount_pending"] == ["F2"]
    from reviewer.domain.results import export_blockers
    assert [b.code for b in export_blockers(review)] == ["results.amount_pending"]
    # the committee proposes an amount within the band (第十六条 "提出拟补助项目和补助金额建议")
    limits = {"F1": (200000, 300000), "F2": (100000, 200000), "F4": (50000, 100000)}
    for app_id, (low, high) in limits.items():
        for wrong in (low - 1, high + 1):
            with pytest.raises(DomainError) as err:
                review.propose_amount(app_id, wrong, "评审委员会建议")
            assert err.value.code == "review.amount_out_of_band"
            assert err.value.params["article"] == "第十一条"
        for right in (high, low):
            placed = run(review, review.propose_amount(app_id, right, "评审委员会建议"))
            assert placed[0].payload["amount"] == right
            assert placed[0].payload["article"] == "第十六条"
    out = results(review).to_json()
    assert [(f["id"], f["amount"], f["amount_source"]) for f in out["final"]] == [
        ("F1", 200000, "proposed"), ("F2", 100000, "proposed"), ("F3", 200000, "requested"),
        ("F4", 50000, "proposed"),
    ]
    # 200,000 + 100,000 + 200,000 + 50,000 = 550,000; F6's 60,000 would make 610,000 > 600,000
    assert out["budget"]["allocated"] == 550000
    assert out["amount_pending"] == []
    # 第十六条 gives no removal after 公示: refused rather than citing another measure's rule
    with pytest.raises(DomainError) as err:
        review.disqualify("F1", "异议")
    assert err.value.code == "review.disqualify_no_article"


def test_subsidy_band_counts_are_a_case_setting_and_unfinished_projects_a_warning() -> None:
    # 第十一条 sets no count per band: with band_cap band_a = 1 the second band_a score is
    # funded in band_b. 第十四条 "原则上不得申报": held back unless admitted with a reason.
    totals = {"F1": 95, "F2": 92, "F3": 91, "F4": 85}
    requested = {"F1": 250000, "F2": 150000, "F3": 150000, "F4": 150000}
    flags = {"F3": ["unfinished_project"], "F4": ["unfinished_project:原项目已通过中期验收"]}
    review = subsidy_review(totals, requested, 10_000_000, flags=flags,
                            band_cap={"band_a": 1})
    out = results(review).to_json()
    assert [(f["id"], f["tier"]) for f in out["final"]] == [("F1", "band_a"), ("F2", "band_b"),
                                                           ("F4", "band_b")]
    assert [(i["id"], i["article"], i["overridable"]) for i in out["ineligible"]] == [
        ("F3", "第十四条", True)]
    assert [(w["code"], w["id"], w["article"]) for w in out["warnings"]] == [
        ("unfinished_admitted", "F4", "第十四条")]


def test_subsidy_applicant_must_be_a_named_station_or_studio() -> None:
    # 第十四条 "补助项目申报单位必须是经全国总工会或省总工会命名的“一站三室”" (6728)
    apps = [app("F1", "g1", named_unit="省级职工技师工作站甲", requested_amount=60000),
            app("F2", "g1", requested_amount=60000)]
    case, panel = make_case("innovation-subsidy", apps, [expert("E1", ["g1"])],
                            groups=[Group("g1", "评审组", "professional")], budget=100000,
                            band_min_score=BANDS)
    out = results(Review(case, panel, clock=Clock())).to_json()
    assert [(i["id"], i["reason"], i["article"]) for i in out["ineligible"]] == [
        ("F2", "eligibility", "第十四条")]


# -- eligibility (工作站/工作室 第十条) -------------------------------------------------------------


def test_station_eligibility_boundaries_of_article_10() -> None:
    # 第十条: 领衔人年龄 ≤55, 团队 ≥5 人, 命名 ≥2 年 (unless exempt): 55 and 5 and 2 pass; 56, 4, 1 fail
    apps = [app("W1", "g1", leader_age=55, team_size=5, named_years=2),
            app("W2", "g1", leader_age=56, team_size=6, named_years=3),
            app("W3", "g1", leader_age=40, team_size=4, named_years=3),
            app("W4", "g1", leader_age=40, team_size=6, named_years=1),
            app("W5", "g1", leader_age=40, team_size=6, named_years=1, flags=["exempt"])]
    experts = [expert(e, ["g1", "comp"]) for e in ("E1", "E2", "E3")]
    case, panel = make_case("technician-station", apps, experts)
    review = Review(case, panel, clock=Clock())
    ack(review, "E1")
    assert [a.id for a in review.scope("E1")] == ["W1", "W5"]
    reasons = {i["id"]: i["article"] for i in results(review).to_json()["ineligible"]}
    assert reasons == {"W2": "第十条", "W3": "第十条", "W4": "第十条"}


def test_studio_eligibility_boundaries_of_article_10() -> None:
    # 第十条: 团队 ≥3 人, 命名 ≥2 年: 3 and 2 pass; 2 and 1 fail
    apps = [app("S1", "g1", team_size=3, named_years=2),
            app("S2", "g1", team_size=2, named_years=3),
            app("S3", "g1", team_size=5, named_years=1)]
    case, panel = make_case("innovation-studio", apps, [expert("E1", ["g1"])])
    reasons = {i["id"]: i["article"] for i in results(Review(case, panel, clock=Clock())).to_json()["ineligible"]}
    assert reasons == {"S2": "第十条", "S3": "第十条"}


def test_studio_and_station_caps_of_30_leave_the_31st_waiting() -> None:
    # 第四条 "每批命名……不超过30个" for both: 31 distinct totals, the 31st waits
    for panel_id, extra in (("innovation-studio", {"team_size": 3, "named_years": 2}),
                            ("technician-station", {"team_size": 5, "named_years": 2,
                                                    "leader_age": 50})):
        totals = {f"A{i:02d}": Decimal(100) - Decimal("0.5") * i for i in range(1, 32)}
        apps = [app(a, "g1", **extra) for a in totals]
        experts = [expert(e, ["g1"]) for e in ("E1", "E2", "E3")]
        experts += [expert(e, ["comp"]) for e in ("C1", "C2", "C3")]
        groups = [Group("g1", "专业组", "professional", 31),
                  Group("comp", "综合组", "comprehensive")]
        case, panel = make_case(panel_id, apps, experts, groups=groups)
        review = Review(case, panel, clock=Clock())
        session(review, {e: dict(totals) for e in ("E1", "E2", "E3")})  # type: ignore[misc]
        placed = run(review, review.advance())
        assert placed[0].payload["article"] == "第十五条"
        session(review, {e: dict(totals) for e in ("C1", "C2", "C3")})  # type: ignore[misc]
        placed = run(review, review.advance())
        assert placed[0].payload["article"] == "第十五条"  # 综合组评审, the same article
        assert final_ids(review) == [f"A{i:02d}" for i in range(1, 31)], panel_id
        placed = run(review, review.disqualify("A01", "公示期异议属实"))
        assert placed[0].payload["article"] == "第十六条"


# -- the articles every event cites are the measure's own ----------------------------------------

# id -> (保密 article on the pledge event, 回避 article on a declaration)
CITED = {
    "yunling-craftsman": ("第十九条", "第十九条"),
    "innovation-studio": ("第十九条", "第十九条"),
    "technician-station": ("第十九条", "第十九条"),
    "innovation-achievement": ("第十条", "第十条"),
    "innovation-subsidy": ("第二十七条", "第二十七条"),
    "skills-contest": ("第二十条", "第二十条"),
    "labour-contest": ("第十一条", "第十一条"),
}


def test_pledge_and_recusal_events_cite_each_measures_own_article() -> None:
    for panel_id, (secrecy, recusal) in CITED.items():
        case, panel = make_case(panel_id, [app("A1", "g1", fixed_scores={"theory": Decimal(1)})],
                                [expert("E1", ["g1"])])
        review = Review(case, panel, clock=Clock())
        placed = run(review, review.acknowledge("E1"))
        assert placed[0].payload["article"] == secrecy, panel_id
        placed = run(review, review.declare_conflict("E1", "A1", "other", "曾共同完成项目"))
        assert placed[0].payload["article"] == recusal, panel_id


# -- aggregation: trimmed mean and quorum --------------------------------------------------------


def test_trimmed_mean_drops_one_high_and_one_low_at_trim_min() -> None:
    apps = [app("A1", "g1"), app("A2", "g1")]
    experts = [expert(f"E{i}", ["g1", "comp"]) for i in range(1, 6)]
    case, panel = make_case("yunling-craftsman", apps, experts, aggregate="trimmed_mean")
    review = Review(case, panel, clock=Clock())
    # A1 totals 60, 80, 81, 82, 99 → trimmed (80+81+82)/3 = 81; the plain mean would be 80.4
    # A2 totals 70.5 ×4 + 71 → trimmed (70.5+70.5+70.5)/3 = 70.5
    sheets = {
        "E1": {"A1": 60, "A2": "70.5"}, "E2": {"A1": 80, "A2": "70.5"},
        "E3": {"A1": 81, "A2": "70.5"}, "E4": {"A1": 82, "A2": "70.5"},
        "E5": {"A1": 99, "A2": 71},
    }
    session(review, sheets)
    rows = {r["id"]: r for r in results(review).to_json()["professional"]["g1"]}
    assert rows["A1"]["aggregate"] == "81.00"
    assert rows["A2"]["aggregate"] == "70.50"


def test_mean_is_exact_and_shown_half_up() -> None:
    apps = [app("A1", "g1"), app("A2", "g1")]
    experts = [expert(f"E{i}", ["g1", "comp"]) for i in range(1, 4)]
    case, panel = make_case("yunling-craftsman", apps, experts)
    review = Review(case, panel, clock=Clock())
    # A1 (80 + 80 + 80.5)/3 = 80.1666… → "80.17"; A2 (80 + 80.5 + 80.5)/3 = 80.333… → "80.33"
    session(review, {"E1": {"A1": 80, "A2": 80}, "E2": {"A1": 80, "A2": "80.5"},
                     "E3": {"A1": "80.5", "A2": "80.5"}})
    rows = results(review).to_json()["professional"]["g1"]
    assert [(r["id"], r["aggregate"], r["rank"]) for r in rows] == [
        ("A2", "80.33", 1), ("A1", "80.17", 2)]


def test_short_of_quorum_is_not_ranked_and_blocks_advance() -> None:
    apps = [app("A1", "g1"), app("A2", "g1", unit="专家单位E1")]  # E1 shares A2's unit
    experts = [expert(f"E{i}", ["g1", "comp"]) for i in range(1, 4)]
    case, panel = make_case("yunling-craftsman", apps, experts)
    review = Review(case, panel, clock=Clock())
    session(review, {"E1": {"A1": 80}, "E2": {"A1": 80, "A2": 70}, "E3": {"A1": 80, "A2": 70}})
    out = results(review).to_json()
    assert out["quorum_short"] == ["A2"]
    row = next(r for r in out["professional"]["g1"] if r["id"] == "A2")
    assert row["rank"] is None and row["quorum"] is False and row["counted"] == 2
    before = review.state.event_count
    with pytest.raises(DomainError) as err:
        review.advance()
    assert err.value.code == "review.cannot_advance"
    assert "A2" in str(err.value)
    assert review.state.event_count == before
    with pytest.raises(DomainError):
        review.advance(force=True)  # forcing needs a reason
    run(review, review.advance(force=True, reason="A2 专家不足，经监督组同意"))
    assert review.round == "comprehensive"
    assert review.state.advances[0]["forced"] is True

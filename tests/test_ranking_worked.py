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


def session(review: Review, sheets: dict[str, dict[str, object]]) -> None:
    """Each expert acknowledges, scores the given totals and submits."""
    for expert_id, totals in sheets.items():
        if not review.has_acknowledged(expert_id):
            ack(review, expert_id)
        score_all(review, expert_id, totals)  # type: ignore[arg-type]


def advance(review: Review, **kwargs: object) -> None:
    run(review, review.advance(**kwargs))  # type: ignore[arg-type]


def final_ids(review: Review) -> list[str]:
    return [f["id"] for f in results(review)["final"]]


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
    out = results(review)
    g1 = {row["id"]: row for row in out["professional"]["g1"]}
    assert [g1[i]["rank"] for i in ("A1", "A3", "A2", "A4")] == [1, 2, 3, 4]
    assert g1["A1"]["aggregate"] == "88.00" and g1["A3"]["aggregate"] == "85.00"
    # D1 (第六条) and the ineligible are not scored in either round
    assert "D1" not in g1 and "P1" not in g1
    assert out["nominees"] == {"g1": ["A1", "A3"], "g2": ["B1", "B2", "B3"]}
    assert {i["id"]: (i["reason"], i["article"]) for i in out["ineligible"]} == {
        "P1": ("prior_honoree", "第三条"), "X1": ("excluded", "第八条"),
    }
    advance(review)
    assert review.round == "comprehensive"
    # the comprehensive group scores only the nominees
    assert [a.id for a in review.scope("C1")] == ["A1", "A3", "B1", "B2", "B3"]
    session(review, {
        "C1": {"A1": 91, "A3": 80, "B1": 85, "B2": 70, "B3": 75},
        "C2": {"A1": 89, "A3": 82, "B1": 85, "B2": 72, "B3": 75},
        "C3": {"A1": 90, "A3": 84, "B1": 85, "B2": 74, "B3": 75},
    })
    advance(review)
    out = results(review)
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
    # 第十六条: a finalist removed after 公示 is not replaced; nobody moves up
    run(review, review.disqualify("A3", "公示期间异议属实"))
    out = results(review)
    assert out["disqualified"] == ["A3"]
    assert [f["id"] for f in out["final"]] == ["D1", "A1", "B1", "B3", "B2"]
    assert [f["position"] for f in out["final"]] == [1, 2, 3, 5, 6]


def test_disqualify_refused_before_close_and_for_non_finalists(yunling: Review) -> None:
    with pytest.raises(DomainError) as err:
        yunling.disqualify("A1", "异议")
    assert err.value.code == "review.disqualify_before_close"
    assert yunling.state.event_count == 0


# -- 省级示范性劳动竞赛: cap 3 (第十条), a tie across the cap --------------------------------------


def labour_review(totals: dict[str, int]) -> Review:
    apps = [app(a, "g1", unit=f"州市{a}") for a in totals]
    experts = [expert(e, ["g1", "comp"]) for e in ("E1", "E2", "E3")]
    groups = [Group("g1", "专业组", "professional", len(apps)),
              Group("comp", "综合组", "comprehensive")]
    case, panel = make_case("labour-contest", apps, experts, groups=groups)
    review = Review(case, panel, clock=Clock())
    sheets = {e: dict(totals) for e in ("E1", "E2", "E3")}
    session(review, sheets)  # type: ignore[arg-type]
    advance(review)
    session(review, sheets)  # type: ignore[arg-type]
    advance(review)
    return review


def test_labour_contest_tie_across_cap_blocks_until_resolved() -> None:
    # L1 90, L2 88, L3 = L4 = 85: only one of L3/L4 fits under the cap of 3
    review = labour_review({"L1": 90, "L2": 88, "L3": 85, "L4": 85, "L5": 60})
    out = results(review)
    assert final_ids(review) == ["L1", "L2"]
    assert out["unresolved_ties"] == [["L3", "L4"]]
    run(review, review.resolve_tie(["L4", "L3"], "评审委员会复议表决 5:2"))
    out = results(review)
    assert final_ids(review) == ["L1", "L2", "L4"]
    assert out["unresolved_ties"] == []
    assert out["resolved_ties"][0]["order"] == ["L4", "L3"]


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
    assert results(review)["unresolved_ties"] == []


# -- 职工技术创新成果奖: three tracks, tiers in rank order (第四条) ----------------------------------


def test_achievement_tracks_and_tiers_fill_in_rank_order() -> None:
    # 7 achievements: tiers 一等 ≤5 then 二等; 2 methods; a tie across the 一等/二等 line
    achievements = {f"T{i}": 95 - i for i in range(1, 5)}  # T1 94 .. T4 91
    achievements.update({"T5": 80, "T6": 80, "T7": 70})
    methods = {"M1": 88, "M2": 77}
    apps = [app(a, "g1", track="achievement") for a in achievements]
    apps += [app(a, "g1", track="method") for a in methods]
    experts = [expert(e, ["g1", "comp"]) for e in ("E1", "E2", "E3")]
    groups = [Group("g1", "专业组", "professional", 20), Group("comp", "综合组", "comprehensive")]
    case, panel = make_case("innovation-achievement", apps, experts, groups=groups)
    review = Review(case, panel, clock=Clock())
    sheets = {e: {**achievements, **methods} for e in ("E1", "E2", "E3")}
    session(review, sheets)  # type: ignore[arg-type]
    advance(review)
    session(review, sheets)  # type: ignore[arg-type]
    advance(review)
    out = results(review)
    assert [(f["id"], f["tier"]) for f in out["final"]] == [
        ("T1", "first"), ("T2", "first"), ("T3", "first"), ("T4", "first"),
        ("M1", None), ("M2", None),
    ]
    assert out["unresolved_ties"] == [["T5", "T6"]]
    run(review, review.resolve_tie(["T6", "T5"], "复议"))
    out = results(review)
    # tracks in panel order, then rank; T6 takes the last 一等奖 place, T5 falls to 二等奖
    assert [(f["id"], f["track"], f["tier"]) for f in out["final"]] == [
        ("T1", "achievement", "first"), ("T2", "achievement", "first"),
        ("T3", "achievement", "first"), ("T4", "achievement", "first"),
        ("T6", "achievement", "first"), ("T5", "achievement", "second"),
        ("T7", "achievement", "second"), ("M1", "method", None), ("M2", "method", None),
    ]


# -- 职业技能竞赛: 理论:实操 = 3:7, tie → higher 实操 (第十六条); 状元 1, 能手 2–10 (第十八条) --------


def test_skills_contest_weighting_practice_tie_break_and_titles() -> None:
    # S1: 0.3*90 + 0.7*80 = 83.0; S2: 0.3*76 + 0.7*86 = 83.0 → S2 first (higher 实操)
    # S3: 0.3*100 + 0.7*60 = 72.0
    theory = {"S1": 90, "S2": 76, "S3": 100}
    practice = {"S1": 80, "S2": 86, "S3": 60}
    apps = [app(s, "g1", fixed_scores={"theory": Decimal(t)}) for s, t in theory.items()]
    experts = [expert(e, ["g1", "comp"]) for e in ("J1", "J2", "J3")]
    groups = [Group("g1", "裁判组", "professional", 10), Group("comp", "综合组", "comprehensive")]
    case, panel = make_case("skills-contest", apps, experts, groups=groups)
    review = Review(case, panel, clock=Clock())
    sheets = {j: dict(practice) for j in ("J1", "J2", "J3")}
    session(review, sheets)  # type: ignore[arg-type]
    advance(review)
    session(review, sheets)  # type: ignore[arg-type]
    advance(review)
    out = results(review)
    assert [(f["id"], f["score"], f["tier"]) for f in out["final"]] == [
        ("S2", "83.00", "champion"), ("S1", "83.00", "expert"), ("S3", "72.00", "expert"),
    ]
    assert out["unresolved_ties"] == []
    # 第八条: fewer than 30 contestants is reported
    assert out["warnings"][0]["code"] == "min_applications"


# -- 职工创新项目补助: bands (第十一条) and the total budget -------------------------------------------


def test_subsidy_bands_amounts_and_budget_line() -> None:
    # thresholds: band_a ≥ 90, band_b ≥ 80, band_c ≥ 70; budget 550,000
    # F1 95 → band_a, asks 350,000 → capped at 300,000 (band maximum)
    # F2 85 → band_b, asks 120,000 → 120,000; F3 82 → band_b 150,000 → 150,000 (total 570,000
    # would exceed the budget, so F3 is not funded and the list stops: rank order is kept)
    requested = {"F1": 350000, "F2": 120000, "F3": 150000, "F4": 60000}
    totals = {"F1": 95, "F2": 85, "F3": 82, "F4": 75}
    apps = [app(f, "g1", unit=f"站{f}", requested_amount=requested[f]) for f in totals]
    experts = [expert(e, ["g1", "comp"]) for e in ("E1", "E2", "E3")]
    groups = [Group("g1", "专业组", "professional", 10), Group("comp", "综合组", "comprehensive")]
    case, panel = make_case(
        "innovation-subsidy", apps, experts, groups=groups, budget=550000,
        band_min_score={"band_a": Decimal(90), "band_b": Decimal(80), "band_c": Decimal(70)},
    )
    review = Review(case, panel, clock=Clock())
    sheets = {e: dict(totals) for e in ("E1", "E2", "E3")}
    session(review, sheets)  # type: ignore[arg-type]
    advance(review)
    session(review, sheets)  # type: ignore[arg-type]
    advance(review)
    out = results(review)
    assert [(f["id"], f["tier"], f["amount"]) for f in out["final"]] == [
        ("F1", "band_a", 300000), ("F2", "band_b", 120000),
    ]
    assert out["budget"] == {"total": 550000, "allocated": 420000}


# -- eligibility (工作站 第十条) -----------------------------------------------------------------


def test_station_eligibility_failures_are_listed_not_scored() -> None:
    apps = [app("W1", "g1", leader_age=50, team_size=6, named_years=3),
            app("W2", "g1", leader_age=56, team_size=6, named_years=3),
            app("W3", "g1", leader_age=40, team_size=4, named_years=3)]
    experts = [expert(e, ["g1", "comp"]) for e in ("E1", "E2", "E3")]
    case, panel = make_case("technician-station", apps, experts)
    review = Review(case, panel, clock=Clock())
    ack(review, "E1")
    assert [a.id for a in review.scope("E1")] == ["W1"]
    reasons = {i["id"]: i["article"] for i in results(review)["ineligible"]}
    assert reasons == {"W2": "第十条", "W3": "第十条"}


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
    rows = {r["id"]: r for r in results(review)["professional"]["g1"]}
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
    rows = results(review)["professional"]["g1"]
    assert [(r["id"], r["aggregate"], r["rank"]) for r in rows] == [
        ("A2", "80.33", 1), ("A1", "80.17", 2)]


def test_short_of_quorum_is_not_ranked_and_blocks_advance() -> None:
    apps = [app("A1", "g1"), app("A2", "g1", unit="专家单位E1")]  # E1 shares A2's unit
    experts = [expert(f"E{i}", ["g1", "comp"]) for i in range(1, 4)]
    case, panel = make_case("yunling-craftsman", apps, experts)
    review = Review(case, panel, clock=Clock())
    session(review, {"E1": {"A1": 80}, "E2": {"A1": 80, "A2": 70}, "E3": {"A1": 80, "A2": 70}})
    out = results(review)
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

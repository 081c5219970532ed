"""Property tests (hypothesis): random small sessions driven through both rounds.

For every generated session: no track, total or tier cap is exceeded; no recused, abstained,
unsubmitted or reopened sheet is counted (and every sheet that should count does); results do
not depend on the order of applications, experts, groups or score entry; the same input gives
byte-identical JSON; nominees are exactly the top ``nominate`` of each professional group with
ties across the boundary included; finalists' scores never increase within a track.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.domain.case import Group
from reviewer.domain.errors import DomainError
from reviewer.domain.exact import aggregate
from reviewer.domain.panel import Panel, load_panel_by_id
from reviewer.domain.results import results
from reviewer.domain.review import Review
from tests.builders import Clock, app, declare, expert, make_case, run

MEASURES = ("yunling-craftsman", "innovation-achievement", "labour-contest", "skills-contest")
UNITS = ("云南铜业（集团）有限公司", "昆明机床厂", "云南建投集团")
# extra weight on "no flag" so most applications are scored
FLAG_CHOICES = {
    "yunling-craftsman": ("priority", "direct", "prior_honoree", "excluded:处分期未满"),
    "innovation-achievement": ("excluded:项目未验收",),
    "labour-contest": ("excluded:发生重大安全事故",),
    "skills-contest": ("prior_honoree", "excluded:违纪"),
}


def half_steps(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Totals in 0.5 steps between low/2 and high/2 (a narrow band gives many ties)."""
    return st.integers(low, high).map(lambda n: Decimal(n) / 2)


@st.composite
def sessions(draw: st.DrawFn) -> dict[str, Any]:
    measure = draw(st.sampled_from(MEASURES))
    panel = load_panel_by_id(measure)
    tracks = [t.key for t in panel.tracks]
    groups = [f"g{i}" for i in range(1, draw(st.integers(1, 3)) + 1)]
    apps = []
    for i in range(draw(st.integers(2, 15))):
        flag = draw(st.sampled_from((None,) * 6 + FLAG_CHOICES[measure]))
        apps.append({
            "id": f"A{i:02d}", "group": draw(st.sampled_from(groups)),
            "track": draw(st.sampled_from(tracks)),
            "unit": draw(st.sampled_from((None, None) + UNITS)),
            "flags": [flag] if flag else [],
            "theory": draw(half_steps(100, 200)) if measure == "skills-contest" else None,
        })
    experts = []
    two_rounds = panel.has_comprehensive
    for group in [*groups, *(["comp"] if two_rounds else [])]:
        for j in range(draw(st.integers(3, 6))):
            experts.append({
                "id": f"{group.upper()}E{j}", "groups": [group],
                "unit": draw(st.sampled_from((None,) * 4 + UNITS)),
                "submits": draw(st.sampled_from((True, True, True, True, False))),
                "reopened": draw(st.sampled_from((False,) * 6 + (True,))),
                "lift_same_unit": draw(st.booleans()),
            })
    pairs = [(e["id"], a["id"]) for e in experts for a in apps]
    low, high = draw(st.sampled_from(((140, 160), (150, 151))))  # the narrow band: many ties
    totals = draw(st.lists(half_steps(low, high), min_size=len(pairs), max_size=len(pairs)))
    abstain = draw(st.lists(st.sampled_from((False,) * 12 + (True,)), min_size=len(pairs),
                            max_size=len(pairs)))
    tight = draw(st.booleans())
    return {
        "measure": measure, "groups": groups, "apps": apps, "experts": experts,
        "totals": dict(zip(pairs, totals, strict=True)),
        "abstain": {p for p, a in zip(pairs, abstain, strict=True) if a},
        "nominate": {g: draw(st.integers(1, 4)) for g in groups},
        "min_experts": draw(st.sampled_from((2, 3, 3))),
        "aggregate": draw(st.sampled_from(("mean", "trimmed_mean"))),
        "trim_min": draw(st.integers(3, 5)),
        "min_score": draw(st.sampled_from((None, None, Decimal(72)))),
        "caps": {
            t.key: (draw(st.integers(1, 4)), [draw(st.integers(1, 2)) for _ in t.tiers])
            for t in panel.tracks
        } if tight else None,
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


def session_panel(spec: dict[str, Any]) -> Panel:
    """The measure's panel, with caps shrunk (when drawn) so that small sessions hit them."""
    panel = load_panel_by_id(spec["measure"])
    if spec["caps"] is None:
        return panel
    tracks = tuple(
        replace(t, cap=spec["caps"][t.key][0],
                tiers=tuple(replace(tier, cap=c) for tier, c in zip(t.tiers, spec["caps"][t.key][1],
                                                                       strict=True)))
        for t in panel.tracks
    )
    return replace(panel, tracks=tracks, cap=sum(t.cap for t in tracks))


def build(spec: dict[str, Any], shuffle: random.Random | None) -> Review:
    apps = [
        app(a["id"], a["group"], track=a["track"], unit=a["unit"], flags=a["flags"],
            **({"fixed_scores": {"theory": a["theory"]}} if a["theory"] is not None else {}))
        for a in spec["apps"]
    ]
    experts = [expert(e["id"], e["groups"], unit=e["unit"]) for e in spec["experts"]]
    panel = session_panel(spec)
    groups = [Group(g, f"专业组{g}", "professional", spec["nominate"][g]) for g in spec["groups"]]
    if panel.has_comprehensive:  # a one-step measure has no 综合组 (issue 12)
        groups.append(Group("comp", "综合组", "comprehensive"))
    if shuffle is not None:
        shuffle.shuffle(apps)
        shuffle.shuffle(experts)
        shuffle.shuffle(groups)
    case, _ = make_case(spec["measure"], apps, experts, groups=groups,
                        min_experts=spec["min_experts"], aggregate=spec["aggregate"],
                        trim_min=spec["trim_min"], min_score=spec["min_score"])
    return Review(case, panel, clock=Clock())


def score_round(review: Review, spec: dict[str, Any], shuffle: random.Random | None) -> None:
    """Every expert of the open round scores (or abstains) and most submit; some are reopened."""
    experts = [e for e in spec["experts"] if review.scope(e["id"])]
    if shuffle is not None:
        shuffle.shuffle(experts)
    for info in experts:
        expert_id = info["id"]
        apps = list(review.scope(expert_id))
        if shuffle is not None:
            shuffle.shuffle(apps)
        for application in apps:
            if review.conflicts.is_recused(expert_id, application.id, review.state):
                continue
            declare(review, expert_id, application.id)  # 回避申明 first
            if (expert_id, application.id) in spec["abstain"]:
                run(review, review.abstain(expert_id, application.id, "不熟悉该领域"))
                continue
            remaining = spec["totals"][(expert_id, application.id)]
            for criterion in review.panel.expert_criteria:
                value = min(review.points[criterion.key], remaining)
                remaining -= value
                run(review, review.set_score(expert_id, application.id, criterion.key, value))
        if info["submits"]:
            run(review, review.submit(expert_id, confirm_no_conflict=True))
            if info["reopened"]:
                run(review, review.reopen(expert_id, "退回修改，未再提交"))


def advance(review: Review) -> bool:
    forced = bool(review.round_blockers())
    try:
        run(review, review.advance(force=forced, reason="经监督组同意" if forced else ""))
    except DomainError as err:
        assert err.code == "review.no_nominees"
        return False
    return True


def drive(spec: dict[str, Any], shuffled: bool = False) -> Review:
    shuffle = random.Random(spec["seed"]) if shuffled else None
    review = build(spec, shuffle)
    experts = [e["id"] for e in spec["experts"]]
    if shuffle is not None:
        shuffle.shuffle(experts)
    for expert_id in experts:
        run(review, review.acknowledge(expert_id))
    for info in sorted(spec["experts"], key=lambda e: e["id"]):
        if info["lift_same_unit"]:
            for app_id, conflict in sorted(review.conflicts_of(info["id"]).items()):
                if conflict.liftable and conflict.active:
                    run(review, review.lift_conflict(info["id"], app_id, "不同法人单位"))
    score_round(review, spec, shuffle)
    if not advance(review):
        return review
    if review.round != "closed":  # the second round only where the document has one
        score_round(review, spec, shuffle)
        advance(review)
    for _ in range(len(spec["apps"])):
        ties = results(review).to_json()["unresolved_ties"]
        if not ties:
            break
        run(review, review.resolve_tie(sorted(ties[0], reverse=True), "复议表决"))
    return review


def canonical(review: Review) -> str:
    return json.dumps(results(review).to_json(), sort_keys=True, ensure_ascii=False)


def exact(text: str) -> Fraction:
    return Fraction(Decimal(text))


PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY
@given(sessions())
def test_random_sessions_keep_every_invariant(spec: dict[str, Any]) -> None:
    review = drive(spec)
    out = results(review).to_json()
    check_caps(review, out)
    check_counted_sheets(review, out)
    check_nominees(review, spec, out)
    check_final_order(review, out)
    # the same input twice gives byte-identical JSON
    assert canonical(drive(spec)) == canonical(review)
    # shuffled applications, experts, groups and score entry give the same results
    assert canonical(drive(spec, shuffled=True)) == canonical(review)


def check_caps(review: Review, out: dict[str, Any]) -> None:
    final = out["final"]
    panel = review.panel
    assert panel.cap is None or len(final) <= panel.cap
    assert len({f["id"] for f in final}) == len(final)
    for track in panel.tracks:
        placed = [f for f in final if f["track"] == track.key]
        assert track.cap is None or len(placed) <= track.cap
        for tier in track.tiers:
            assert tier.cap is None or sum(1 for f in placed if f["tier"] == tier.key) <= tier.cap
    ineligible = {i["id"] for i in out["ineligible"]}
    assert not ineligible & {f["id"] for f in final}


def check_counted_sheets(review: Review, out: dict[str, Any]) -> None:
    state, case = review.state, review.case
    keys = [c.key for c in review.panel.expert_criteria]
    tables = [(g, "professional", rows) for g, rows in out["professional"].items()]
    comp = case.comprehensive_group
    assert (comp is not None) == review.panel.has_comprehensive
    if comp is not None:
        tables.append((comp.id, "comprehensive", out["comprehensive"]))
    else:
        assert out["comprehensive"] == []
    for group, round_name, rows in tables:
        for row in rows:
            expected = {}
            for member in case.members(group):
                cell = state.scores.get((member.id, row["id"], round_name), {})
                if ((member.id, round_name) in state.submitted
                        and (member.id, row["id"], round_name) not in state.abstained
                        and not review.conflicts.is_recused(member.id, row["id"], state)
                        and all(k in cell for k in keys)):
                    expected[member.id] = f"{sum(cell[k] for k in keys):.2f}"
            assert row["totals"] == expected, (group, round_name, row["id"])
            assert row["counted"] == len(expected)
            assert row["quorum"] == (len(expected) >= case.rules.min_experts)
            assert (row["rank"] is None) == (not row["quorum"])


def order_key(review: Review, app_id: str, totals: list[Fraction]) -> tuple[Fraction, ...]:
    """Aggregate and tie-break, computed here independently of the engine."""
    rules = review.case.rules
    values = sorted(totals)
    if rules.aggregate == "trimmed_mean" and len(values) >= rules.trim_min and len(values) > 2:
        values = values[1:-1]
    mean = sum(values, Fraction(0)) / len(values)
    application = review.case.application(app_id)
    assert application is not None
    if review.panel.id == "skills-contest":  # 理论:实操 = 3:7, tie → higher 实操 (第十六条)
        theory = Fraction(application.fixed_scores["theory"])
        return ((3 * theory + 7 * mean) / 10, mean)
    if review.panel.id == "yunling-craftsman":  # tie → 第七条 priority
        return (mean, Fraction(int(application.has_flag("priority"))))
    return (mean,)


def check_nominees(review: Review, spec: dict[str, Any], out: dict[str, Any]) -> None:
    min_score = spec["min_score"]
    if not review.panel.has_comprehensive:  # one step: nobody is nominated to a next round
        assert out["nominees"] == {}
        assert not any(r["nominated"] for rows in out["professional"].values() for r in rows)
        return
    for group, rows in out["professional"].items():
        keys = {r["id"]: order_key(review, r["id"], [exact(t) for t in r["totals"].values()])
                for r in rows if r["quorum"]}
        limit = spec["nominate"][group]
        expected = {
            app_id for app_id, key in keys.items()
            if sum(1 for other in keys.values() if other > key) < limit
            and (min_score is None or key[0] >= min_score)
        }
        nominated = out["nominees"][group]
        assert set(nominated) == expected, group
        assert nominated == sorted(nominated, key=lambda i: (tuple(-k for k in keys[i]), i))
        assert {r["id"] for r in rows if r["nominated"]} == expected


def check_final_order(review: Review, out: dict[str, Any]) -> None:
    two_rounds = review.panel.has_comprehensive
    comp = ({r["id"]: r for r in out["comprehensive"]} if two_rounds else
            {r["id"]: r for rows in out["professional"].values() for r in rows})
    track_order = [t.key for t in review.panel.tracks]
    assert [f["track"] for f in out["final"]] == sorted(
        (f["track"] for f in out["final"]), key=track_order.index)
    for track in track_order:
        placed = [f for f in out["final"] if f["track"] == track]
        bases = [f["basis"] for f in placed]
        assert bases == sorted(bases, key=lambda b: b != "direct")  # direct recognitions first
        scored = [f for f in placed if f["basis"] == "scored"]
        for f in scored:
            assert f["score"] == comp[f["id"]]["aggregate"] and comp[f["id"]]["quorum"]
            if two_rounds:
                assert f["id"] in {i for ids in out["nominees"].values() for i in ids}
        scores = [Decimal(f["score"]) for f in scored]
        assert scores == sorted(scores, reverse=True), track


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), JSON_VALUES, max_size=6))
def test_stored_payload_text_is_the_canonical_json_the_chain_macs(payload: dict[str, Any]) -> None:
    """The store keeps, and the chain MACs, exactly this text: the prebuilt C encoder must
    write what the sorted, compact, non-ASCII-escaping encoder writes, or older rows would no
    longer verify without decoding."""
    from reviewer.domain.audit import payload_text

    assert payload_text(payload) == json.dumps(payload, sort_keys=True, separators=(",", ":"),
                                               ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.fractions(min_value=0, max_value=200, max_denominator=12), min_size=1,
                max_size=15),
       st.sampled_from(["mean", "trimmed_mean"]), st.integers(min_value=0, max_value=8))
def test_the_aggregate_is_the_exact_mean_of_what_the_rule_keeps(
        totals: list[Fraction], method: str, trim_min: int) -> None:
    """Computed in integers over a common denominator: the same rational as the rule read
    plainly (drop one highest and one lowest when the measure trims and enough sheets count)."""
    kept = sorted(totals)
    if method == "trimmed_mean" and len(kept) >= trim_min and len(kept) > 2:
        kept = kept[1:-1]
    assert aggregate(totals, method, trim_min) == sum(kept, Fraction(0)) / len(kept)


def test_a_group_lists_its_members_in_the_case_order() -> None:
    case, _ = make_case("yunling-craftsman", [app("A1", "g1")],
                        [expert("E2", ["g1"]), expert("E1", ["g1", "comp"]),
                         expert("E3", ["g2"])])
    assert [e.id for e in case.members("g1")] == ["E2", "E1"]
    assert [e.id for e in case.members("comp")] == ["E1"]
    assert case.members("nobody") == ()


# aggregates near enough to round to one float: a mean of half points, and it moved by far
# less than a float can tell (and tie-break values the same way)
_NEAR = st.builds(lambda base, nudge: base + nudge,
                  st.fractions(min_value=0, max_value=100, max_denominator=30),
                  st.sampled_from([Fraction(0), Fraction(1, 10**30), Fraction(-1, 10**30),
                                   Fraction(1, 3 * 10**25)]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_NEAR, st.lists(_NEAR, min_size=1, max_size=1)), min_size=1,
                max_size=12))
def test_a_table_orders_and_ties_by_the_exact_values_even_where_floats_cannot_tell(
        rows: list[tuple[Fraction, list[Fraction]]]) -> None:
    """The table's sort compares floats first for speed: it must give the order of the
    Fractions themselves, and call two entries tied exactly when both values are equal."""
    from reviewer.domain.ranking import Entry, _order

    entries = [Entry(f"A{i:02d}", {}, aggregate, tuple(tie)) for i, (aggregate, tie)
               in enumerate(rows)]
    fast = sorted(entries, key=lambda e: (_order(e), e.application))
    exact = sorted(entries, key=lambda e: (-(e.aggregate or 0), tuple(-k for k in e.tie_key),
                                           e.application))
    assert [e.application for e in fast] == [e.application for e in exact]
    for first in entries:
        for second in entries:
            assert (_order(first) == _order(second)) == (
                (first.aggregate, first.tie_key) == (second.aggregate, second.tie_key))

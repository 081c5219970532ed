"""Every rule and refusal of issue 3, "Who may see and score what" and "Scores".

Each refusal is checked three ways: the error code names the rule, the message renders in
Chinese (the default) and in English, and nothing changed (no event returned, none applied).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from functools import partial
from typing import Any

import pytest

from reviewer import i18n
from reviewer.bundle.pins import Argon2PinHasher
from reviewer.domain.audit import ChainBroken
from reviewer.domain.case import Group, ListedConflict
from reviewer.domain.errors import DomainError
from reviewer.domain.events import Event
from reviewer.domain.recusal import DECLARED, DETECTED, LISTED
from reviewer.domain.replay import validate
from reviewer.domain.review import ImportRejected, Review, SheetRow
from tests.builders import (
    CHEAP,
    PINS,
    TEST_PIN,
    Clock,
    ack,
    app,
    declare,
    expert,
    make_case,
    run,
    score_all,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
# Chinese terms an English message may quote (accepted input spellings, 公示 as a term of art)
QUOTED_TERMS = ("专业组", "综合组", "公示")
YUNLING = ("craft_expertise", "skill_level", "leadership", "contribution")  # 25/25/20/30


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    """Chinese is the default language; tests that switch to English switch back."""
    i18n.set_locale("zh")
    yield
    i18n.set_locale(None)


def _template_text(message: str, params: dict[str, Any]) -> str:
    """The message without its parameters (ids, values and names come from the data)."""
    for value in sorted((str(v) for v in params.values()), key=len, reverse=True):
        if value:
            message = message.replace(value, "")
    for term in QUOTED_TERMS:
        message = message.replace(term, "")
    return message


def refused(review: Review, action: Callable[[], object], code: str) -> DomainError:
    """Run a refused action in Chinese and in English; nothing may change either time."""
    before = review.state.event_count
    with pytest.raises(DomainError) as err:
        action()
    assert err.value.code == code
    zh = str(err.value)
    assert zh != code and CJK.search(_template_text(zh, err.value.params)), zh
    i18n.set_locale("en")
    try:
        with pytest.raises(DomainError) as err_en:
            action()
        en = str(err_en.value)
    finally:
        i18n.set_locale("zh")
    assert err_en.value.code == code
    template = _template_text(en, err_en.value.params)
    assert en != zh and not CJK.search(template) and re.search(r"[A-Za-z]{3}", template), en
    assert review.state.event_count == before
    return err.value


def yunling(apps: list | None = None, experts: list | None = None, **kwargs: Any) -> Review:
    """g1: A1–A3 scored by E1–E3; g2: B1–B2 by F1–F3; the comprehensive group C1–C3."""
    apps = apps if apps is not None else [
        app("A1", "g1"), app("A2", "g1"), app("A3", "g1"), app("B1", "g2"), app("B2", "g2"),
    ]
    experts = experts if experts is not None else (
        [expert(e, ["g1"]) for e in ("E1", "E2", "E3")]
        + [expert(e, ["g2"]) for e in ("F1", "F2", "F3")]
        + [expert(e, ["comp"]) for e in ("C1", "C2", "C3")]
    )
    case, panel = make_case("yunling-craftsman", apps, experts, **kwargs)
    return Review(case, panel, clock=Clock(), pins=PINS)


def kinds(events: list) -> list[str]:
    return [e.kind for e in events]


# -- PINs ------------------------------------------------------------------------------------


def test_correct_pin_gives_pin_ok() -> None:
    review = yunling()
    result = review.check_pin("E1", TEST_PIN)
    assert result.error is None
    assert kinds(result.events) == ["pin.ok"]
    assert result.events[0].actor == "expert:E1"


def test_wrong_pin_is_counted_and_says_how_many_attempts_are_left() -> None:
    review = yunling()
    result = review.check_pin("E1", "000000")
    assert kinds(result.events) == ["pin.failed"]
    assert result.error is not None and result.error.code == "review.pin_wrong"
    assert result.error.params["left"] == 4
    assert "4" in str(result.error) and CJK.search(str(result.error))
    run(review, result.events)
    assert review.state.pin("E1").failures == 1
    second = review.check_pin("E1", "000000")
    assert second.error is not None and second.error.params["left"] == 3


def test_five_wrong_pins_lock_for_five_minutes_even_for_the_right_pin() -> None:
    review = yunling()
    clock = review.clock
    assert isinstance(clock, Clock)
    for attempt in range(1, 5):
        result = review.check_pin("E1", "111111")
        assert result.error is not None and result.error.code == "review.pin_wrong"
        assert result.error.params["left"] == 5 - attempt
        run(review, result.events)
        clock.advance(seconds=10)
    fifth = review.check_pin("E1", "111111")
    assert kinds(fifth.events) == ["pin.failed", "pin.locked"]
    assert fifth.error is not None and fifth.error.code == "review.pin_now_locked"
    assert "5" in str(fifth.error)
    run(review, fifth.events)
    assert review.locked_for("E1") == 300
    # while locked, even the right PIN is refused, with the remaining time, and nothing counted
    clock.advance(seconds=100)
    before = review.state.event_count
    locked = review.check_pin("E1", TEST_PIN)
    assert locked.events == []
    assert locked.error is not None and locked.error.code == "review.pin_locked"
    assert locked.error.params["seconds"] == 200
    assert "200" in str(locked.error) and CJK.search(str(locked.error))
    i18n.set_locale("en")
    try:
        assert "200" in str(locked.error) and "locked" in str(locked.error)
    finally:
        i18n.set_locale("zh")
    assert review.state.event_count == before
    # another expert is not affected
    assert review.check_pin("E2", TEST_PIN).error is None
    # after the 5 minutes the right PIN works again
    clock.advance(seconds=200)
    assert review.locked_for("E1") == 0
    ok = review.check_pin("E1", TEST_PIN)
    assert ok.error is None and kinds(ok.events) == ["pin.ok"]


def test_a_success_resets_the_failure_count() -> None:
    review = yunling()
    for _ in range(4):
        run(review, review.check_pin("E1", "999999").events)
    run(review, review.check_pin("E1", TEST_PIN).events)
    for _ in range(4):
        result = review.check_pin("E1", "999999")
        run(review, result.events)
    assert result.error is not None and result.error.code == "review.pin_wrong"
    assert result.error.params["left"] == 1
    assert review.locked_for("E1") == 0


def test_change_pin_needs_six_digits_and_then_only_the_new_pin_works() -> None:
    review = yunling()
    for bad in ("12345", "abcdef", "12 456", "１２３４５６", ""):
        refused(review, partial(review.change_pin, "E1", bad, hasher=CHEAP.hash),
                "review.pin_invalid")
    events = review.change_pin("E1", "13572468", hasher=CHEAP.hash)
    assert kinds(events) == ["pin.changed"]
    assert "13572468" not in repr(events)  # only the hash is recorded
    run(review, events)
    assert review.pin_changed("E1")
    assert review.check_pin("E1", "13572468").error is None
    old = review.check_pin("E1", TEST_PIN)
    assert old.error is not None and old.error.code == "review.pin_wrong"
    # the real hasher (argon2 with its default cost) also gives a PIN that verifies
    run(review, review.change_pin("E2", "97531000", hasher=Argon2PinHasher().hash))
    assert review.check_pin("E2", "97531000").error is None


# -- 保密承诺 before any content --------------------------------------------------------------


def test_no_application_content_before_the_pledge() -> None:
    review = yunling()
    refused(review, lambda: review.read_application("E1", "A1"), "review.ack_required")
    refused(review, lambda: review.queue("E1"), "review.ack_required")
    refused(review, lambda: review.declaration_scope("E1"), "review.ack_required")
    refused(review, lambda: review.set_score("E1", "A1", "craft_expertise", "10"),
            "review.ack_required")
    refused(review, lambda: review.own_scores("E1", "A1"), "review.ack_required")
    refused(review, lambda: review.submit("E1", confirm_no_conflict=True), "review.ack_required")
    refused(review, lambda: review.declare_conflict("E1", "A1", "interest", "合作项目"),
            "review.ack_required")
    ack(review, "E1")
    assert review.read_application("E1", "A1").id == "A1"
    assert [a.id for a in review.declaration_scope("E1")] == ["A1", "A2", "A3"]
    # one expert's pledge does not open content to another
    refused(review, lambda: review.read_application("E2", "A1"), "review.ack_required")


def test_terminal_and_paper_acknowledgements_are_recorded_as_such() -> None:
    review = yunling()
    own = review.acknowledge("E1")
    assert kinds(own) == ["ack.recorded"]
    assert own[0].actor == "expert:E1" and own[0].payload["paper"] is False
    assert own[0].payload["article"] == "第十九条"
    paper = review.acknowledge("E2", paper=True)
    assert paper[0].actor == "secretary" and paper[0].payload["paper"] is True
    run(review, own + paper)
    assert review.state.acks["E2"][1] is True and review.state.acks["E1"][1] is False
    refused(review, lambda: review.acknowledge("E1"), "review.already_acknowledged")
    refused(review, lambda: review.acknowledge("E2", paper=True), "review.already_acknowledged")
    refused(review, lambda: review.acknowledge("NOPE"), "review.unknown_expert")


# -- 回避 (第十九条) ---------------------------------------------------------------------------


def test_expert_who_is_the_applicant_is_recused_by_id_number() -> None:
    review = yunling(
        apps=[app("A1", "g1", id_number="53010219800101123x"), app("A2", "g1")],
        experts=[expert("E1", ["g1"], id_number="53010219800101123X"),
                 expert("E2", ["g1"]), expert("E3", ["g1"])],
    )
    ack(review, "E1", "E2")
    conflict = review.conflicts_of("E1")["A1"]
    assert (conflict.kind, conflict.source, conflict.active) == ("self", DETECTED, True)
    refused(review, lambda: review.read_application("E1", "A1"), "review.recused")
    refused(review, lambda: review.set_score("E1", "A1", "craft_expertise", "10"),
            "review.recused")
    refused(review, lambda: review.lift_conflict("E1", "A1", "误判"), "review.not_liftable")
    assert review.read_application("E1", "A2").id == "A2"
    assert review.read_application("E2", "A1").id == "A1"


def test_listed_conflict_recuses_and_cannot_be_lifted() -> None:
    review = yunling(conflicts=[
        ListedConflict("E1", "A2", "申报人之配偶", "relative"),
        ListedConflict("E2", "A3", "同一单位（秘书列明）", "same_unit"),
    ])
    ack(review, "E1", "E2")
    conflict = review.conflicts_of("E1")["A2"]
    assert (conflict.kind, conflict.source, conflict.reason) == ("relative", LISTED, "申报人之配偶")
    refused(review, lambda: review.read_application("E1", "A2"), "review.recused")
    refused(review, lambda: review.lift_conflict("E1", "A2", "核实无亲属关系"),
            "review.not_liftable")
    # only a *detected* same-unit conflict may be lifted, not one the secretary listed
    refused(review, lambda: review.lift_conflict("E2", "A3", "核实不同单位"), "review.not_liftable")


@pytest.mark.parametrize("expert_unit, app_unit", [
    ("云南铜业（集团）有限公司", "云南铜业(集团)有限公司"),  # full-width vs half-width brackets
    ("云南铜业 (集团) 有限公司", "云南铜业（集团）有限公司"),  # spaces
    ("昆明ＡＢＣ机电厂", "昆明abc机电厂"),  # full-width Latin letters, case
    ("\u3000云南建投集团\t", "云南建投集团"),  # ideographic space and tabs
])
def test_same_unit_is_detected_after_normalisation(expert_unit: str, app_unit: str) -> None:
    review = yunling(
        apps=[app("A1", "g1", unit=app_unit), app("A2", "g1", unit="别的单位")],
        experts=[expert("E1", ["g1"], unit=expert_unit), expert("E2", ["g1"]),
                 expert("E3", ["g1"])],
    )
    ack(review, "E1")
    assert set(review.conflicts_of("E1")) == {"A1"}
    assert review.conflicts_of("E1")["A1"].kind == "same_unit"
    refused(review, lambda: review.read_application("E1", "A1"), "review.recused")


def test_same_unit_via_unit_aliases() -> None:
    apps = [app("A1", "g1", unit="云南铜业集团"), app("A2", "g1", unit="云南铜业股份有限公司")]
    experts = [expert("E1", ["g1"], unit="云南铜业（集团）有限公司"), expert("E2", ["g1"]),
               expert("E3", ["g1"])]
    without = yunling(apps=apps, experts=experts)
    assert without.conflicts_of("E1") == {}
    review = yunling(apps=apps, experts=experts, aliases=[("云南铜业（集团）有限公司", "云南铜业集团")])
    assert set(review.conflicts_of("E1")) == {"A1"}  # the 股份 company is another unit
    ack(review, "E1")
    refused(review, lambda: review.read_application("E1", "A1"), "review.recused")


def test_secretary_lifts_a_same_unit_recusal_with_a_reason() -> None:
    review = yunling(
        apps=[app("A1", "g1", unit="云南冶金集团"), app("A2", "g1"), app("A3", "g1")],
        experts=[expert("E1", ["g1"], unit="云南冶金集团"), expert("E2", ["g1"]),
                 expert("E3", ["g1"])],
    )
    ack(review, "E1")
    refused(review, lambda: review.set_score("E1", "A1", "craft_expertise", "10"),
            "review.recused")
    refused(review, lambda: review.lift_conflict("E1", "A1", "  "), "review.reason_required")
    refused(review, lambda: review.lift_conflict("E1", "A2", "无"), "review.no_conflict_to_lift")
    events = review.lift_conflict("E1", "A1", "集团下属不同子公司，经监督组同意")
    assert kinds(events) == ["conflict.lifted"] and events[0].actor == "secretary"
    run(review, events)
    assert review.read_application("E1", "A1").id == "A1"
    refused(review, lambda: review.set_score("E1", "A1", "craft_expertise", "10"),
            "review.declaration_required")  # a lifted conflict is declared anew
    declare(review, "E1", "A1")
    assert review.set_score("E1", "A1", "craft_expertise", "10")
    record = review.conflicts_of("E1")["A1"]
    assert (record.kind, record.source, record.active) == ("same_unit", DETECTED, False)
    assert record.lifted is not None
    assert record.lifted.source == "secretary"
    assert record.lifted.reason == "集团下属不同子公司，经监督组同意"
    refused(review, lambda: review.lift_conflict("E1", "A1", "再次"), "review.no_conflict_to_lift")
    assert [c for c in review.conflicts.all_conflicts(review.state) if c.expert == "E1"] == [record]


def test_declared_conflict_needs_reason_and_kind_and_cannot_be_lifted() -> None:
    review = yunling()
    ack(review, "E1")
    refused(review, lambda: review.declare_conflict("E1", "A1", "friendship", "朋友"),
            "review.bad_conflict_kind")
    refused(review, lambda: review.declare_conflict("E1", "A1", "interest", " "),
            "review.reason_required")
    refused(review, lambda: review.declare_conflict("E1", "ZZ", "interest", "x"),
            "review.unknown_application")
    events = review.declare_conflict("E1", "A1", "interest", "曾为其项目技术顾问")
    assert events[0].actor == "expert:E1" and events[0].payload["article"] == "第十九条"
    run(review, events)
    record = review.conflicts_of("E1")["A1"]
    assert (record.kind, record.source, record.reason) == ("interest", DECLARED, "曾为其项目技术顾问")
    refused(review, lambda: review.read_application("E1", "A1"), "review.recused")
    refused(review, lambda: review.declare_conflict("E1", "A1", "other", "再次申明"),
            "review.already_recused")
    refused(review, lambda: review.lift_conflict("E1", "A1", "撤回"), "review.not_liftable")
    # the queue shows the recusal without any figure
    item = next(q for q in review.queue("E1") if q.application == "A1")
    assert (item.status, item.total) == ("recused", None)
    # conflict records across the session keep type and source
    rows = [(c.expert, c.application, c.kind, c.source)
            for c in review.conflicts.all_conflicts(review.state)]
    assert rows == [("E1", "A1", "interest", DECLARED)]


def test_declaring_no_conflict_is_audited_but_refused_when_recused() -> None:
    review = yunling(conflicts=[ListedConflict("E1", "A2", "亲属", "relative")])
    ack(review, "E1")
    events = review.declare_no_conflict("E1", "A1")
    assert kinds(events) == ["conflict.none"]
    refused(review, lambda: review.declare_no_conflict("E1", "A2"), "review.recused")
    refused(review, lambda: review.declare_no_conflict("E1", "B1"), "review.not_in_scope")


# -- 弃权 -------------------------------------------------------------------------------------


def test_abstention_is_recorded_not_counted_and_not_a_recusal() -> None:
    review = yunling()
    ack(review, "E1", "E2", "E3")
    refused(review, lambda: review.abstain("E1", "A1", ""), "review.reason_required")
    events = review.abstain("E1", "A1", "对该工艺领域不熟悉")
    assert events[0].payload["reason"] == "对该工艺领域不熟悉"
    run(review, events)
    assert not review.conflicts.is_recused("E1", "A1", review.state)
    assert "A1" not in review.conflicts_of("E1")
    assert review.read_application("E1", "A1").id == "A1"  # still readable: not a recusal
    assert {q.application: q.status for q in review.queue("E1")}["A1"] == "abstained"
    # the abstained application needs no score for the sheet to be complete
    score_all(review, "E1", {"A2": 80, "A3": 70})
    score_all(review, "E2", {"A1": 90, "A2": 80, "A3": 70})
    score_all(review, "E3", {"A1": 90, "A2": 80, "A3": 70})
    from reviewer.domain.results import results

    rows = {r["id"]: r for r in results(review).to_json()["professional"]["g1"]}
    assert set(rows["A1"]["totals"]) == {"E2", "E3"} and rows["A1"]["quorum"] is False
    assert set(rows["A2"]["totals"]) == {"E1", "E2", "E3"}


# -- scores ----------------------------------------------------------------------------------


def test_score_must_be_between_zero_and_max_in_half_steps() -> None:
    review = yunling()
    ack(review, "E1")
    setting = review.set_score
    err = refused(review, lambda: setting("E1", "A1", "craft_expertise", "25.5"),
                  "review.score_out_of_range")
    assert "25" in str(err)
    refused(review, lambda: setting("E1", "A1", "craft_expertise", "-1"),
            "review.score_not_plain")
    refused(review, lambda: setting("E1", "A1", "leadership", "20.5"), "review.score_out_of_range")
    refused(review, lambda: setting("E1", "A1", "craft_expertise", "Infinity"),
            "review.score_not_plain")
    refused(review, lambda: setting("E1", "A1", "craft_expertise", "0.25"),
            "review.score_not_half_step")
    refused(review, lambda: setting("E1", "A1", "craft_expertise", "12.3"),
            "review.score_not_half_step")
    refused(review, lambda: setting("E1", "A1", "craft_expertise", "abc"),
            "review.score_not_number")
    refused(review, lambda: setting("E1", "A1", "craft_expertise", "12,5"),
            "review.score_not_number")
    refused(review, lambda: setting("E1", "A1", "no_such", "1"), "review.unknown_criterion")
    for text, stored in (("0", "0"), ("25", "25"), ("12.5", "12.5"), (" 7.50 ", "7.5")):
        events = setting("E1", "A1", "craft_expertise", text)
        assert events[0].payload["value"] == stored
        run(review, events)


def test_case_override_of_criterion_points_changes_the_maximum() -> None:
    review = yunling(points={"craft_expertise": Decimal(10)})
    ack(review, "E1")
    err = refused(review, lambda: review.set_score("E1", "A1", "craft_expertise", "10.5"),
                  "review.score_out_of_range")
    assert err.params["max"] == "10"
    assert review.set_score("E1", "A1", "craft_expertise", "10")
    assert review.set_score("E1", "A1", "skill_level", "25")  # others keep the panel's maximum


def test_every_version_of_a_score_is_kept() -> None:
    review = yunling()
    ack(review, "E1")
    history = []
    for text in ("10", "12.5", "12.5", "8", ""):
        events = review.set_score("E1", "A1", "craft_expertise", text)
        history += run(review, events)
    assert [(e.payload["old"], e.payload["value"]) for e in history] == [
        (None, "10"), ("10", "12.5"), ("12.5", "8"), ("8", None),
    ]  # the unchanged 12.5 adds no version; clearing is a version too
    assert all(e.kind == "score.set" and e.actor == "expert:E1" for e in history)
    assert review.state.score_versions == 4


def test_submitting_locks_the_sheet_and_only_a_reasoned_reopen_unlocks_it() -> None:
    review = yunling()
    ack(review, "E1")
    for criterion in YUNLING:
        run(review, review.set_score("E1", "A1", criterion, "10"))
    run(review, review.set_score("E1", "A2", "craft_expertise", "10"))
    refused(review, lambda: review.submit("E1", confirm_no_conflict=False),
            "review.confirm_required")
    err = refused(review, lambda: review.submit("E1", confirm_no_conflict=True),
                  "review.sheet_incomplete")
    assert err.params["count"] == 2 and "A2" in str(err) and "A3" in str(err)
    assert "A1" not in str(err)
    refused(review, lambda: review.reopen("E1", "退回"), "review.not_submitted")
    score_all(review, "E1", {"A2": 40, "A3": 50})
    last = review.state.submitted[("E1", "professional")]
    assert last["confirmed_no_conflict"] is True and last["source"] == "terminal"
    refused(review, lambda: review.set_score("E1", "A1", "craft_expertise", "11"),
            "review.sheet_locked")
    refused(review, lambda: review.abstain("E1", "A1", "不熟悉"), "review.sheet_locked")
    refused(review, lambda: review.submit("E1", confirm_no_conflict=True), "review.sheet_locked")
    refused(review, lambda: review.reopen("E1", "  "), "review.reason_required")
    events = review.reopen("E1", "专家申请修改笔误")
    assert events[0].actor == "secretary" and events[0].payload["reason"] == "专家申请修改笔误"
    run(review, events)
    assert not review.is_submitted("E1")
    run(review, review.set_score("E1", "A1", "craft_expertise", "11"))
    run(review, review.submit("E1", confirm_no_conflict=True))
    assert review.is_submitted("E1")


def test_an_expert_scores_only_their_group_in_the_round() -> None:
    review = yunling()
    ack(review, "E1", "F1", "C1")
    # an expert of another professional group
    refused(review, lambda: review.set_score("F1", "A1", "craft_expertise", "10"),
            "review.not_in_scope")
    refused(review, lambda: review.read_application("F1", "A1"), "review.not_in_scope")
    # the comprehensive group has nothing to score in the professional round
    refused(review, lambda: review.set_score("C1", "A1", "craft_expertise", "10"),
            "review.not_in_scope")
    refused(review, lambda: review.submit("C1", confirm_no_conflict=True),
            "review.nothing_to_submit")
    ack(review, "E2", "E3", "F2", "F3")
    for e in ("E1", "E2", "E3"):
        score_all(review, e, {"A1": 90, "A2": 80, "A3": 70})
    for e in ("F1", "F2", "F3"):
        score_all(review, e, {"B1": 90, "B2": 80})
    run(review, review.advance())
    assert review.round == "comprehensive"
    # a professional-group expert in the comprehensive round
    refused(review, lambda: review.set_score("E1", "A1", "craft_expertise", "10"),
            "review.not_in_scope")
    refused(review, lambda: review.read_application("E1", "A1"), "review.not_in_scope")
    refused(review, lambda: review.set_score("C1", "A1", "craft_expertise", "10"),
            "review.declaration_required")  # the nominees are new to the 综合组
    declare(review, "C1", "A1")
    assert review.set_score("C1", "A1", "craft_expertise", "10")
    refused(review, lambda: review.set_score("C1", "A3", "craft_expertise", "10"),
            "review.not_in_scope")  # A3 was not nominated


# -- what an expert may see ------------------------------------------------------------------


def test_an_expert_sees_only_their_own_scores() -> None:
    review = yunling()
    ack(review, "E1", "E2", "E3")
    score_all(review, "E2", {"A1": "77.5", "A2": "66.5", "A3": "55.5"})
    score_all(review, "E3", {"A1": "88.5", "A2": "44.5", "A3": "33.5"})
    run(review, review.set_score("E1", "A1", "craft_expertise", "12"))
    queue = review.queue("E1")
    assert [(q.application, q.status, q.total) for q in queue] == [
        ("A1", "draft", Decimal(12)), ("A2", "unscored", None), ("A3", "unscored", None),
    ]
    assert review.own_scores("E1", "A1") == {"craft_expertise": Decimal(12)}
    assert review.own_scores("E1", "A2") == {}
    exposed = repr(queue) + repr(review.own_scores("E1", "A1"))
    exposed += repr(review.read_application("E1", "A1"))
    for figure in ("77.5", "66.5", "55.5", "88.5", "44.5", "33.5", "E2", "E3"):
        assert figure not in exposed
    others = {q.application: q.total for q in review.queue("E2")}
    assert others == {"A1": Decimal("77.5"), "A2": Decimal("66.5"), "A3": Decimal("55.5")}


# -- paper score sheets ----------------------------------------------------------------------


def sheet(row: int, expert_id: str, app_id: str, values: tuple[str, ...] = ("20", "20", "15", "25"),
          round_name: str = "professional", by_name: bool = False) -> SheetRow:
    names = ("工艺专长", "技能水平", "领军作用", "业绩贡献") if by_name else YUNLING
    return SheetRow(row, expert_id, app_id, round_name, dict(zip(names, values, strict=True)))


def rejected(review: Review, rows: list[SheetRow], **kwargs: Any) -> list[tuple[int, str]]:
    before = review.state.event_count
    with pytest.raises(ImportRejected) as err:
        review.import_sheets(rows, file_sha256="f" * 64, **kwargs)
    assert err.value.code == "review.import_rejected"
    assert str(err.value.params["count"]) in str(err.value) and CJK.search(str(err.value))
    for problem in err.value.problems:
        zh = i18n.t(problem.code, **problem.params)
        assert zh != problem.code and CJK.search(_template_text(zh, problem.params)), zh
        i18n.set_locale("en")
        try:
            en = i18n.t(problem.code, **problem.params)
        finally:
            i18n.set_locale("zh")
        assert not CJK.search(_template_text(en, problem.params)), en
    assert review.state.event_count == before
    return [(p.row, p.code) for p in err.value.problems]


def paper_review() -> Review:
    review = yunling(
        apps=[app("A1", "g1"), app("A2", "g1", unit="云南冶金集团"), app("B1", "g2"),
              app("B2", "g2")],
        experts=[expert("E1", ["g1"]), expert("E2", ["g1"]), expert("E3", ["g1"]),
                 expert("E4", ["g1"], unit="云南冶金集团"),
                 expert("F1", ["g2"]), expert("F2", ["g2"]), expert("F3", ["g2"]),
                 expert("C1", ["comp"])],
    )
    for e in ("E1", "E2", "E4", "F1", "F2"):
        run(review, review.acknowledge(e, paper=True))
    return review


def test_paper_import_succeeds_and_counts_as_submitted() -> None:
    review = paper_review()
    rows = [
        sheet(2, "E1", "A1", ("20", "20", "15", "25")),
        sheet(3, "E1", "A2", ("10", "10.5", "5", "5"), round_name="专业组", by_name=True),
        sheet(4, "E2", "A1", ("25", "25", "20", "30")),
        sheet(5, "E2", "A2", ("0", "0", "0", "0")),
    ]
    events = review.import_sheets(rows, file_sha256="a" * 64)
    assert kinds(events)[0] == "scores.imported" and events[0].actor == "secretary"
    assert kinds(events).count("sheet.submitted") == 2
    assert all(e.payload["source"] == "paper" for e in events if e.kind == "sheet.submitted")
    # one event per paper sheet, the secretary's, carrying every row exactly as it counts
    sheets = {e.payload["expert"]: e for e in events if e.kind == "sheet.imported"}
    assert set(sheets) == {"E1", "E2"} and {e.actor for e in sheets.values()} == {"secretary"}
    assert sheets["E1"].payload["scores"]["A2"] == {
        "craft_expertise": "10", "skill_level": "10.5", "leadership": "5", "contribution": "5"}
    assert not any(e.kind == "score.set" for e in events)
    run(review, events)
    assert review.is_submitted("E1") and review.is_submitted("E2")
    assert review.state.submitted[("E1", "professional")]["source"] == "paper"
    assert review.state.scores[("E1", "A2", "professional")] == {
        "craft_expertise": Decimal(10), "skill_level": Decimal("10.5"),
        "leadership": Decimal(5), "contribution": Decimal(5)}
    assert {q.application: q.total for q in review.queue("E1")} == {
        "A1": Decimal(80), "A2": Decimal("30.5")}


def _imported_sheet(review: Review) -> Event:
    """E1's sheet.imported as the import writes it, checked against the state it follows."""
    events = review.import_sheets([sheet(2, "E1", "A1"), sheet(3, "E1", "A2")],
                                  file_sha256="a" * 64)
    for event in events:
        placed = replace(event, seq=review.state.event_count + 1)
        if event.kind == "sheet.imported":
            return placed
        validate(review, placed)
        run(review, [event])
    raise AssertionError("no sheet.imported")


def _with_scores(sheet_event: Event, app_id: str, **cells: object) -> dict[str, Any]:
    scores = {a: dict(given) for a, given in sheet_event.payload["scores"].items()}
    scores[app_id].update(cells)
    return {"scores": {a: {k: v for k, v in given.items() if v is not None}
                       for a, given in scores.items()}}


@pytest.mark.parametrize("forge", [
    lambda e: _with_scores(e, "A1", leadership=None),  # a criterion missing
    lambda e: _with_scores(e, "A1", extra="5"),  # a criterion the panel does not have
    lambda e: _with_scores(e, "A1", craft_expertise="20.0"),  # not the text the import writes
    lambda e: _with_scores(e, "A1", craft_expertise="26"),  # above the criterion's 25
    lambda e: _with_scores(e, "A1", craft_expertise="20.3"),  # not a half step
    lambda e: _with_scores(e, "A1", craft_expertise="-1"),
    lambda e: _with_scores(e, "A1", craft_expertise=20),  # a number, not the stored text
    lambda e: {"scores": {**e.payload["scores"], "Z9": e.payload["scores"]["A1"]}},
    lambda e: {"scores": {**e.payload["scores"], "B1": e.payload["scores"]["A1"]}},  # group g2
    lambda e: {"scores": {}},
    lambda e: {"expert": "E4"},  # E4 shares A2's unit: recused
    lambda e: {"expert": "E3"},  # E3 never signed the pledge
    lambda e: {"round": "comprehensive"},
    lambda e: {"comments": {"B1": "理由"}},  # a 理由 on a row the sheet does not have
    lambda e: {"comments": {"A1": " 理由 "}},
    lambda e: {"comments": {"A1": "长" * 501}},
    lambda e: {"actor": "expert:E1"},  # only the secretary enters paper sheets
])
def test_replay_refuses_a_paper_sheet_the_import_could_not_have_written(
        forge: Callable[[Event], dict[str, Any]]) -> None:
    """Someone holding the key could write any event; replay still only accepts a sheet the
    import would have written, every cell checked as a typed-in score would be."""
    review = paper_review()
    genuine = _imported_sheet(review)
    validate(review, genuine)
    change = forge(genuine)
    actor = change.pop("actor", genuine.actor)
    forged = replace(genuine, actor=actor, payload={**genuine.payload, **change})
    with pytest.raises(ChainBroken) as broken:
        validate(review, forged)
    assert broken.value.seq == genuine.seq


def test_replay_refuses_a_paper_sheet_over_a_submitted_one() -> None:
    review = paper_review()
    genuine = _imported_sheet(review)
    run(review, [genuine, review.event("sheet.submitted", "secretary", expert="E1",
                                       round="professional", confirmed_no_conflict=True,
                                       source="paper")])
    assert review.is_submitted("E1")
    with pytest.raises(ChainBroken):  # a second sheet needs the reasoned reopen first
        validate(review, replace(genuine, seq=review.state.event_count + 1))


def test_paper_import_is_all_or_nothing_with_every_problem_and_its_row() -> None:
    review = paper_review()
    run(review, review.declare_conflict("E2", "A2", "relative", "申报人之子"))
    problems = rejected(review, [
        sheet(2, "E1", "A1"),  # fine, but nothing is stored because of the others
        sheet(3, "E1", "A2", ("20", "20", "15")[:3] + ("",)),  # missing criterion
        sheet(4, "NOBODY", "A1"),
        sheet(5, "E2", "NOAPP"),
        sheet(6, "E4", "A2"),  # same unit: recused
        sheet(7, "E2", "A2"),  # declared conflict: recused
        sheet(8, "E2", "B1"),  # wrong group
        sheet(9, "E2", "A1", ("26", "20", "15", "25")),  # out of range
        sheet(10, "E2", "A1", ("20.3", "20", "15", "25")),  # duplicate row and not a 0.5 step
        sheet(11, "E3", "A1"),  # no 保密承诺
        sheet(12, "E3", "A2", round_name="综合组"),  # not the open round
        sheet(13, "F1", "B1", ("x", "20", "15", "25")),  # not a number
        sheet(14, "F1", "B1", round_name="第三轮"),
    ])
    assert set(problems) >= {
        (3, "import.missing_criterion"), (4, "import.unknown_expert"),
        (5, "import.unknown_application"), (6, "import.recused"), (7, "import.recused"),
        (8, "import.wrong_group"), (9, "review.score_out_of_range"),
        (10, "import.duplicate_row"), (10, "review.score_not_half_step"), (11, "import.no_ack"),
        (12, "import.round_not_open"), (13, "review.score_not_number"), (14, "import.bad_round"),
    }
    assert not any(row == 2 for row, _ in problems)
    assert [row for row, _ in problems] == sorted(row for row, _ in problems)
    assert review.state.scores == {} and review.state.submitted == {}


def test_rows_of_different_layouts_each_read_their_own_columns() -> None:
    """Rows with criteria named by key, by Chinese name, or both (the later column wins, as
    on a sheet whose last column corrects the first) are read each by its own columns; the
    same text always gives the same value, and the event records it canonically."""
    review = paper_review()
    by_key = sheet(2, "E1", "A1", ("20", "20.0", "15", "25"))
    by_name = sheet(3, "E1", "A2", ("19.5", "20", "15", "25"), by_name=True)
    both = SheetRow(4, "E2", "A1", "professional",
                    {**dict(zip(YUNLING, ("1", "2", "3", "4"), strict=True)),
                     **dict(zip(("工艺专长", "技能水平", "领军作用", "业绩贡献"),
                                ("20", "20", "15", "25"), strict=True))})
    fine = review.import_sheets([by_key, by_name, both, sheet(5, "E2", "A2")],
                                file_sha256="d" * 64)
    imported = {e.payload["expert"]: e.payload["scores"] for e in fine
                if e.kind == "sheet.imported"}
    assert imported["E1"]["A1"] == dict(zip(YUNLING, ("20", "20", "15", "25"), strict=True))
    assert imported["E1"]["A2"] == dict(zip(YUNLING, ("19.5", "20", "15", "25"), strict=True))
    assert imported["E2"]["A1"] == dict(zip(YUNLING, ("20", "20", "15", "25"), strict=True))
    problems = rejected(review, [sheet(2, "E1", "A1", ("20", "x", "15", "25")),
                                 sheet(3, "E1", "A2", ("20", "x", "15", "25"), by_name=True)])
    assert problems == [(2, "review.score_not_number"), (3, "review.score_not_number")]


def test_paper_import_requires_every_application_of_the_sheet() -> None:
    review = paper_review()
    problems = rejected(review, [sheet(2, "F1", "B1")])
    assert problems == [(2, "import.sheet_incomplete")]
    # a recused application is not required (E4 shares A2's unit)
    events = review.import_sheets([sheet(2, "E4", "A1")], file_sha256="b" * 64)
    assert kinds(events)[-1] == "sheet.submitted"


def test_paper_import_refuses_a_submitted_sheet_unless_replaced_with_a_reason() -> None:
    review = paper_review()
    run(review, review.import_sheets([sheet(2, "E1", "A1"), sheet(3, "E1", "A2")],
                                     file_sha256="c" * 64))
    again = [sheet(2, "E1", "A1", ("21", "20", "15", "25")), sheet(3, "E1", "A2")]
    assert rejected(review, again) == [(2, "import.already_submitted"),
                                       (3, "import.already_submitted")]
    assert rejected(review, again, replace=True) == [(0, "review.reason_required")]
    events = review.import_sheets(again, file_sha256="d" * 64, replace=True, reason="原表誊写错误")
    assert kinds(events) == ["scores.imported", "sheet.reopened", "sheet.imported",
                             "sheet.submitted"]
    assert events[1].payload["reason"] == "原表誊写错误"
    assert events[2].payload["scores"]["A1"]["craft_expertise"] == "21"
    # what the replaced sheet said is in the record of the override
    totals = events[0].payload["overrides"][0]["totals"]
    assert {o["application"]: (o["old"], o["new"]) for o in totals}["A1"] == ("80", "81")
    run(review, events)
    assert review.is_submitted("E1")
    assert review.state.scores[("E1", "A1", "professional")]["craft_expertise"] == Decimal(21)


def test_paper_import_of_an_empty_file_is_refused() -> None:
    review = paper_review()
    assert rejected(review, []) == [(0, "import.empty")]


# -- rounds ----------------------------------------------------------------------------------


def rounds_review() -> Review:
    review = yunling()
    ack(review, "E1", "E2", "E3", "F1", "F2", "F3", "C1", "C2", "C3")
    return review


def test_advance_refuses_with_unsubmitted_sheets_naming_the_expert() -> None:
    review = rounds_review()
    for e in ("E1", "E2", "E3", "F1", "F2"):
        score_all(review, e, {"A1": 90, "A2": 80, "A3": 70} if e[0] == "E" else {"B1": 90, "B2": 80})
    err = refused(review, review.advance, "review.cannot_advance")
    assert "F3" in str(err) and "E1" not in str(err)
    refused(review, lambda: review.advance(force=True), "review.reason_required")
    refused(review, lambda: review.advance(force=True, reason=" "), "review.reason_required")
    events = review.advance(force=True, reason="F3 因病缺席，经监督组同意")
    assert kinds(events) == ["round.advanced"] and events[0].actor == "secretary"
    payload = events[0].payload
    assert payload["forced"] is True and payload["reason"] == "F3 因病缺席，经监督组同意"
    # g2 has only two counted sheets: short of quorum, nobody nominated there
    assert payload["nominees"] == {"g1": ["A1", "A2"], "g2": []}
    run(review, events)
    assert review.round == "comprehensive" and review.state.nominees == payload["nominees"]


def test_advance_refuses_with_an_application_short_of_quorum() -> None:
    review = yunling(
        apps=[app("A1", "g1"), app("A2", "g1", unit="云南冶金集团")],
        experts=[expert("E1", ["g1"], unit="云南冶金集团"), expert("E2", ["g1"]),
                 expert("E3", ["g1"]), expert("C1", ["comp"])],
    )
    ack(review, "E1", "E2", "E3")
    score_all(review, "E1", {"A1": 80})
    score_all(review, "E2", {"A1": 80, "A2": 70})
    score_all(review, "E3", {"A1": 80, "A2": 70})
    err = refused(review, review.advance, "review.cannot_advance")
    assert "A2" in str(err)


def test_rounds_run_to_close_and_nothing_changes_afterwards() -> None:
    review = rounds_review()
    for e in ("E1", "E2", "E3"):
        score_all(review, e, {"A1": 90, "A2": 80, "A3": 70})
    for e in ("F1", "F2", "F3"):
        score_all(review, e, {"B1": 90, "B2": 80})
    events = review.advance()
    assert events[0].payload["forced"] is False
    assert events[0].payload["nominees"] == {"g1": ["A1", "A2"], "g2": ["B1", "B2"]}
    run(review, events)
    refused(review, review.advance, "review.cannot_advance")  # C1–C3 have not submitted
    for e in ("C1", "C2", "C3"):
        score_all(review, e, {"A1": 90, "A2": 80, "B1": 85, "B2": 75})
    closing = review.advance()
    assert closing[0].payload["from"] == "comprehensive" and closing[0].payload["to"] == "closed"
    run(review, closing)
    assert review.round == "closed"
    refused(review, review.advance, "review.round_closed")
    refused(review, lambda: review.set_score("C1", "A1", "craft_expertise", "10"),
            "review.round_closed")
    refused(review, lambda: review.set_score("E1", "A1", "craft_expertise", "10"),
            "review.round_closed")
    refused(review, lambda: review.abstain("C1", "A1", "不熟悉"), "review.round_closed")
    refused(review, lambda: review.submit("C1", confirm_no_conflict=True), "review.round_closed")
    refused(review, lambda: review.reopen("C1", "修改"), "review.round_closed")
    refused(review, lambda: review.declare_conflict("C1", "A1", "interest", "迟报"),
            "review.round_closed")
    refused(review, lambda: review.import_sheets([sheet(2, "C1", "A1", round_name="综合组")],
                                                 file_sha256="e" * 64),
            "review.round_closed")


def test_comprehensive_round_is_scored_only_by_the_comprehensive_group() -> None:
    review = yunling(experts=[expert(e, ["g1"]) for e in ("E1", "E2", "E3")]
                     + [expert(e, ["g2"]) for e in ("F1", "F2", "F3")]
                     + [expert(e, ["comp"]) for e in ("C1", "C2", "C3")]
                     + [expert("G1", ["g1", "comp"])],
                     apps=[app("A1", "g1"), app("A2", "g1"), app("B1", "g2")],
                     groups=[Group("g1", "专业组1", "professional", 1),
                             Group("g2", "专业组2", "professional", 1),
                             Group("comp", "综合组", "comprehensive")])
    ack(review, "E1", "E2", "E3", "F1", "F2", "F3", "C1", "C2", "C3", "G1")
    for e in ("E1", "E2", "E3", "G1"):
        score_all(review, e, {"A1": 90, "A2": 80})
    for e in ("F1", "F2", "F3"):
        score_all(review, e, {"B1": 70})
    run(review, review.advance())
    assert [a.id for a in review.scope("G1")] == ["A1", "B1"]
    assert review.scope("E1") == []
    for e in ("C1", "C2", "C3", "G1"):
        score_all(review, e, {"A1": 60, "B1": 95})
    from reviewer.domain.results import results

    rows = {r["id"]: r for r in results(review).to_json()["comprehensive"]}
    assert set(rows["A1"]["totals"]) == {"C1", "C2", "C3", "G1"}
    assert [r["id"] for r in results(review).to_json()["comprehensive"]] == ["B1", "A1"]


def test_paper_import_refuses_unknown_columns_but_tolerates_the_printed_ones() -> None:
    review = paper_review()
    rows = [SheetRow(2, "E1", "A1", "professional",
                     {**dict(zip(YUNLING, ("20", "20", "15", "25"), strict=True)),
                      "合计": "80", "创新性": "9"})]
    assert (1, "import.unknown_column") in rejected(review, rows)
    complete = rows + [sheet(3, "E1", "A2")]
    problems = rejected(review, complete)
    assert problems == [(1, "import.unknown_column")]
    del complete[0].values["创新性"]
    run(review, review.import_sheets(complete, file_sha256="c" * 64))
    assert review.is_submitted("E1")


def test_paper_sheet_need_not_list_an_application_abstained_on() -> None:
    review = paper_review()
    declare(review, "E1", "A2")
    run(review, review.abstain("E1", "A2", "材料与本人研究方向无关，弃权"))
    events = review.import_sheets([sheet(2, "E1", "A1")], file_sha256="b" * 64)
    run(review, events)
    assert review.is_submitted("E1")


# -- the measure's own procedure (issue 12) ------------------------------------------------------


def one_step(panel_id: str, **rules: Any) -> Review:
    """A closed one-step session: E1–E3 score A1–A3 once, the secretary closes the round."""
    extra: dict[str, Any] = {"track": "achievement"} if panel_id == "innovation-achievement" else {}
    if panel_id == "innovation-subsidy":
        rules = {"budget": 1_000_000, "band_min_score": {"band_a": Decimal(90),
                                                        "band_b": Decimal(80),
                                                        "band_c": Decimal(70)}, **rules}
    apps = [app(a, "g1", **({"named_unit": f"示例工作室{a}", "requested_amount": 60000}
                            if panel_id == "innovation-subsidy" else extra)) for a in ("A1", "A2", "A3")]
    experts = [expert(e, ["g1"]) for e in ("E1", "E2", "E3")]
    case, panel = make_case(panel_id, apps, experts, groups=[Group("g1", "评审组", "professional")],
                            **rules)
    review = Review(case, panel, clock=Clock())
    for e in ("E1", "E2", "E3"):
        ack(review, e)
        score_all(review, e, {"A1": 95, "A2": 85, "A3": 75})
    run(review, review.advance())
    return review


def test_a_one_step_measure_closes_after_its_single_round() -> None:
    # 劳动竞赛 第十一条 "经省总工会劳动竞赛领导小组评审通过后，报请省总工会主席办公会审定"
    review = one_step("labour-contest")
    assert review.round == "closed"
    assert review.state.advances[0]["from"] == "professional"
    assert review.state.advances[0]["article"] == "第十一条"
    assert "nominees" not in review.state.advances[0]
    refused(review, review.advance, "review.round_closed")


@pytest.mark.parametrize("panel_id", ["labour-contest", "innovation-subsidy"])
def test_disqualification_is_refused_where_the_document_has_no_article(panel_id: str) -> None:
    # neither 劳动竞赛 nor 补助资金 第十六条 provides for removal after 公示
    review = one_step(panel_id)
    err = refused(review, lambda: review.disqualify("A1", "异议属实"),
                  "review.disqualify_no_article")
    assert err.params["policy"] == review.panel.policy


def test_removal_cites_the_measures_own_article() -> None:
    # 成果奖 第十三条 "对有异议的成果或申请者，组织复查并提出处理意见" (7021), not 第十六条
    review = one_step("innovation-achievement")
    assert review._publicity_article() == "第十三条"  # noqa: SLF001 (the rule under test)
    events = review.disqualify("A1", "复查属实")
    assert events[0].payload["article"] == "第十三条"


def test_a_proposed_amount_outside_the_band_is_refused_and_names_the_band() -> None:
    # 第十一条 "项目补助金额20—30万元" for the 一档 that A1 (95) scores into
    review = one_step("innovation-subsidy")
    err = refused(review, lambda: review.propose_amount("A1", 60000, "评审委员会建议"),
                  "review.amount_out_of_band")
    assert (err.params["low"], err.params["high"]) == (200000, 300000)
    refused(review, lambda: review.propose_amount("A1", 250000, " "), "review.reason_required")


def test_replay_accepts_the_committees_amount_only_within_the_band() -> None:
    from dataclasses import replace as with_fields

    from reviewer.domain.audit import ChainBroken
    from reviewer.domain.replay import validate

    review = one_step("innovation-subsidy")
    (event,) = review.propose_amount("A1", 250000, "评审委员会建议")
    placed = with_fields(event, seq=review.state.event_count + 1)
    validate(review, placed)  # what the live command wrote replays
    forged = with_fields(placed, payload={**placed.payload, "amount": 60000})
    with pytest.raises(ChainBroken):
        validate(review, forged)


def test_a_repeated_bad_value_is_refused_on_every_row_that_has_it() -> None:
    """Each text is parsed once per import (speed); every row still gets its own refusal, and
    a text refused for one criterion is judged afresh for another (maxima differ)."""
    review = paper_review()
    rows = [
        sheet(2, "E1", "A1", ("2_0", "20", "15", "25")),
        sheet(3, "E1", "A2", ("2_0", "20", "15", "25")),
        sheet(4, "E2", "A1", ("20", "20", "22", "22")),  # 22 > 20 for 领军作用 only
        sheet(5, "E2", "A2", ("20", "20", "22", "22")),
    ]
    assert rejected(review, rows) == [
        (2, "review.score_not_plain"), (3, "review.score_not_plain"),
        (4, "review.score_out_of_range"), (5, "review.score_out_of_range"),
    ]

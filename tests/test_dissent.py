"""Dissent (不同意见) on a round's result and refusal to sign (拒绝签字), issue 13.

A member's dissent is recorded in their name once the round's result exists; a non-member's
is refused; a refusal to sign without a written reason is refused. Both are audit events,
replayed (and validated) after reopening, printed on the signature page and in the audit
section, and an insider's forged row is refused by the keyed chain.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from reviewer.domain import events as ev
from reviewer.domain.audit import ChainBroken
from reviewer.domain.errors import DomainError
from reviewer.domain.replay import validate
from reviewer.domain.review import Review
from reviewer.domain.state import SessionState, state_from_plain, state_to_plain
from tests.builders import Clock, ack, app, expert, make_case, run, score_all

PRO = ("E1", "E2", "E3")
COMP = ("C1", "C2", "C3")


def _review() -> tuple[Review, list]:
    """A 云岭工匠 case: g1 (E1–E3) scores A1–A3, comp (C1–C3) scores the nominees; E9 sits
    in no group of either round. Returns the review and every event placed, in order."""
    case, panel = make_case(
        "yunling-craftsman", [app("A1"), app("A2"), app("A3")],
        [*(expert(e, ["g1"]) for e in PRO), *(expert(c, ["comp"]) for c in COMP),
         expert("E9", [])])
    review = Review(case, panel, clock=Clock())
    placed: list = []
    placed += run(review, [review.event(ev.SESSION_OPENED, ev.SYSTEM, case_id=case.case_id,
                                        measure=panel.id, bundle_sha256="0" * 64)])
    return review, placed


def _play_professional(review: Review) -> None:
    ack(review, *PRO)
    for i, e in enumerate(PRO):
        score_all(review, e, {"A1": 80 + i, "A2": 70 + i, "A3": 60 + i})
    run(review, review.advance())


def _play_to_close(review: Review) -> None:
    _play_professional(review)
    ack(review, *COMP)
    for i, c in enumerate(COMP):
        score_all(review, c, {a.id: 75 + i for a in review.scope(c)})
    run(review, review.advance())


def test_a_member_dissents_on_a_closed_round_in_their_name() -> None:
    review, _ = _review()
    ack(review, *PRO)
    with pytest.raises(DomainError) as refused:  # the round's result does not exist yet
        review.record_dissent("E1", "professional", "A2 评分偏低")
    assert refused.value.code == "dissent.round_open"
    for i, e in enumerate(PRO):
        score_all(review, e, {"A1": 80 + i, "A2": 70 + i, "A3": 60 + i})
    run(review, review.advance())
    run(review, review.record_dissent("E1", "professional", "  本人认为A2的业绩贡献被低估。\r\n"))
    [dissent] = review.state.dissents
    assert dissent["expert"] == "E1" and dissent["round"] == "professional"
    assert dissent["text"] == "本人认为A2的业绩贡献被低估。" and dissent["by"] == "expert:E1"
    with pytest.raises(DomainError) as again:
        review.record_dissent("E1", "professional", "再次")
    assert again.value.code == "dissent.already_recorded"


@pytest.mark.parametrize(("who", "round_name"), [("C1", "professional"), ("E9", "professional"),
                                                 ("E1", "comprehensive")])
def test_a_dissent_by_a_non_member_of_the_round_is_refused(who: str, round_name: str) -> None:
    review, _ = _review()
    _play_to_close(review)
    run(review, review.acknowledge("E9"))
    with pytest.raises(DomainError) as refused:
        review.record_dissent(who, round_name, "不同意")
    assert refused.value.code == "dissent.not_member"
    assert review.state.dissents == []


def test_an_empty_dissent_an_unknown_round_and_no_pledge_are_refused() -> None:
    review, _ = _review()
    _play_professional(review)
    for text in ("", "   \n "):
        with pytest.raises(DomainError) as empty:
            review.record_dissent("E2", "professional", text)
        assert empty.value.code == "dissent.text_required"
    with pytest.raises(DomainError) as unknown:
        review.record_dissent("E2", "final", "x")
    assert unknown.value.code == "dissent.unknown_round"
    with pytest.raises(DomainError) as unknown_expert:
        review.record_dissent("X", "professional", "x")
    assert unknown_expert.value.code == "review.unknown_expert"
    # C1 never pledged: only on paper (the secretary records it) before the pledge
    with pytest.raises(DomainError) as pledge:
        review.record_dissent("C1", "comprehensive", "x")
    assert pledge.value.code == "review.ack_required"


def test_refusal_to_sign_needs_a_reason_and_the_closed_review() -> None:
    review, _ = _review()
    _play_professional(review)
    with pytest.raises(DomainError) as early:
        review.refuse_to_sign("E1", "结果不公")
    assert early.value.code == "dissent.refusal_before_close"
    ack(review, *COMP)
    for i, c in enumerate(COMP):
        score_all(review, c, {a.id: 75 + i for a in review.scope(c)})
    run(review, review.advance())
    for reason in ("", "  \n"):
        with pytest.raises(DomainError) as bare:
            review.refuse_to_sign("E1", reason)
        assert bare.value.code == "dissent.reason_required"
    assert review.state.refusals == {}
    run(review, review.acknowledge("E9"))
    with pytest.raises(DomainError) as outsider:
        review.refuse_to_sign("E9", "理由")
    assert outsider.value.code == "dissent.not_member"
    run(review, review.refuse_to_sign("C2", "综合组未充分讨论A1的材料", source="paper"))
    assert review.state.refusals["C2"]["reason"] == "综合组未充分讨论A1的材料"
    assert review.state.refusals["C2"]["by"] == ev.SECRETARY
    with pytest.raises(DomainError) as twice:
        review.refuse_to_sign("C2", "again")
    assert twice.value.code == "dissent.already_refused"


def _replayed(events: list) -> Review:
    """Fold ``events`` into a fresh review as ``Session`` does: validate, then apply."""
    review, _ = _review()
    fresh = Review(review.case, review.panel, SessionState(), clock=Clock())
    for event in events:
        validate(fresh, event)
        fresh.state.apply(event)
    return fresh


def _played_events() -> list:
    review, placed = _review()
    captured: list = list(placed)
    original = review.state.apply

    def record(event: object) -> None:
        if event not in captured:
            captured.append(event)
        original(event)  # type: ignore[arg-type]

    review.state.apply = record  # type: ignore[method-assign]
    _play_to_close(review)
    run(review, review.record_dissent("E1", "professional", "A2 应进入提名"))
    run(review, review.record_dissent("C3", "comprehensive", "纸面意见", source="paper"))
    run(review, review.refuse_to_sign("E2", "对A3的回避处理有异议"))
    return captured


def test_dissents_and_refusals_replay_and_survive_the_snapshot() -> None:
    events = _played_events()
    again = _replayed(events)
    assert [(d["expert"], d["round"], d["text"]) for d in again.state.dissents] == [
        ("E1", "professional", "A2 应进入提名"), ("C3", "comprehensive", "纸面意见")]
    assert again.state.refusals["E2"]["reason"] == "对A3的回避处理有异议"
    plain = state_to_plain(again.state)
    assert plain is not None  # every field has a snapshot codec
    back = state_from_plain(plain)
    assert back.dissents == again.state.dissents and back.refusals == again.state.refusals


def _forge(events: list, kind: str, actor: str, **payload: object) -> list:
    last = events[-1]
    return [*events, replace(last, kind=kind, actor=actor, payload=payload, seq=last.seq + 1)]


@pytest.mark.parametrize("forged", [
    # a dissent in the name of a member of the other round
    (ev.DISSENT_RECORDED, "expert:C1", {"expert": "C1", "round": "professional", "text": "x",
                                        "source": "terminal"}),
    # a terminal dissent written by somebody else's actor
    (ev.DISSENT_RECORDED, "expert:E3", {"expert": "E2", "round": "professional", "text": "x",
                                        "source": "terminal"}),
    # a second dissent by the same member on the same round
    (ev.DISSENT_RECORDED, "expert:E1", {"expert": "E1", "round": "professional", "text": "y",
                                        "source": "terminal"}),
    # a paper dissent not written by the secretary
    (ev.DISSENT_RECORDED, "expert:E2", {"expert": "E2", "round": "professional", "text": "y",
                                        "source": "paper"}),
    (ev.DISSENT_RECORDED, "expert:E2", {"expert": "E2", "round": "professional", "text": " ",
                                        "source": "terminal"}),
    (ev.SIGNATURE_REFUSED, "expert:E3", {"expert": "E3", "reason": "", "source": "terminal"}),
    (ev.SIGNATURE_REFUSED, "expert:E9", {"expert": "E9", "reason": "r", "source": "terminal"}),
    (ev.SIGNATURE_REFUSED, "secretary", {"expert": "E2", "reason": "r", "source": "paper"}),
])
def test_a_forged_dissent_or_refusal_is_refused_on_replay(forged: tuple) -> None:
    """Authentic bytes are not enough: the row must be one the live command could write."""
    kind, actor, payload = forged
    events = _forge(_played_events(), kind, actor, **payload)
    with pytest.raises(ChainBroken) as broken:
        _replayed(events)
    assert broken.value.seq == events[-1].seq


def test_scores_are_unchanged_by_dissent() -> None:
    """A dissent is on the record, never in the arithmetic."""
    from reviewer.domain.results import results

    review, _ = _review()
    _play_to_close(review)
    before = results(review).to_json()
    run(review, review.record_dissent("E1", "professional", "有异议"))
    after = results(review).to_json()
    assert {k: v for k, v in before.items() if k != "audit"} == \
        {k: v for k, v in after.items() if k != "audit"}

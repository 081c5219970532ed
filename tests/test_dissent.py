"""Dissent (不同意见) on a round's result and refusal to sign (拒绝签字), issue 13.

A member's dissent is recorded in their name once the round's result exists; a non-member's
is refused; a refusal to sign without a written reason is refused. Both are audit events,
replayed (and validated) after reopening, printed on the signature page and in the audit
section, and an insider's forged row is refused by the keyed chain.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from reviewer.cli.main import main
from reviewer.domain import events as ev
from reviewer.domain.audit import ChainBroken
from reviewer.domain.errors import DomainError
from reviewer.domain.replay import validate
from reviewer.domain.results import results
from reviewer.domain.review import Review
from reviewer.domain.state import SessionState, state_from_plain, state_to_plain
from reviewer.session import Session
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
    review, _ = _review()
    _play_to_close(review)
    before = results(review).to_json()
    run(review, review.record_dissent("E1", "professional", "有异议"))
    after = results(review).to_json()
    assert {k: v for k, v in before.items() if k != "audit"} == \
        {k: v for k, v in after.items() if k != "audit"}


# -- a real session: the CLI, the PDF, the audit chain ------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_cases" / "yunling-craftsman-2026.rvb"
SAMPLE_PASSPHRASE = "demo-yunling-2026"  # sample-only passphrase, published in its README


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 云岭工匠 sample resealed with a cheap KDF (test only), played to the close on
    paper through the CLI, ties resolved."""
    from reviewer.bundle import KdfParams, open_bundle, seal
    from tests.test_cli_session import run_rounds

    work = tmp_path_factory.mktemp("dissent")
    opened = open_bundle(SAMPLE, SAMPLE_PASSPHRASE)
    bundle = work / "case.rvb"
    seal(list(opened.entries.items()), bundle, SAMPLE_PASSPHRASE, header_info=opened.header.info,
         kdf=KdfParams(time_cost=1, memory_cost=1024, parallelism=1))
    (work / "pass.txt").write_text(SAMPLE_PASSPHRASE + "\n", encoding="utf-8")
    run_rounds(bundle, work, SAMPLE_PASSPHRASE)
    session = Session.open(bundle, SAMPLE_PASSPHRASE)
    ties = results(session.review).unresolved_ties
    session.close()
    for tie in ties:
        assert cli(bundle, "ties", "resolve", "--order", ",".join(tie), "--reason", "复议") == 0
    return bundle


def cli(bundle: Path, *args: str) -> int:
    words = 2 if args[0] in ("ties", "audit", "scores") else 1
    return main([*args[:words], str(bundle), "--passphrase-file",
                 str(bundle.parent / "pass.txt"), *args[words:]])


def _members(bundle: Path) -> tuple[str, str, str, list[str]]:
    """(a professional member, a comprehensive-only member, a professional group's name, every
    member's name)."""
    session = Session.open(bundle, SAMPLE_PASSPHRASE)
    try:
        review = session.review
        pro = next(e for e in review.case.experts if review.groups_of(e.id, "professional"))
        comp = next(e for e in review.case.experts if review.groups_of(e.id, "comprehensive")
                    and not review.groups_of(e.id, "professional"))
        group = review.case.group(pro.groups[0])
        assert group is not None
        return pro.id, comp.id, group.name, [e.name for e in review.case.experts]
    finally:
        session.close()


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def _export(bundle: Path, pdf: Path) -> int:
    tmp = bundle.parent
    key = tmp / "key.txt"
    if not key.exists():
        key.write_text("test-only-key-passphrase", encoding="utf-8")
        assert main(["keygen", "--name", "张秘书", "--role", "评审秘书", "-o", str(tmp / "sec"),
                     "--key-passphrase-file", str(key)]) == 0
    return cli(bundle, "export", "-o", str(pdf), "--key", str(tmp / "sec.key.pem"),
               "--cert", str(tmp / "sec.cert.pem"), "--key-passphrase-file", str(key))


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_dissent_and_refusal_from_the_cli_reach_the_pdf_and_the_audit_trail(
        closed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pro, comp, group_name, names = _members(closed)
    text_file = closed.parent / "dissent.txt"
    text_file.write_text("本人认为第二名的业绩贡献被低估，\n建议复议。\n", encoding="utf-8")
    # refusals first: a non-member of the round, an empty text, neither/both text options
    assert cli(closed, "dissent", comp, "--round", "专业组", "--text", "不同意") == 1
    assert "不是该轮评审组的成员" in capsys.readouterr().err
    assert cli(closed, "dissent", pro, "--round", "专业组", "--text", "  ") == 1
    assert cli(closed, "dissent", pro, "--round", "专业组") == 1
    assert cli(closed, "refuse-sign", comp, "--reason", " ") == 1
    assert "须书面说明理由" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # --reason is required by the parser too
        cli(closed, "refuse-sign", comp)
    assert usage.value.code == 2
    assert cli(closed, "dissent", pro, "--round", "专业组", "--text-file", str(text_file)) == 0
    assert cli(closed, "refuse-sign", comp, "--reason", "综合组讨论时间不足，结果未经充分审议") == 0
    capsys.readouterr()
    assert cli(closed, "audit", "verify") == 0
    # reopened: the events are replayed and validated, the state is back
    session = Session.open(closed, SAMPLE_PASSPHRASE)
    try:
        [dissent] = session.review.state.dissents
        assert dissent["text"] == "本人认为第二名的业绩贡献被低估，\n建议复议。"
        assert dissent["source"] == "paper" and dissent["by"] == ev.SECRETARY
        assert comp in session.review.state.refusals
        pro_name = session.case.expert(pro).name  # type: ignore[union-attr]
        comp_name = session.case.expert(comp).name  # type: ignore[union-attr]
    finally:
        session.close()
    pdf = closed.parent / "results.pdf"
    assert _export(closed, pdf) == 0
    text = _pdftotext(pdf)
    page = text[text.rindex("评审委员会签字页"):]
    assert all(name in page for name in names)  # every member on the signature page
    assert group_name in page and "监督组" in page and "评审秘书" in page
    assert "拒绝签字。理由：综合组讨论时间不足" in page.replace(" ", "")
    flat = page.replace(" ", "").replace("\n", "")
    assert "本人认为第二名的业绩贡献被低估" in flat and pro_name in flat
    audit = text[text.index("审计记录：不同意见与拒绝签字"):text.rindex("评审委员会签字页")]
    assert pro_name in audit and comp_name in audit and "拒绝签字" in audit


def test_an_insiders_forged_dissent_row_is_refused_by_the_chain(
        closed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Somebody with the database but not the passphrase adds a dissent in a member's name
    (every SHA-256 recomputed): every command refuses the chain, exit 31."""
    from tests.tamper import read_events, rewrite

    pro, _, _, _ = _members(closed)
    copy = tmp_path / "forged.db"
    shutil.copy(closed.with_name(closed.stem + ".session.db"), copy)
    url = f"sqlite:///{copy}"
    events = read_events(url)
    last = events[-1]
    rewrite(url, [*events, replace(last, kind=ev.DISSENT_RECORDED, actor=ev.SECRETARY, payload={
        "expert": pro, "round": "comprehensive", "text": "伪造", "source": "paper"})])
    capsys.readouterr()
    assert main(["audit", "verify", str(closed), "--passphrase-file",
                 str(closed.parent / "pass.txt"), "--db", url]) == 31
    assert "Traceback" not in capsys.readouterr().err
    assert main(["results", str(closed), "--passphrase-file", str(closed.parent / "pass.txt"),
                 "--db", url]) == 31

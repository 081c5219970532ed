"""The use cases shared by the CLI and the terminal application (``reviewer.services``).

Export renders and signs outside the session lock and in Chinese whatever the user's
language; verification against a case refuses a broken audit chain first; paper import
offers replace-with-reason to both front-ends.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from reviewer.domain.audit import ChainBroken
from reviewer.domain.review import ImportRejected
from reviewer.i18n import get_locale, set_locale, t
from reviewer.pdf import keys
from reviewer.services import SessionHandle, documents
from reviewer.services.sheets import ImportSheet, import_sheet
from reviewer.settings import Settings
from tests.test_tui_support import build_session, score_programmatically

TOTALS = {"A1": 90, "A3": 70, "A4": 60}


def closed_session(tmp_path: Path) -> SessionHandle:
    session, _ = build_session(tmp_path, min_experts=1)
    for expert_id in ("E1", "E2", "E3"):
        score_programmatically(session, expert_id, TOTALS if expert_id == "E1"
                               else {**TOTALS, "A2": 80})
    session.run(lambda r: r.advance())
    score_programmatically(session, "E4", {"A1": 90, "A2": 80})
    session.run(lambda r: r.advance())
    return SessionHandle(session)


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> keys.SignerIdentity:
    root = tmp_path_factory.mktemp("keys")
    keys.generate_identity("钱丽娟", "评审秘书", "云南省总工会", "pw-sec", root / "sec")
    return keys.load_signer(root / "sec.key.pem", root / "sec.cert.pem", "pw-sec")


def test_export_in_english_leaves_the_ui_english_and_the_lock_free(
        tmp_path: Path, identity: keys.SignerIdentity) -> None:
    handle = closed_session(tmp_path)
    set_locale("en")  # reviewer --lang en
    rendering, seen = threading.Event(), threading.Event()
    worker_locale: list[str] = []

    def progress(fraction: float, message: str) -> None:
        if 0.05 < fraction < 0.92 and not rendering.is_set():  # laying out the pages
            worker_locale.append(get_locale())
            rendering.set()
            assert seen.wait(30), "the UI thread never looked"

    outcome: list[object] = []

    def export() -> None:
        try:
            outcome.append(documents.export_results(
                handle, documents.ExportResults(tmp_path / "results.pdf", identity),
                Settings(), progress=progress))
        except Exception as exc:  # reported below
            outcome.append(exc)

    worker = threading.Thread(target=export)
    try:
        worker.start()
        assert rendering.wait(60)
        # mid-render, on the "UI thread": English, and the session is free for a score
        assert get_locale() == "en"
        assert t("review.round_closed") == "The review is closed; nothing can change"
        assert handle.lock.acquire(blocking=False), "export holds the session lock"
        handle.lock.release()
        seen.set()
        worker.join(120)
    finally:
        seen.set()
        set_locale(None)
        handle.session.close()
    assert worker_locale == ["zh"]  # the PDF itself renders Chinese
    info = outcome[0]
    assert not isinstance(info, Exception), info
    assert (tmp_path / "results.pdf").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".results-")]


def test_export_refuses_when_the_results_change_during_the_render(
        tmp_path: Path, identity: keys.SignerIdentity) -> None:
    handle = closed_session(tmp_path)
    changed: list[bool] = []

    def progress(fraction: float, message: str) -> None:
        if not changed:  # another terminal records a decision mid-render
            changed.append(True)
            handle.run(lambda r: r.disqualify("A1", "公示期间查实材料不实"))

    with pytest.raises(Exception) as err:
        documents.export_results(handle, documents.ExportResults(tmp_path / "r.pdf", identity),
                                 Settings(), progress=progress)
    assert getattr(err.value, "code", "") == "service.export_stale"
    assert not (tmp_path / "r.pdf").exists()
    assert not any(e.kind == "results.exported" for e in handle.session.store.events(0))
    handle.close()


def test_two_terminals_exporting_at_once_record_one_export_and_write_one_file(
        tmp_path: Path, identity: keys.SignerIdentity) -> None:
    """The other terminal's export is recorded while this one renders: this one is refused,
    writes nothing (not over the other's file either) and records nothing."""
    handle = closed_session(tmp_path)
    other = tmp_path / "other.pdf"
    out = tmp_path / "r.pdf"

    def progress(fraction: float, message: str) -> None:
        if not other.exists():  # the other terminal finishes its export first
            documents.export_results(handle, documents.ExportResults(other, identity),
                                     Settings())

    with pytest.raises(Exception) as err:
        documents.export_results(handle, documents.ExportResults(out, identity), Settings(),
                                 progress=progress)
    assert getattr(err.value, "code", "") == "review.export_concurrent"
    assert not out.exists()
    assert other.exists()
    exported = [e for e in handle.session.store.events(0) if e.kind == "results.exported"]
    assert len(exported) == 1
    # a copy asked for afterwards is a new export of the same results, and goes ahead
    again = documents.export_results(handle, documents.ExportResults(out, identity), Settings())
    assert again.path == out and out.exists()
    assert sum(e.kind == "results.exported" for e in handle.session.store.events(0)) == 2
    handle.close()


def test_verify_against_a_case_checks_the_audit_chain_first(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E1"))
    session.run(lambda r: r.acknowledge("E2"))
    engine = create_engine(f"sqlite:///{tmp_path / 's.db'}")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 2"))
    engine.dispose()
    with pytest.raises(ChainBroken) as err:
        documents.verify_pdf(documents.VerifyPdf(tmp_path / "never-read.pdf"),
                             SessionHandle(session))
    assert err.value.exit_code == 31
    session.close()


def test_paper_import_replaces_a_submitted_sheet_only_with_a_reason(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    handle = SessionHandle(session)
    score_programmatically(session, "E2", {"A1": 90, "A2": 80, "A3": 70, "A4": 60})
    sheet = tmp_path / "e2.csv"
    header = "expert,application,round,工艺专长,技能水平,领军作用,业绩贡献\n"
    rows = "".join(f"E2,{a},专业组,20,20,10,10\n" for a in ("A1", "A2", "A3", "A4"))
    sheet.write_text(header + rows, encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        import_sheet(handle, ImportSheet(sheet))
    assert {p.code for p in err.value.problems} == {"import.already_submitted"}
    with pytest.raises(ImportRejected) as err:
        import_sheet(handle, ImportSheet(sheet, replace=True))
    assert "review.reason_required" in {p.code for p in err.value.problems}
    done = import_sheet(handle, ImportSheet(sheet, replace=True, reason="专家手写更正"))
    assert (done.sheets, done.rows) == (1, 4)
    assert session.review.state.scores[("E2", "A1", "professional")]["craft_expertise"] == 20
    handle.close()


def test_the_experts_use_cases_reach_the_cores_rules(tmp_path: Path) -> None:
    """Pledge → declaration → score → submit through reviewer/services/expert.py; a refusal
    is the core's own (scoring before the declaration, a second submission)."""
    from reviewer.domain.errors import DomainError
    from reviewer.services import expert as ex

    session, _ = build_session(tmp_path)
    handle = SessionHandle(session)
    review = session.review
    with pytest.raises(DomainError) as before_pledge:
        ex.execute(handle, ex.DeclareNoConflict("E1", ("A1",)))
    assert before_pledge.value.code == "review.ack_required"
    ex.execute(handle, ex.Acknowledge("E1"))
    apps = [a.id for a in review.scope("E1")
            if not review.conflicts.is_recused("E1", a.id, review.state)]
    criterion = review.panel.expert_criteria[0].key
    with pytest.raises(DomainError) as undeclared:
        ex.execute(handle, ex.SetScore("E1", apps[0], criterion, "10"))
    assert undeclared.value.code == "review.declaration_required"
    ex.execute(handle, ex.DeclareNoConflict("E1", tuple(apps)))
    for app_id in apps[1:]:
        ex.execute(handle, ex.Abstain("E1", app_id, "不熟悉该领域"))
    for c in review.panel.expert_criteria:
        ex.execute(handle, ex.SetScore("E1", apps[0], c.key, "1"))
    ex.execute(handle, ex.Submit("E1"))
    assert review.is_submitted("E1")
    with pytest.raises(DomainError) as again:
        ex.execute(handle, ex.Submit("E1"))
    assert again.value.code == "review.sheet_locked"
    session.close()

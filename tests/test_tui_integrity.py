"""The terminal application on a tampered session database (issue 9): the supervisor's check
reports the first broken event, the refresh from other terminals refuses it, and a session
whose chain is broken refuses every action."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from reviewer.domain.audit import ChainBroken
from reviewer.session import Session
from reviewer.tui.screens.supervisor import SupervisorScreen
from tests.tamper import read_events, rewrite
from tests.test_tui_support import build_session, flat_text, make_app, pilot_test, settle

SIZE = (100, 30)


def tamper_first_ack(tmp_path: Path) -> int:
    """The insider rewrites the first acknowledgement and recomputes every SHA-256 hash."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    events = read_events(url)
    index = next(i for i, e in enumerate(events) if e.kind == "ack.recorded")
    events[index] = replace(events[index], payload={**events[index].payload, "paper": False})
    rewrite(url, events)
    return index + 1


@pilot_test
async def test_the_supervisor_check_names_the_forged_event(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E1", paper=True))
    session.run(lambda r: r.acknowledge("E2", paper=True))
    seq = tamper_first_ack(tmp_path)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, SupervisorScreen)
        await pilot.press("c")
        await settle(pilot)
        text = flat_text(app)
        assert "审计链完整" not in text and str(seq) in text and "forged" in text
    with pytest.raises(ChainBroken):  # and nothing more is done on it
        session.run(lambda r: r.acknowledge("E3", paper=True))
    session.close()


def test_opening_a_tampered_session_as_the_terminal_does_is_refused(tmp_path: Path) -> None:
    session, clock = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E1", paper=True))
    who = session
    session.close()
    seq = tamper_first_ack(tmp_path)
    from reviewer.session import Unlocked

    with pytest.raises(ChainBroken) as err:
        Session.attach(Unlocked(who.case, who.panel, who.bundle_sha256),
                       f"sqlite:///{tmp_path / 's.db'}", clock)
    assert err.value.seq == seq and err.value.problem == "forged"


@pilot_test
async def test_a_refresh_that_meets_a_forged_event_warns_and_applies_nothing(
        tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E1", paper=True))
    url = f"sqlite:///{tmp_path / 's.db'}"
    events = read_events(url)
    forged = replace(events[-1], payload={**events[-1].payload, "expert": "E2"})
    rewrite(url, [*events, forged])  # an insider appends an acknowledgement for E2
    app = make_app(session, refresh_seconds=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.4)
        await settle(pilot)
        assert "E2" not in session.review.state.acks
        assert session.broken is not None and session.broken.seq == len(events) + 1

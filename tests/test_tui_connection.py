"""A terminal whose database connection drops (issue 14, many terminals): the expert is told in
their language, what was typed stays in the score form and is not lost, and once the server
answers again the terminal carries on and saves it — on SQLite with a simulated failure of
every store call, and on PostgreSQL through a TCP relay that is cut and restored."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from reviewer.domain.review import Review
from reviewer.i18n import locale_override
from reviewer.session import Session
from reviewer.storage.store import StoreError
from reviewer.tui.screens.scoring import ScoringScreen
from reviewer.tui.widgets.score_form import ScoreForm
from tests.test_tui_support import build_session, flat_text, log_in, make_app, pilot_test, settle

SIZE = (110, 32)
CRITERIA = ("craft_expertise", "skill_level", "leadership", "contribution")


@contextmanager
def _store_down(session: Session) -> Iterator[None]:
    """Every call into the session's store fails as a dropped connection does."""
    store = session.store
    saved: dict[str, Any] = {}
    for name in ("transact", "events", "head"):
        original = getattr(store, name)
        saved[name] = original

        def refuse(*args: Any, _name: str = name, **kwargs: Any) -> Any:
            raise StoreError("store.connection_lost", url="postgresql://review-server/case")

        setattr(store, name, refuse)
    try:
        yield
    finally:
        for name, original in saved.items():
            setattr(store, name, original)


def _stored(session: Session, expert: str, app_id: str) -> dict[str, Decimal]:
    session.refresh()
    return session.review.own_scores(expert, app_id)


async def _drop_and_come_back(session: Session, down: Callable[[], Any],
                              up: Callable[[], None]) -> None:
    app = make_app(session)
    with locale_override("zh_CN"):
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot, 0)
            assert isinstance(app.screen, ScoringScreen)
            await pilot.press("enter")  # A1's form
            await pilot.press("2", "0", "enter")
            await settle(pilot)
            assert _stored(session, "E1", "A1") == {CRITERIA[0]: Decimal(20)}

            down()
            await pilot.press("1", "8", "enter")  # typed while the server is gone
            await settle(pilot)
            form = app.screen.query_one(ScoreForm)
            assert form.field(CRITERIA[1]).value == "18"  # kept as typed
            shown = flat_text(app)
            assert "数据库连接已断开" in shown and "保留" in shown, shown
            assert app.offline

            app._pull()  # the next pull still finds it gone: said once, not again
            await settle(pilot)
            assert len(app._notifications) == 1

            up()
            app._pull()
            await settle(pilot)
            assert not app.offline
            await pilot.pause(0.1)
            notices = [n.message for n in app._notifications]
            assert len(notices) == 1 and "数据库连接已恢复" in notices[0], notices  # banner gone
            assert form.field(CRITERIA[1]).value == "18"
    assert _stored(session, "E1", "A1") == {CRITERIA[0]: Decimal(20), CRITERIA[1]: Decimal(18)}
    assert session.verify_audit().ok


def _prepared(session: Session) -> None:
    session.run(lambda r: r.acknowledge("E1"))
    review: Review = session.review
    for app_id in [a.id for a in review.scope("E1") if a.id != "A2"]:  # A2: same unit
        session.run(functools.partial(lambda r, a: r.declare_no_conflict("E1", a),
                                      a=app_id))


@pilot_test
async def test_sqlite_drop_is_shown_typed_score_kept_and_saved_when_back(
        tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    _prepared(session)
    blocked = _store_down(session)
    await _drop_and_come_back(session, blocked.__enter__,
                              lambda: blocked.__exit__(None, None, None))
    session.close()


@pilot_test
async def test_postgres_relay_cut_is_shown_typed_score_kept_and_saved_when_back(
        tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    from reviewer.session import Unlocked
    from tests.builders import make_case
    from tests.session_fixtures import backend_url
    from tests.test_faults import _Proxy
    from tests.test_tui_support import Clock, standard_people

    url = make_url(backend_url("postgres", tmp_path))
    proxy = _Proxy(url.host or "127.0.0.1", url.port or 5432)
    relayed = url.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False)
    apps, experts = standard_people()
    case, panel = make_case("yunling-craftsman", apps, experts)
    session = Session.attach(Unlocked(case, panel, "0" * 64), relayed, Clock())
    try:
        _prepared(session)
        await _drop_and_come_back(session, proxy.cut, proxy.restore)
    finally:
        session.close()
        proxy.close()

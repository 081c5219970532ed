"""``ReviewerApp``: the terminal application of the review day.

The app is small: it holds the session gateway and the injected tools, routes an expert along
their path (保密承诺 → 回避申明 → scoring → submission), logs idle sessions out and pulls other
terminals' events. Everything a user sees lives in ``reviewer.tui.screens``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import events, on
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from reviewer.domain.errors import DomainError
from reviewer.i18n import t
from reviewer.services import Session
from reviewer.tui import flow
from reviewer.tui.commands import system_commands
from reviewer.tui.gateway import CONNECTION_LOST, SessionGateway
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.widgets.in_order import KeysInOrder

Opener = Callable[[str], Session]

# a dropped database connection is said until the server answers again
OFFLINE_NOTICE_SECONDS = 24 * 3600.0
RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class Tools:
    """What the secretary and the supervisor may do beyond the session (injected, optional)."""

    secretary_check: Callable[[str], bool] | None = None
    importer: Callable[[Path, bool, str], object] | None = None  # path, replace, reason
    exporter: Callable[[Path], object] | None = None
    signer: Callable[[Path], object] | None = None
    verifier: Callable[..., Any] | None = None
    export_path: Path | None = None


class ReviewerApp(App[None]):
    CSS_PATH = "app.tcss"
    COMMAND_PALETTE_BINDING = "ctrl+k"
    BINDINGS = [
        bind("ctrl+k", "command_palette", "palette", show=False, priority=True),
        bind("f1,question_mark", "help", "help"),
        bind("ctrl+t", "toggle_theme", "theme", show=False),
        bind("ctrl+l", "logout", "logout"),
        bind("ctrl+q", "quit", "quit", show=False, priority=True),
        bind("ctrl+c", "help_quit", "help_quit", show=False),
    ]

    def __init__(self, session: Session | None = None, *, opener: Opener | None = None,
                 secretary_check: Callable[[str], bool] | None = None,
                 importer: Callable[[Path, bool, str], object] | None = None,
                 exporter: Callable[[Path], object] | None = None,
                 signer: Callable[[Path], object] | None = None,
                 verifier: Callable[..., Any] | None = None,
                 export_path: Path | None = None,
                 idle_minutes: float = 10.0, refresh_seconds: float = 3.0,
                 title: str | None = None) -> None:
        if session is None and opener is None:
            raise ValueError("give a session or an opener")
        super().__init__()
        self.opener = opener
        self.gateway: SessionGateway | None = SessionGateway(session) if session else None
        self.tools = Tools(secretary_check, importer, exporter, signer, verifier, export_path)
        self.idle_seconds = idle_minutes * 60
        self.refresh_seconds = refresh_seconds
        self.expert: str | None = None
        self.secretary = False
        self.skipped_pin_change: set[str] = set()
        self.supervisor_trust: list[Path] = []  # certificates the supervisor chose (F9)
        self.secretary_until = 0.0  # monotonic time until which F8 needs no passphrase again
        self.last_activity = time.monotonic()
        self._puller: Worker[None] | None = None
        self._pull_failed = False
        self.offline = False  # the database connection dropped and has not answered since
        self.title = title or t("tui.app.title")

    # -- life cycle --------------------------------------------------------------------------

    def on_mount(self) -> None:
        from reviewer.tui.screens.unlock import UnlockScreen
        from reviewer.tui.screens.waiting import WaitingScreen

        if self.gateway is not None:
            self.push_screen(WaitingScreen())
        else:
            assert self.opener is not None
            self.push_screen(UnlockScreen(self.opener))
        self.set_interval(1.0, self.check_idle_logout)
        if self.refresh_seconds > 0:
            self.set_interval(self.refresh_seconds, self._pull)

    def session_opened(self, session: Session) -> None:
        from reviewer.tui.screens.waiting import WaitingScreen

        self.gateway = SessionGateway(session)
        self.switch_screen(WaitingScreen())

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.last_activity = time.monotonic()
            if isinstance(event, events.Key) and isinstance(self.focused, KeysInOrder):
                # applied here, one key at a time, so a burst keeps its order (in_order.py)
                if not await self._check_bindings(event.key, priority=True):
                    await self.focused.key_in_order(event)
                return
        await super().on_event(event)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # a blinking cursor makes screenshots of a headless run differ from one run to the next
        if self.is_headless and isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    # -- the expert's path -------------------------------------------------------------------

    def login(self, expert_id: str) -> None:
        self.expert = expert_id
        self.secretary = False
        self.secretary_until = 0.0  # an expert at the keyboard: the secretary must unlock again
        self.last_activity = time.monotonic()
        self.refresh_bindings()
        with self._gw.reading() as review:
            offer = not review.pin_changed(expert_id) and expert_id not in self.skipped_pin_change
        if offer:
            from reviewer.tui.screens.pin_change import PinChangeScreen

            self.push_screen(PinChangeScreen(expert_id),
                             lambda _: self.route_expert(on_login=True))
        else:
            self.route_expert(on_login=True)

    def route_expert(self, on_login: bool = False) -> None:
        """Show the expert the step they have reached."""
        from reviewer.tui.screens.confidentiality import ConfidentialityScreen
        from reviewer.tui.screens.declaration import DeclarationScreen
        from reviewer.tui.screens.scoring import ScoringScreen

        expert = self.expert
        if expert is None:
            return
        with self._gw.reading() as review:
            where = flow.stage(review, expert)
            # nothing to score now, but a closed round of theirs to dissent on (issue 13)
            may_dissent = where == flow.NOTHING and bool(review.dissent_rounds(expert))
        if (where == flow.SUBMITTED or may_dissent) and on_login:  # own sheet, read-only
            from reviewer.tui.screens.own_sheet import OwnSheetScreen

            self.push_screen(OwnSheetScreen(expert))
            return
        if where in (flow.SUBMITTED, flow.NOTHING):
            key = "tui.login.submitted" if where == flow.SUBMITTED else "tui.login.nothing"
            self.logout(notice=t(key))
            return
        screen: Screen[Any] = {
            flow.ACK: ConfidentialityScreen,
            flow.DECLARE: DeclarationScreen,
            flow.SCORE: ScoringScreen,
        }[where](expert)
        if self._on_waiting_screen():
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def logout(self, notice: str | None = None) -> None:
        self.expert = None
        self.secretary = False
        while len(self.screen_stack) > 2 and not self._on_waiting_screen():
            self.pop_screen()
        self.refresh_bindings()
        if notice:
            self.notify(notice, timeout=6)

    def _on_waiting_screen(self) -> bool:
        from reviewer.tui.screens.waiting import WaitingScreen

        return isinstance(self.screen, WaitingScreen)

    def enter_secretary(self) -> None:
        from reviewer.tui.screens.dashboard import DashboardScreen

        self.secretary = True
        self.last_activity = time.monotonic()
        self.push_screen(DashboardScreen())
        self.refresh_bindings()

    # -- idle logout and other terminals ------------------------------------------------------

    def check_idle_logout(self) -> None:
        if (self.expert or self.secretary) and self.idle_seconds > 0:
            if time.monotonic() - self.last_activity >= self.idle_seconds:
                self.logout(notice=t("tui.idle.logged_out"))

    def _pull(self) -> None:
        if self.gateway is not None and (self._puller is None or self._puller.is_finished):
            self._puller = run_job(self, "refresh", self.gateway.try_refresh)

    @on(JobFinished)
    def _pulled(self, message: JobFinished) -> None:
        if message.job != "refresh":
            return
        if message.error is not None:  # say it once, not every few seconds
            if message.error.code == CONNECTION_LOST:
                self.connection_dropped(message.error)
            elif not self._pull_failed:
                self.notify(str(message.error), severity="warning", timeout=10)
            self._pull_failed = True
            return
        self._pull_failed = False
        if self.offline:
            self.connection_restored()
        if message.result:
            for screen in self.screen_stack:
                changed = getattr(screen, "session_changed", None)
                if changed is not None:
                    changed()

    # -- a database connection that drops ----------------------------------------------------

    def connection_dropped(self, error: DomainError) -> None:
        """Say so until the server answers again (one notice that stays, not one per try);
        what was typed stays in the forms and is saved once the server is back."""
        if self.offline:
            return
        self.offline = True
        self.notify(t("tui.connection.lost", reason=str(error)), title=t("tui.connection.title"),
                    severity="error", timeout=OFFLINE_NOTICE_SECONDS)
        if self.refresh_seconds <= 0:  # no regular pull running: try again now and then
            self.set_timer(RETRY_SECONDS, self._retry_offline)

    def _retry_offline(self) -> None:
        if self.offline:
            self._pull()
            self.set_timer(RETRY_SECONDS, self._retry_offline)

    def connection_restored(self) -> None:
        self.offline = False
        self.clear_notifications()
        self.notify(t("tui.connection.back"), timeout=6)
        for screen in self.screen_stack:
            restored = getattr(screen, "connection_restored", None)
            if restored is not None:
                restored()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(t("tui.error.unexpected", error=str(event.worker.error)),
                        severity="error", timeout=10)

    @property
    def _gw(self) -> SessionGateway:
        assert self.gateway is not None
        return self.gateway

    # -- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "logout":
            return bool(self.expert or self.secretary)
        return True

    def action_logout(self) -> None:
        self.logout(notice=t("tui.logout.done"))

    def action_help(self) -> None:
        from reviewer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_help_quit(self) -> None:
        self.notify(t("tui.quit.hint"), timeout=4)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(placeholder=t("tui.palette.placeholder"),
                                            id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        return system_commands(self, screen)

"""Base classes: every screen translates its bindings and reaches the session through the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual.screen import ModalScreen, Screen

from reviewer.tui.gateway import SessionGateway
from reviewer.tui.keys import LocalisedBindings

if TYPE_CHECKING:
    from reviewer.tui.app import ReviewerApp

R = TypeVar("R")


class SessionAccess:
    """Shortcuts to the app's gateway and logged-in expert."""

    @property
    def reviewer(self) -> ReviewerApp:
        return self.app  # type: ignore[attr-defined, no-any-return]

    @property
    def gateway(self) -> SessionGateway:
        gateway = self.reviewer.gateway
        assert gateway is not None, "no session yet"
        return gateway

    def session_changed(self) -> None:
        """Other terminals appended events; redraw what depends on them."""


class ReviewerScreen(SessionAccess, LocalisedBindings, Screen[Any]):
    pass


class ReviewerModal(SessionAccess, LocalisedBindings, ModalScreen[R]):
    pass

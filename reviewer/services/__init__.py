"""The use cases, one handler each, called alike by the CLI and the terminal application.

The front-ends gather input and show output; everything they share is decided here (and the
rules themselves in ``reviewer.domain``):

- ``opening``: open a session (bundle + passphrase + database), re-check the passphrase
- ``handle``: a session and the lock that serialises its use (one thread in the CLI, the UI
  and its workers in the terminal application)
- ``sheets``: import a paper score sheet (with replace and reason), print blank sheets
- ``documents``: export and sign the results, countersign, verify a PDF (audit chain and
  case checks first)
- ``secretary``: acknowledgement on paper, recusal, lift, reopen, advance, ties,
  disqualification, results, audit check
- ``case``: seal a case folder into a bundle, read its header, look inside it

The expert's own steps (PIN, pledge, declaration, scoring, abstention, submission) exist only
at the terminal; each is one ``Review`` method that the screens run through the gateway
(``SessionHandle.run``), so they too have exactly one implementation, in the core.

Long work (render, sign, verify, reading a file) takes a snapshot under the lock and runs
outside it, so the expert screens stay responsive during an export on the same machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviewer.services.handle import SessionHandle
    from reviewer.services.opening import Session, Unlocked, open_session

__all__ = ["Session", "SessionHandle", "Unlocked", "open_session"]


def __getattr__(name: str) -> Any:
    """The session names on first use: sealing or inspecting a bundle (``services.case``)
    imports this package but needs neither the session core nor its store."""
    if name == "SessionHandle":
        from reviewer.services.handle import SessionHandle

        return SessionHandle
    if name in ("Session", "Unlocked", "open_session"):
        from reviewer.services import opening

        return getattr(opening, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

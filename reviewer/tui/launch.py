"""``reviewer open CASE.rvb``: wires the real session and PDF tools into ``ReviewerApp``.

The bundle passphrase comes from ``--passphrase-file`` / ``REVIEWER_PASSPHRASE`` when given
(the session is then opened before the first screen), otherwise from the unlock screen. The
secretary's dashboard re-checks the passphrase by unlocking the bundle again and comparing
its hash. Exporting and signing need a signing identity (``--p12`` or ``--key``/``--cert``,
its passphrase asked before the first screen); without one they show as not available.
"""

from __future__ import annotations

import argparse
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reviewer.domain.errors import DomainError
from reviewer.i18n import t
from reviewer.session import Session, unlock


class FileUnreadable(DomainError):
    pass


class SessionTools:
    """The secretary's and supervisor's tools, bound to the session once it is open."""

    def __init__(self, bundle: Path, session: Callable[[], Session],
                 identity: Any = None, trust: list[Path] | None = None,
                 location: str = "云南省昆明市") -> None:
        self.bundle = bundle
        self.session = session
        self.identity = identity
        self.trust = trust or []
        self.location = location

    def secretary_check(self, passphrase: str) -> bool:
        try:
            return unlock(self.bundle, passphrase).sha256 == self.session().bundle_sha256
        except DomainError:
            return False

    def import_sheets(self, path: Path) -> None:
        from reviewer.casefolder.score_sheets import read_score_sheet

        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            raise FileUnreadable("tui.file_unreadable", path=str(path)) from None
        rows = read_score_sheet(path)
        self.session().run(lambda r: r.import_sheets(rows, file_sha256=digest))

    def export(self, path: Path) -> None:
        from reviewer.pdf.export import export_signed_results

        export_signed_results(self.session(), path, self.identity, location=self.location)

    def sign(self, path: Path) -> None:
        from reviewer.pdf.signing import sign_pdf

        if not path.exists():
            raise FileUnreadable("tui.file_unreadable", path=str(path))
        sign_pdf(path, path, self.identity, reason=t("cli.sign_reason_countersign"),
                 location=self.location)

    def verify(self, path: Path, trust: Sequence[Path] = ()) -> Any:
        """``trust``: certificates the supervisor chose on the F9 screen, beside ``--trust``."""
        from reviewer.pdf.signing import verify_pdf

        if not path.is_file():
            raise FileUnreadable("tui.file_unreadable", path=str(path))
        session = self.session()
        session.require_intact()  # a PDF is checked only against a chain that verifies
        return verify_pdf(path, [*self.trust, *trust],
                          case_facts=(session.bundle_sha256, session.review.state.results_head))


def _identity(args: argparse.Namespace) -> Any:
    if not (getattr(args, "p12", None) or getattr(args, "key", None)):
        return None
    from reviewer.cli.pdf_commands import load_identity

    return load_identity(args)


def _passphrase(args: argparse.Namespace) -> str | None:
    from reviewer.cli.passphrase import read_secret

    if args.passphrase_file is None and not os.environ.get("REVIEWER_PASSPHRASE"):
        return None
    return read_secret(args.passphrase_file, "REVIEWER_PASSPHRASE", "")


def run_app(args: argparse.Namespace) -> int:
    from reviewer.session import database_url
    from reviewer.tui.app import ReviewerApp

    bundle: Path = args.bundle
    db_url = database_url(bundle, getattr(args, "db", None))
    passphrase = _passphrase(args)
    session = Session.open(bundle, passphrase, db_url) if passphrase else None
    identity = _identity(args)
    holder: dict[str, ReviewerApp] = {}

    def current() -> Session:
        gateway = holder["app"].gateway
        assert gateway is not None
        return gateway.session

    tools = SessionTools(bundle, current, identity, list(getattr(args, "trust", []) or []),
                         location=getattr(args, "location", None) or "云南省昆明市")
    app = ReviewerApp(
        session,
        opener=lambda p: Session.open(bundle, p, db_url),
        secretary_check=tools.secretary_check,
        importer=tools.import_sheets,
        exporter=tools.export if identity is not None else None,
        signer=tools.sign if identity is not None else None,
        verifier=tools.verify,
        idle_minutes=float(getattr(args, "idle_minutes", 10.0)),
    )
    holder["app"] = app
    try:
        app.run()
    finally:
        if app.gateway is not None:
            app.gateway.session.close()
    return 0

"""``reviewer open CASE.rvb``: the terminal application for the review day.

The bundle passphrase comes from ``--passphrase-file`` / ``REVIEWER_PASSPHRASE`` when given
(the session is then opened before the first screen), otherwise from the unlock screen.
Exporting and signing need a signing identity (``--p12`` or ``--key``/``--cert``, its
passphrase asked before the first screen); without one they show as not available. The
tools themselves are the shared use cases (``reviewer.tui.launch.SessionTools``).
"""

from __future__ import annotations

import argparse
import gc
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.cli.parser import Parser, add_bundle
from reviewer.i18n import t
from reviewer.settings import DEFAULT_IDLE_MINUTES, Settings

if TYPE_CHECKING:
    from reviewer.services.handle import SessionHandle


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
    from reviewer.services.opening import open_session
    from reviewer.tui.app import ReviewerApp
    from reviewer.tui.launch import SessionTools

    bundle: Path = args.bundle
    settings = Settings.from_options(args)
    passphrase = _passphrase(args)
    # before the application runs its threads, a long history is checked on two cores;
    # the unlock screen's later open (``opener``) runs beside them and does not fork
    session = open_session(bundle, passphrase, replace(settings, fork_verifier=True)) \
        if passphrase else None
    # what exists now (the libraries, the decrypted case, the folded state) lives as long as
    # the application: full collections need not walk it again (measured: 50–60 ms of the
    # start-up with a 5,000-application session, each time one fell during it)
    gc.freeze()
    identity = _identity(args)
    holder: dict[str, ReviewerApp] = {}

    def current() -> SessionHandle:
        gateway = holder["app"].gateway
        assert gateway is not None
        return gateway

    tools = SessionTools(bundle, current, identity, settings)
    app = ReviewerApp(
        session,
        opener=lambda p: open_session(bundle, p, settings),
        secretary_check=tools.secretary_check,
        importer=tools.import_sheets,
        exporter=tools.export if identity is not None else None,
        signer=tools.sign if identity is not None else None,
        verifier=tools.verify,
        idle_minutes=settings.idle_minutes,
    )
    holder["app"] = app
    try:
        app.run()
    finally:
        if app.gateway is not None:
            app.gateway.session.close()
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    if not args.bundle.is_file():
        raise FileNotFoundError(2, "not found", str(args.bundle))
    return run_app(args)


def register(sub: Any) -> None:
    from reviewer.cli.pdf_commands import add_signer

    p: Parser = sub.add_parser("open", help=t("cli.open_help"), description=t("cli.open_help"))
    add_bundle(p)
    p.add_argument("--idle-minutes", type=float, default=DEFAULT_IDLE_MINUTES, metavar="N",
                   help=t("cli.arg_idle"))
    add_signer(p)
    p.add_argument("--trust", type=Path, action="append", default=[], metavar="CERT",
                   help=t("cli.arg_trust"))
    p.set_defaults(handler=cmd_open)

"""``reviewer open``: the terminal application for the review day (wired in
``reviewer.tui.launch``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reviewer.cli.parser import Parser, add_bundle
from reviewer.i18n import t


def cmd_open(args: argparse.Namespace) -> int:
    from reviewer.tui.launch import run_app

    if not args.bundle.is_file():
        raise FileNotFoundError(2, "not found", str(args.bundle))
    return run_app(args)


def register(sub: Any) -> None:
    from reviewer.cli.pdf_commands import add_signer

    p: Parser = sub.add_parser("open", help=t("cli.open_help"), description=t("cli.open_help"))
    add_bundle(p)
    p.add_argument("--idle-minutes", type=float, default=10.0, metavar="N",
                   help=t("cli.arg_idle"))
    add_signer(p)
    p.add_argument("--trust", type=Path, action="append", default=[], metavar="CERT",
                   help=t("cli.arg_trust"))
    p.set_defaults(handler=cmd_open)

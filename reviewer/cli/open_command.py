"""``reviewer open``: the terminal application for the review day."""

from __future__ import annotations

import argparse
from typing import Any

from reviewer.cli.parser import Parser, add_bundle
from reviewer.i18n import t


def cmd_open(args: argparse.Namespace) -> int:
    from reviewer.tui.launch import run_app

    return run_app(args)


def register(sub: Any) -> None:
    p: Parser = sub.add_parser("open", help=t("cli.open_help"), description=t("cli.open_help"))
    add_bundle(p)
    p.add_argument("--idle-minutes", type=float, default=10.0, metavar="N",
                   help=t("cli.arg_idle"))
    p.set_defaults(handler=cmd_open)

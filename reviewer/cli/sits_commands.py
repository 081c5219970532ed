"""Dissent and refusal to sign, as given on paper and recorded by the secretary (issue 13).

``reviewer dissent EXPERT --round R --text ...`` (or ``--text-file``) records a member's
written dissent on a closed round's result; ``reviewer refuse-sign EXPERT --reason ...`` a
member's refusal to sign the signature page. Both go into the keyed audit chain and onto the
results PDF's signature page; the core refuses a non-member, an open round, an empty text.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reviewer.cli.parser import Parser, add_bundle
from reviewer.cli.review_commands import open_session, say
from reviewer.domain.errors import DomainError
from reviewer.i18n import t


def _text(args: argparse.Namespace) -> str:
    """The dissent as typed (``--text``) or from a UTF-8 file (``--text-file``), not both."""
    if (args.text is None) == (args.text_file is None):
        raise DomainError("cli.dissent_one_text")
    if args.text is not None:
        return str(args.text)
    path: Path = args.text_file
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError):
        raise DomainError("cli.dissent_file_unreadable", path=str(path)) from None


def cmd_dissent(args: argparse.Namespace) -> int:
    from reviewer.services import secretary as sec  # imported by the command that runs

    text = _text(args)  # before the passphrase: a missing file is said first
    sec.execute(open_session(args), sec.RecordDissent(args.expert, args.round, text))
    say(t("cli.dissent_done", expert=args.expert, round=args.round))
    return 0


def cmd_refuse_sign(args: argparse.Namespace) -> int:
    from reviewer.services import secretary as sec

    sec.execute(open_session(args), sec.RefuseSign(args.expert, args.reason))
    say(t("cli.refuse_sign_done", expert=args.expert))
    return 0


def register(sub: Any) -> None:
    p: Parser = sub.add_parser("dissent", help=t("cli.dissent_help"),
                               description=t("cli.dissent_description"))
    add_bundle(p)
    p.add_argument("expert", metavar="EXPERT", help=t("cli.arg_expert"))
    p.add_argument("--round", required=True, metavar="ROUND", help=t("cli.arg_dissent_round"))
    p.add_argument("--text", metavar="TEXT", help=t("cli.arg_dissent_text"))
    p.add_argument("--text-file", type=Path, metavar="FILE", help=t("cli.arg_dissent_text_file"))
    p.set_defaults(handler=cmd_dissent)

    p = sub.add_parser("refuse-sign", help=t("cli.refuse_sign_help"),
                       description=t("cli.refuse_sign_description"))
    add_bundle(p)
    p.add_argument("expert", metavar="EXPERT", help=t("cli.arg_expert"))
    p.add_argument("--reason", required=True, metavar="TEXT", help=t("cli.arg_refuse_reason"))
    p.set_defaults(handler=cmd_refuse_sign)

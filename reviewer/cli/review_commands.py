"""Commands that run a session from a script: acknowledgements on paper, recusals, paper
score sheets, rounds, ties, disqualification, results and the audit check.

The services (and through them the session, SQLAlchemy and the domain core) are imported by
the command that runs, not by this module: ``reviewer --help`` and a usage error need none of
them, and their import is most of a command's start-up.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.cli.parser import Parser, add_bundle, reason
from reviewer.cli.passphrase import read_secret
from reviewer.domain.errors import DomainError
from reviewer.i18n import t

if TYPE_CHECKING:
    from reviewer.services import SessionHandle
    from reviewer.services import secretary as sec


_OPENED: list[SessionHandle] = []


def open_session(args: argparse.Namespace) -> SessionHandle:
    """The CLI's only input for a session: the bundle, its passphrase, the settings. A
    command is one process with one thread: a long history is checked on two cores."""
    from dataclasses import replace

    from reviewer.services.opening import open_handle
    from reviewer.settings import Settings

    passphrase = read_secret(args.passphrase_file, "REVIEWER_PASSPHRASE",
                             t("cli.prompt_passphrase"))
    settings = replace(Settings.from_options(args), fork_verifier=True)
    return opened(open_handle(args.bundle, passphrase, settings))


def opened(handle: SessionHandle) -> SessionHandle:
    """``handle``, to be closed when the command ends (``close_opened``)."""
    _OPENED.append(handle)
    return handle


def close_opened() -> None:
    """Close the sessions the command opened. Its database connections end here rather than
    whenever the interpreter gets to them: on SQLite the last one to close folds the WAL back
    into the database file, so that the file alone (a copy, a backup) is the whole session."""
    while _OPENED:
        handle = _OPENED.pop()
        try:
            handle.close()
        except Exception:  # noqa: BLE001 - the command's outcome stands; the process ends
            pass


def say(text: str) -> None:
    print(text)


def _act(args: argparse.Namespace, command: sec.SecretaryCommand, done: str,
         **params: str) -> int:
    """Open the session, let the core decide and record, report success in one line."""
    from reviewer.services import secretary as sec

    sec.execute(open_session(args), command)
    say(t(done, **params))
    return 0


def cmd_ack(args: argparse.Namespace) -> int:
    from reviewer.services import secretary as sec

    if not args.paper:
        raise DomainError("cli.ack_paper_only")
    return _act(args, sec.AcknowledgeOnPaper(args.expert), "cli.ack_done", expert=args.expert)


def cmd_recuse(args: argparse.Namespace) -> int:
    from reviewer.services import secretary as sec

    return _act(args, sec.Recuse(args.expert, args.application, args.kind, args.reason),
                "cli.recuse_done", expert=args.expert, application=args.application)


def cmd_lift(args: argparse.Namespace) -> int:
    from reviewer.services import secretary as sec

    return _act(args, sec.LiftConflict(args.expert, args.application, args.reason),
                "cli.lift_done", expert=args.expert, application=args.application)


def cmd_reopen(args: argparse.Namespace) -> int:
    from reviewer.services import secretary as sec

    return _act(args, sec.Reopen(args.expert, args.reason), "cli.reopen_done",
                expert=args.expert)


def cmd_unlock_pin(args: argparse.Namespace) -> int:
    from reviewer.services import secretary as sec

    return _act(args, sec.UnlockPin(args.expert, args.reason), "cli.unlock_pin_done",
                expert=args.expert)


def cmd_scores_import(args: argparse.Namespace) -> int:
    from reviewer.domain.review import ImportRejected
    from reviewer.services.sheets import ImportSheet, import_sheet

    handle = open_session(args)
    try:
        outcome = import_sheet(handle, ImportSheet(args.file, args.replace, args.reason or ""))
    except ImportRejected as rejected:
        print(rejected.render(), file=sys.stderr)
        for problem in rejected.problems:
            where = t("cli.row", row=problem.row) if problem.row else t("cli.file_level")
            print(f"  {args.file.name} {where}: {t(problem.code, **problem.params)}",
                  file=sys.stderr)
        return 41
    say(t("cli.import_done", sheets=outcome.sheets, rows=outcome.rows))
    return 0


def cmd_advance(args: argparse.Namespace) -> int:
    from reviewer.services import secretary as sec

    handle = open_session(args)
    seen = handle.read(lambda r: r.round)  # refused if another terminal closes it first
    done = sec.advance(handle, sec.Advance(args.force, args.reason or "", expected=seen))
    say(t("cli.advance_done", from_round=t(f"round.{done.from_round}"),
          to_round=t(f"round.{done.to_round}")))
    for group, ids in done.nominees.items():
        say(f"  {group}: {', '.join(ids)}")
    return 0


def cmd_ties_resolve(args: argparse.Namespace) -> int:
    from reviewer.services import secretary as sec

    command = sec.ResolveTie.parse(args.order, args.reason)
    return _act(args, command, "cli.tie_done", order=", ".join(command.order))


def cmd_disqualify(args: argparse.Namespace) -> int:
    from reviewer.services import secretary as sec

    return _act(args, sec.Disqualify(args.application, args.reason),
                "cli.disqualify_done", application=args.application)


def cmd_amount(args: argparse.Namespace) -> int:
    """The committee's proposed amount for a funded project (补助资金 第十六条), within its band."""
    from reviewer.services import secretary as sec

    return _act(args, sec.ProposeAmount(args.application, args.amount, args.reason),
                "cli.amount_done", application=args.application, amount=args.amount)


def cmd_results(args: argparse.Namespace) -> int:
    from reviewer.services import secretary as sec

    handle = open_session(args)
    data = sec.shown_results(handle, unmask=args.unmask)
    if args.unmask:
        print(t("cli.unmasked_notice"), file=sys.stderr)
    if args.json:
        from reviewer.cli.json_text import write_indented

        write_indented(data.to_json(), sys.stdout)
    else:
        from reviewer.cli.results_text import print_results

        print_results(handle.session.review, data, unmask=args.unmask)
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from reviewer.services import secretary as sec

    report = sec.verify_audit(open_session(args))
    if report.ok:
        say(t("cli.audit_ok", count=report.count, head=report.head))
        return 0
    print(t(f"cli.audit_broken_{report.problem}", seq=report.broken_seq, count=report.count),
          file=sys.stderr)
    return 31


def register(sub: Any) -> None:
    p: Parser = sub.add_parser("ack", help=t("cli.ack_help"), description=t("cli.ack_help"))
    add_bundle(p)
    p.add_argument("--expert", required=True, metavar="ID", help=t("cli.arg_expert"))
    p.add_argument("--paper", action="store_true", help=t("cli.arg_paper"))
    p.set_defaults(handler=cmd_ack)

    p = sub.add_parser("recuse", help=t("cli.recuse_help"), description=t("cli.recuse_help"))
    add_bundle(p)
    p.add_argument("--expert", required=True, metavar="ID", help=t("cli.arg_expert"))
    p.add_argument("--application", required=True, metavar="ID", help=t("cli.arg_application"))
    # required: a silent default recorded 利害关系 whatever the reason said (issue 10)
    p.add_argument("--kind", required=True, metavar="KIND", help=t("cli.arg_kind_required"))
    reason(p)
    p.set_defaults(handler=cmd_recuse)

    p = sub.add_parser("lift", help=t("cli.lift_help"), description=t("cli.lift_help"))
    add_bundle(p)
    p.add_argument("--expert", required=True, metavar="ID", help=t("cli.arg_expert"))
    p.add_argument("--application", required=True, metavar="ID", help=t("cli.arg_application"))
    reason(p)
    p.set_defaults(handler=cmd_lift)

    p = sub.add_parser("reopen", help=t("cli.reopen_help"), description=t("cli.reopen_help"))
    add_bundle(p)
    p.add_argument("--expert", required=True, metavar="ID", help=t("cli.arg_expert"))
    reason(p)
    p.set_defaults(handler=cmd_reopen)

    p = sub.add_parser("unlock-pin", help=t("cli.unlock_pin_help"),
                       description=t("cli.unlock_pin_help"))
    add_bundle(p)
    p.add_argument("--expert", required=True, metavar="ID", help=t("cli.arg_expert"))
    reason(p)
    p.set_defaults(handler=cmd_unlock_pin)

    scores = sub.add_parser("scores", help=t("cli.scores_help"), description=t("cli.scores_help"))
    scores_sub = scores.add_subparsers(dest="scores_command", required=True, metavar="import",
                                       parser_class=Parser)
    p = scores_sub.add_parser("import", help=t("cli.import_help"), description=t("cli.import_help"))
    add_bundle(p)
    p.add_argument("file", type=Path, metavar="FILE", help=t("cli.arg_sheet_file"))
    p.add_argument("--replace", action="store_true", help=t("cli.arg_replace"))
    reason(p, required=False)
    p.set_defaults(handler=cmd_scores_import)

    p = sub.add_parser("advance", help=t("cli.advance_help"), description=t("cli.advance_help"))
    add_bundle(p)
    p.add_argument("--force", action="store_true", help=t("cli.arg_force"))
    reason(p, required=False)
    p.set_defaults(handler=cmd_advance)

    ties = sub.add_parser("ties", help=t("cli.ties_help"), description=t("cli.ties_help"))
    ties_sub = ties.add_subparsers(dest="ties_command", required=True, metavar="resolve",
                                   parser_class=Parser)
    p = ties_sub.add_parser("resolve", help=t("cli.resolve_help"), description=t("cli.resolve_help"))
    add_bundle(p)
    p.add_argument("--order", required=True, metavar="ID,ID[,ID...]", help=t("cli.arg_order"))
    reason(p)
    p.set_defaults(handler=cmd_ties_resolve)

    p = sub.add_parser("disqualify", help=t("cli.disqualify_help"),
                       description=t("cli.disqualify_help"))
    add_bundle(p)
    p.add_argument("--application", required=True, metavar="ID", help=t("cli.arg_application"))
    reason(p)
    p.set_defaults(handler=cmd_disqualify)

    p = sub.add_parser("amount", help=t("cli.amount_help"), description=t("cli.amount_help"))
    add_bundle(p)
    p.add_argument("--application", required=True, metavar="ID", help=t("cli.arg_application"))
    p.add_argument("--amount", required=True, type=int, metavar="YUAN", help=t("cli.arg_amount"))
    reason(p)
    p.set_defaults(handler=cmd_amount)

    p = sub.add_parser("results", help=t("cli.results_help"), description=t("cli.results_help"))
    add_bundle(p)
    p.add_argument("--json", action="store_true", help=t("cli.arg_json"))
    p.add_argument("--unmask", action="store_true", help=t("cli.arg_unmask"))
    p.set_defaults(handler=cmd_results)

    audit = sub.add_parser("audit", help=t("cli.audit_help"), description=t("cli.audit_help"))
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="verify",
                                     parser_class=Parser)
    p = audit_sub.add_parser("verify", help=t("cli.audit_verify_help"),
                             description=t("cli.audit_verify_help"))
    add_bundle(p)
    p.set_defaults(handler=cmd_audit_verify)

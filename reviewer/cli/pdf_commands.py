"""Keys, the signed results PDF, countersignatures, verification and paper score sheets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reviewer.cli.parser import Parser, add_bundle
from reviewer.cli.passphrase import read_secret
from reviewer.domain.errors import DomainError
from reviewer.i18n import t


def _key_passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    return read_secret(getattr(args, "key_passphrase_file", None), "REVIEWER_KEY_PASSPHRASE",
                       t("cli.prompt_key_passphrase"), confirm=confirm,
                       confirm_prompt=t("cli.prompt_repeat_passphrase"))


def load_identity(args: argparse.Namespace) -> Any:
    from reviewer.pdf.keys import load_pkcs12, load_signer

    passphrase = _key_passphrase(args)
    if args.p12:
        return load_pkcs12(args.p12, passphrase)
    if not args.key or not args.cert:
        raise DomainError("cli.signer_missing")
    return load_signer(args.key, args.cert, passphrase)


def add_signer(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--key", type=Path, metavar="KEY.pem", help=t("cli.arg_key"))
    parser.add_argument("--cert", type=Path, metavar="CERT.pem", help=t("cli.arg_cert"))
    parser.add_argument("--p12", type=Path, metavar="FILE.p12", help=t("cli.arg_p12"))
    parser.add_argument("--key-passphrase-file", type=Path, metavar="FILE",
                        help=t("cli.arg_key_passphrase_file"))
    parser.add_argument("--reason", default=None, metavar="TEXT", help=t("cli.arg_sign_reason"))
    parser.add_argument("--location", default="云南省昆明市", metavar="TEXT",
                        help=t("cli.arg_location"))


def cmd_keygen(args: argparse.Namespace) -> int:
    from reviewer.pdf.keys import generate_identity, load_ca

    passphrase = _key_passphrase(args, confirm=True)
    ca = None
    if args.ca:
        ca_passphrase = read_secret(args.ca_passphrase_file, "REVIEWER_CA_PASSPHRASE",
                                    t("cli.prompt_ca_passphrase"))
        ca = load_ca(Path(f"{args.ca}.key.pem"), Path(f"{args.ca}.cert.pem"), ca_passphrase)
    fingerprint = generate_identity(args.name, args.role, args.org, passphrase, args.output, ca=ca)
    print(t("cli.keygen_done", prefix=str(args.output), fingerprint=fingerprint))
    return 0


def cmd_ca_init(args: argparse.Namespace) -> int:
    from reviewer.pdf.keys import init_ca

    passphrase = read_secret(args.ca_passphrase_file, "REVIEWER_CA_PASSPHRASE",
                             t("cli.prompt_ca_passphrase"), confirm=True,
                             confirm_prompt=t("cli.prompt_repeat_passphrase"))
    fingerprint = init_ca(args.name, args.org, passphrase, args.output)
    print(t("cli.ca_done", prefix=str(args.output), fingerprint=fingerprint))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from reviewer.cli.review_commands import open_session
    from reviewer.domain.results import export_blockers
    from reviewer.pdf.export import ExportRefused, export_signed_results

    session = open_session(args)
    blockers = export_blockers(session.review)
    if blockers:  # say so before asking for the key passphrase
        raise ExportRefused("cli.export_refused",
                            reasons="\n  ".join(b.render() for b in blockers))
    identity = load_identity(args)

    on_terminal = sys.stderr.isatty()  # a log file gets no carriage-return progress line

    def progress(fraction: float, message: str) -> None:
        sys.stderr.write(f"\r{t('cli.rendering')} {int(fraction * 100):3d}% {message[:40]:<40}")
        sys.stderr.flush()

    info = export_signed_results(session, args.output, identity, font_path=args.font,
                                 reason=args.reason, location=args.location,
                                 progress=progress if on_terminal else None)
    if on_terminal:
        sys.stderr.write("\n")
    for warning in info.warnings:
        print(warning, file=sys.stderr)
    print(t("cli.export_done", path=str(args.output), pages=info.pages,
            size=info.size_bytes // 1024, seconds=f"{info.seconds:.1f}",
            signer=info.signer, fingerprint=info.fingerprint, sha=info.sha256))
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    from reviewer.pdf.signing import sign_pdf

    identity = load_identity(args)
    result = sign_pdf(args.pdf, args.output or args.pdf, identity,
                      reason=args.reason or t("cli.sign_reason_countersign"),
                      location=args.location)
    print(t("cli.sign_done", path=str(result.path), field=result.field_name,
            signer=result.signer, fingerprint=result.fingerprint))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from reviewer.pdf.signing import verify_pdf

    case_facts = None
    if args.case:
        from reviewer.session import Session

        passphrase = read_secret(args.passphrase_file, "REVIEWER_PASSPHRASE",
                                 t("cli.prompt_passphrase"))
        session = Session.open(args.case, passphrase, args.db)
        audit = session.verify_audit()
        if not audit.ok:
            print(t(f"cli.audit_broken_{audit.problem}", seq=audit.broken_seq, count=audit.count),
                  file=sys.stderr)
            return 31
        case_facts = (session.bundle_sha256, session.review.state.results_head)
    report = verify_pdf(args.pdf, args.trust, case_facts=case_facts)
    print(report.to_json() if args.json else report.describe())
    return int(report.exit_code)


def cmd_sheets(args: argparse.Namespace) -> int:
    from reviewer.cli.review_commands import open_session
    from reviewer.pdf.assemble import score_sheets
    from reviewer.pdf.sheets import render_score_sheets

    session = open_session(args)
    if args.expert and session.case.expert(args.expert) is None:
        raise DomainError("review.unknown_expert", expert=args.expert)
    sheets = score_sheets(session.review, args.expert)
    if not sheets:
        raise DomainError("cli.no_sheets")
    info = render_score_sheets(sheets, args.output, font_path=args.font)
    print(t("cli.sheets_done", path=str(args.output), sheets=len(sheets), pages=info.pages))
    return 0


def register(sub: Any) -> None:
    p: Parser = sub.add_parser("keygen", help=t("cli.keygen_help"), description=t("cli.keygen_help"))
    p.add_argument("--name", required=True, help=t("cli.arg_signer_name"))
    p.add_argument("--role", required=True, help=t("cli.arg_role"))
    p.add_argument("--org", default="云南省总工会", help=t("cli.arg_org"))
    p.add_argument("-o", "--output", required=True, metavar="PREFIX", help=t("cli.arg_prefix"))
    p.add_argument("--ca", metavar="CA_PREFIX", help=t("cli.arg_ca"))
    p.add_argument("--ca-passphrase-file", type=Path, metavar="FILE", help=t("cli.arg_ca_pass"))
    p.add_argument("--key-passphrase-file", type=Path, metavar="FILE",
                   help=t("cli.arg_key_passphrase_file"))
    p.set_defaults(handler=cmd_keygen)

    ca = sub.add_parser("ca", help=t("cli.ca_help"), description=t("cli.ca_help"))
    ca_sub = ca.add_subparsers(dest="ca_command", required=True, metavar="init", parser_class=Parser)
    p = ca_sub.add_parser("init", help=t("cli.ca_init_help"), description=t("cli.ca_init_help"))
    p.add_argument("--name", required=True, help=t("cli.arg_ca_name"))
    p.add_argument("--org", default="云南省总工会", help=t("cli.arg_org"))
    p.add_argument("-o", "--output", required=True, metavar="PREFIX", help=t("cli.arg_prefix"))
    p.add_argument("--ca-passphrase-file", type=Path, metavar="FILE", help=t("cli.arg_ca_pass"))
    p.set_defaults(handler=cmd_ca_init)

    p = sub.add_parser("export", help=t("cli.export_help"), description=t("cli.export_help"))
    add_bundle(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="results.pdf",
                   help=t("cli.arg_output_pdf"))
    add_signer(p)
    p.add_argument("--font", metavar="FONT.ttf", help=t("cli.arg_font"))
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("sign", help=t("cli.sign_help"), description=t("cli.sign_help"))
    p.add_argument("pdf", type=Path, metavar="results.pdf", help=t("cli.arg_pdf"))
    p.add_argument("-o", "--output", type=Path, metavar="OUT.pdf", help=t("cli.arg_sign_output"))
    add_signer(p)
    p.set_defaults(handler=cmd_sign)

    p = sub.add_parser("verify", help=t("cli.verify_help"), description=t("cli.verify_help"))
    p.add_argument("pdf", type=Path, metavar="results.pdf", help=t("cli.arg_pdf"))
    p.add_argument("--trust", type=Path, action="append", default=[], metavar="CERT",
                   help=t("cli.arg_trust"))
    p.add_argument("--case", type=Path, metavar="CASE.rvb", help=t("cli.arg_verify_case"))
    p.add_argument("--passphrase-file", type=Path, metavar="FILE",
                   help=t("cli.arg_passphrase_file"))
    p.add_argument("--db", metavar="URL", help=t("cli.arg_db"))
    p.add_argument("--json", action="store_true", help=t("cli.arg_json"))
    p.set_defaults(handler=cmd_verify)

    p = sub.add_parser("sheets", help=t("cli.sheets_help"), description=t("cli.sheets_help"))
    add_bundle(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="sheets.pdf",
                   help=t("cli.arg_output_pdf"))
    p.add_argument("--expert", metavar="ID", help=t("cli.arg_expert"))
    p.add_argument("--font", metavar="FONT.ttf", help=t("cli.arg_font"))
    p.set_defaults(handler=cmd_sheets)

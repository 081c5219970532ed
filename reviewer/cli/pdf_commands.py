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
from reviewer.settings import DEFAULT_LOCATION, DEFAULT_ORGANISATION, Settings


def _key_passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    return read_secret(getattr(args, "key_passphrase_file", None), "REVIEWER_KEY_PASSPHRASE",
                       t("cli.prompt_key_passphrase"), confirm=confirm,
                       confirm_prompt=t("cli.prompt_repeat_passphrase"))


def load_identity(args: argparse.Namespace) -> Any:
    """The signing identity from the options; its passphrase is asked only when needed."""
    from reviewer.services.documents import load_identity as load

    settings = Settings.from_options(args)
    if not settings.can_sign:
        raise DomainError("cli.signer_missing")
    return load(settings, _key_passphrase(args))


def add_signer(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--key", type=Path, metavar="KEY.pem", help=t("cli.arg_key"))
    parser.add_argument("--cert", type=Path, metavar="CERT.pem", help=t("cli.arg_cert"))
    parser.add_argument("--p12", type=Path, metavar="FILE.p12", help=t("cli.arg_p12"))
    parser.add_argument("--key-passphrase-file", type=Path, metavar="FILE",
                        help=t("cli.arg_key_passphrase_file"))
    parser.add_argument("--reason", default=None, metavar="TEXT", help=t("cli.arg_sign_reason"))
    parser.add_argument("--location", default=DEFAULT_LOCATION, metavar="TEXT",
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
    from reviewer.services.documents import ExportResults, export_results, refuse_unless_exportable

    handle = open_session(args)
    refuse_unless_exportable(handle)  # say so before asking for the key passphrase
    identity = load_identity(args)

    on_terminal = sys.stderr.isatty()  # a log file gets no carriage-return progress line

    def progress(fraction: float, message: str) -> None:
        sys.stderr.write(f"\r{t('cli.rendering')} {int(fraction * 100):3d}% {message[:40]:<40}")
        sys.stderr.flush()

    info = export_results(handle, ExportResults(args.output, identity, args.reason,
                                                unmask=args.unmask),
                          Settings.from_options(args),
                          progress=progress if on_terminal else None)
    if on_terminal:
        sys.stderr.write("\n")
    for warning in info.warnings:
        print(warning, file=sys.stderr)
    if args.unmask:
        print(t("cli.unmasked_notice"), file=sys.stderr)
    print(t("cli.export_done", path=str(args.output), pages=info.pages,
            size=info.size_bytes // 1024, seconds=f"{info.seconds:.1f}",
            signer=info.signer, fingerprint=info.fingerprint, sha=info.sha256))
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    from reviewer.services.documents import Countersign, countersign

    identity = load_identity(args)
    result = countersign(Countersign(args.pdf, identity, args.output, args.reason),
                         Settings.from_options(args))
    print(t("cli.sign_done", path=str(result.path), field=result.field_name,
            signer=result.signer, fingerprint=result.fingerprint))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from reviewer.services.documents import VerifyPdf, verify_pdf

    case = None
    if args.case:
        from reviewer.cli.review_commands import opened
        from reviewer.services.opening import open_handle

        passphrase = read_secret(args.passphrase_file, "REVIEWER_PASSPHRASE",
                                 t("cli.prompt_passphrase"))
        case = opened(open_handle(args.case, passphrase, Settings.from_options(args)))
    report = verify_pdf(VerifyPdf(args.pdf, tuple(args.trust)), case)
    print(report.to_json() if args.json else report.describe())
    return int(report.exit_code)


def cmd_sheets(args: argparse.Namespace) -> int:
    from reviewer.cli.review_commands import open_session
    from reviewer.services.sheets import PrintFilled, PrintSheets, print_filled_sheets, print_sheets

    if args.filled:  # submitted sheets filled in, for signature (issue 13)
        filled = print_filled_sheets(open_session(args),
                                     PrintFilled(args.output, args.expert, args.round),
                                     Settings.from_options(args))
        print(t("cli.filled_done", sheets=filled.sheets, pages=filled.pages,
                paths=", ".join(str(p) for p in filled.paths)))
        return 0
    if args.round is not None:
        raise DomainError("cli.round_needs_filled")

    printed = print_sheets(open_session(args), PrintSheets(args.output, args.expert),
                           Settings.from_options(args))
    print(t("cli.sheets_done", path=str(args.output), sheets=printed.sheets,
            pages=printed.pages))
    return 0


def register(sub: Any) -> None:
    p: Parser = sub.add_parser("keygen", help=t("cli.keygen_help"), description=t("cli.keygen_help"))
    p.add_argument("--name", required=True, help=t("cli.arg_signer_name"))
    p.add_argument("--role", required=True, help=t("cli.arg_role"))
    p.add_argument("--org", default=DEFAULT_ORGANISATION, help=t("cli.arg_org"))
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
    p.add_argument("--org", default=DEFAULT_ORGANISATION, help=t("cli.arg_org"))
    p.add_argument("-o", "--output", required=True, metavar="PREFIX", help=t("cli.arg_prefix"))
    p.add_argument("--ca-passphrase-file", type=Path, metavar="FILE", help=t("cli.arg_ca_pass"))
    p.set_defaults(handler=cmd_ca_init)

    p = sub.add_parser("export", help=t("cli.export_help"), description=t("cli.export_help"))
    add_bundle(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="results.pdf",
                   help=t("cli.arg_output_pdf"))
    add_signer(p)
    p.add_argument("--font", metavar="FONT.ttf", help=t("cli.arg_font"))
    p.add_argument("--unmask", action="store_true", help=t("cli.arg_unmask"))
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
    p.add_argument("-o", "--output", type=Path, required=True, metavar="sheets.pdf|DIR",
                   help=t("cli.arg_output_dir_or_pdf"))
    p.add_argument("--expert", metavar="ID", help=t("cli.arg_expert"))
    p.add_argument("--filled", action="store_true", help=t("cli.arg_filled"))
    p.add_argument("--round", metavar="ROUND", help=t("cli.arg_sheet_round"))
    p.add_argument("--font", metavar="FONT.ttf", help=t("cli.arg_font"))
    p.set_defaults(handler=cmd_sheets)

"""``reviewer seal`` turns a secretary's case folder into an encrypted bundle; ``reviewer
inspect`` shows its header, or with the passphrase authenticates it and summarises it."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from reviewer.cli.parser import Parser
from reviewer.cli.passphrase import read_secret
from reviewer.domain.masking import mask_text
from reviewer.i18n import t


class Progress:
    """A single self-overwriting line on stderr, only for work that takes a while."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.started < 0.5 and done < total:
            return
        percent = 100 * done // max(total, 1)
        sys.stderr.write(f"\r{self.label} {percent:3d}% ({done // 1024} / {total // 1024} KiB)")
        sys.stderr.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


def cmd_seal(args: argparse.Namespace) -> int:
    from reviewer.services.case import read_case, seal_case

    case, panel = read_case(args.case_dir)
    passphrase = read_secret(args.passphrase_file, "REVIEWER_PASSPHRASE",
                             t("cli.prompt_new_passphrase"), confirm=True,
                             confirm_prompt=t("cli.prompt_repeat_passphrase"))
    if len(passphrase) < 12:
        print(t("cli.weak_passphrase"), file=sys.stderr)
    progress = Progress(t("cli.sealing"))
    sealed = seal_case(case, panel, args.output, passphrase, progress=progress)
    progress.finish()
    print(t("cli.sealed", path=str(args.output), apps=sealed.applications,
            experts=sealed.experts, sha=sealed.sha256, seconds=f"{sealed.seconds:.1f}"))
    return 0


def _summary(unlocked: Any, show_content: bool) -> None:
    case, panel = unlocked.case, unlocked.panel
    print(t("cli.inspect_summary", measure=panel.name, title=case.title, year=case.year,
            apps=len(case.applications), experts=len(case.experts),
            conflicts=len(case.conflicts), sha=unlocked.sha256))
    per_group = Counter(a.group for a in case.applications)
    members = Counter(g for e in case.experts for g in e.groups)
    for group in case.groups:
        print(t("cli.inspect_group", group=group.name, id=group.id, kind=t(f"kind.{group.kind}"),
                apps=per_group.get(group.id, 0), experts=members.get(group.id, 0)))
    if show_content:
        for app in case.applications:
            # ID and phone numbers masked as in every output (no session here to audit an
            # unmask: the full numbers are in the case folder the secretary sealed)
            print(mask_text(f"  {app.id}  {app.name}  {app.unit}  [{app.group}/{app.track}] "
                            f"{';'.join(app.flags)}"))


def cmd_inspect(args: argparse.Namespace) -> int:
    from reviewer.services.case import open_contents, read_header

    fields = read_header(args.bundle)
    print(t("cli.inspect_header"))
    for key, value in sorted(fields.items()):
        if isinstance(value, dict):
            value = json.dumps(value, sort_keys=True)
        print(f"  {key}: {value}")
    wants_unlock = args.unlock or args.passphrase_file or args.show_content
    import os

    if wants_unlock or os.environ.get("REVIEWER_PASSPHRASE"):
        passphrase = read_secret(args.passphrase_file, "REVIEWER_PASSPHRASE",
                                 t("cli.prompt_passphrase"))
        _summary(open_contents(args.bundle, passphrase), args.show_content)
    else:
        print(t("cli.inspect_locked_hint"))
    return 0


def register(sub: Any) -> None:
    p: Parser = sub.add_parser("seal", help=t("cli.seal_help"), description=t("cli.seal_help"))
    p.add_argument("case_dir", type=Path, metavar="CASE_DIR", help=t("cli.arg_case_dir"))
    p.add_argument("-o", "--output", type=Path, required=True, metavar="CASE.rvb",
                   help=t("cli.arg_output_bundle"))
    p.add_argument("--passphrase-file", type=Path, metavar="FILE",
                   help=t("cli.arg_passphrase_file"))
    p.set_defaults(handler=cmd_seal)

    p = sub.add_parser("inspect", help=t("cli.inspect_help"), description=t("cli.inspect_help"))
    p.add_argument("bundle", type=Path, metavar="CASE.rvb", help=t("cli.arg_bundle"))
    p.add_argument("--passphrase-file", type=Path, metavar="FILE",
                   help=t("cli.arg_passphrase_file"))
    p.add_argument("--unlock", action="store_true", help=t("cli.arg_unlock"))
    p.add_argument("--show-content", action="store_true", help=t("cli.arg_show_content"))
    p.set_defaults(handler=cmd_inspect)

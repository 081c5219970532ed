"""``reviewer draw POOL --case DIR``: the committee drawn from the expert pool (第十二条), and
``--check``: the recorded draw re-run (exit 0 same committee, 1 differs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reviewer.cli.parser import Parser
from reviewer.domain.errors import DomainError
from reviewer.i18n import t
from reviewer.settings import Settings


class UsageRefused(DomainError):
    exit_code = 2


def _declines(values: list[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for value in values:
        pool_id, sep, reason = value.partition(":")
        if not sep:
            pool_id, sep, reason = value.partition("：")
        if not sep or not pool_id.strip() or not reason.strip():
            raise UsageRefused("draw.decline_format", value=value)
        out.append((pool_id.strip(), reason.strip()))
    return tuple(out)


def _seed(args: argparse.Namespace, recorded: bool) -> str | None:
    """The seed from ``--seed``, else typed in at the draw (a re-run with declines reuses the
    recorded one). Without a terminal there is nobody to ask: a usage error."""
    if args.seed is not None:
        return str(args.seed)
    if recorded:
        return None
    if not sys.stdin.isatty():
        raise UsageRefused("draw.seed_required")
    seed = input(t("draw.prompt_seed")).strip()
    if not seed:
        raise UsageRefused("draw.seed_required")
    return seed


def cmd_draw(args: argparse.Namespace) -> int:
    from reviewer.services.draw import DrawCommand, check_draw, run_draw

    if args.check:
        signs = bool(args.key or args.p12)
        from reviewer.cli.pdf_commands import load_identity

        settings = Settings.from_options(args)
        checked = check_draw(args.pool, args.case, load_identity(args) if signs else None,
                             settings.location, settings.font)
        if checked.same:
            print(t("draw.check_same", sha=checked.record_sha256))
            return 0
        print(t("draw.check_differs"), file=sys.stderr)
        for line in checked.differences:
            print("  " + line, file=sys.stderr)
        return 1
    declines = _declines(args.decline)
    seed = _seed(args, recorded=bool(declines) and (args.case / "draw.json").is_file())
    from reviewer.cli.pdf_commands import load_identity

    identity = load_identity(args)
    settings = Settings.from_options(args)
    outcome = run_draw(DrawCommand(args.pool, args.case, seed, identity, args.avoid, declines,
                                   settings.location, settings.font))
    result = outcome.result
    print(t("draw.done_head", seed=result.seed, pool=outcome.pool_sha256))
    for group in result.groups:
        print(t("draw.done_group", group=group.group,
                members="、".join(f"{p} {outcome.names.get(p, '')}" for p in group.members),
                reserves="、".join(f"{p} {outcome.names.get(p, '')}" for p in group.reserves)
                or "—"))
        for decline in group.declines:
            print(t("draw.done_decline", id=decline.pool_id, reason=decline.reason,
                    by=decline.replaced_by or "—"))
    print(t("draw.done_excluded", count=len(result.excluded)))
    print(t("draw.done_files", experts=str(outcome.experts_path), record=str(outcome.record_path),
            pdf=str(outcome.pdf_path), sha=outcome.record_sha256, pages=outcome.pages))
    if outcome.new_pins:
        print(t("draw.done_pins", count=outcome.new_pins, experts=str(outcome.experts_path)))
    return 0


def register(sub: Any) -> None:
    from reviewer.cli.pdf_commands import add_signer

    p: Parser = sub.add_parser("draw", help=t("draw.help"), description=t("draw.description"))
    p.add_argument("pool", type=Path, metavar="POOL.xlsx", help=t("draw.arg_pool"))
    p.add_argument("--case", type=Path, required=True, metavar="CASE_DIR",
                   help=t("draw.arg_case"))
    p.add_argument("--seed", metavar="SEED", help=t("draw.arg_seed"))
    p.add_argument("--avoid", type=Path, metavar="FILE", help=t("draw.arg_avoid"))
    p.add_argument("--decline", action="append", default=[], metavar="ID:REASON",
                   help=t("draw.arg_decline"))
    p.add_argument("--check", action="store_true", help=t("draw.arg_check"))
    add_signer(p)
    p.add_argument("--font", metavar="FONT.ttf", help=t("cli.arg_font"))
    p.set_defaults(handler=cmd_draw)

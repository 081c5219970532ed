"""The ``reviewer`` console command: one entry point, a subcommand per job, ``--help`` on each.

Every refusal reaches the user as one line in their language with a distinct exit code,
never a traceback:
  0 ok · 1 refused by a rule · 2 usage / missing input · 10–14 bundle (not a bundle, future
  version, wrong passphrase, tampered, truncated) · 20–24 signature verification ·
  30 database · 31 audit chain broken · 40 case folder invalid · 41 paper sheets rejected.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from reviewer import __version__
from reviewer.cli import case_commands, review_commands, sits_commands
from reviewer.cli.parser import Parser
from reviewer.domain.errors import DomainError
from reviewer.i18n import set_locale, t

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader left

# The cyclic collector's defaults (a young collection every 700 new objects, a full one each
# time the heap has grown by a quarter) spend a one-shot command's time walking the session
# state it is building, nearly all of which survives: 1.6 s of a 7.6 s paper import of
# 800,000 cells, 0.2 s of a 1.8 s ``results``. Collecting after every 50,000 new objects
# instead takes 0.7 s and 0.04 s of them. Two commands keep the defaults: the export, whose
# time is ReportLab's and whose peak (ReportLab's flowables are cyclic) grew by 5 % with
# them, and the terminal application, which runs all day (``open_command``).
BATCH_GC_THRESHOLDS = (50_000, 10, 10)
DEFAULT_GC_COMMANDS = frozenset({"open", "export"})


def _early_lang(argv: Sequence[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="reviewer", description=t("cli.description"))
    parser.add_argument("--lang", choices=("zh", "en"), help=t("cli.arg_lang"))
    parser.add_argument("--version", action="version", version=f"reviewer {__version__}",
                        help=t("cli.arg_version"))
    sub = parser.add_subparsers(dest="command", required=True, metavar=t("cli.command"),
                                parser_class=Parser)
    case_commands.register(sub)
    review_commands.register(sub)
    sits_commands.register(sub)
    _register_optional(sub)
    return parser


def _register_optional(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Layers that pull in heavy libraries register lazily-importing commands."""
    from reviewer.cli.draw_command import register as register_draw
    from reviewer.cli.open_command import register as register_open
    from reviewer.cli.pdf_commands import register as register_pdf

    register_open(sub)
    register_pdf(sub)
    register_draw(sub)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    lang = _early_lang(args_list)
    if lang in ("zh", "en"):
        set_locale(lang)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command not in DEFAULT_GC_COMMANDS:
        gc.set_threshold(*BATCH_GC_THRESHOLDS)
    try:
        code = int(args.handler(args))
        sys.stdout.flush()  # inside the try: a reader that went away (| head) is not an error
        return code
    except BrokenPipeError:
        # The standard recipe (Python docs, "Note on SIGPIPE"): point stdout at devnull so the
        # flush at exit cannot raise again, and leave quietly with the shell's SIGPIPE status.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except DomainError as err:
        print(t("cli.error", message=err.render()), file=sys.stderr)
        return int(getattr(err, "exit_code", 1))
    except FileNotFoundError as err:
        print(t("cli.error", message=t("cli.file_not_found", path=err.filename or str(err))),
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    finally:
        review_commands.close_opened()


def run() -> NoReturn:
    """The console script: ``main`` in a process of its own, which then ends.

    Before the interpreter's last full collection, everything still alive is frozen: that
    walk over what the command left (the libraries, the case) took 0.07 s of every command.
    Freezing skips no finalizer; ``main`` itself, which tests call in their own long-lived
    process, does not freeze.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()

"""Building the localised argument parser.

argparse's own headings ("usage:", "options") are replaced from the catalogue so that
``reviewer --help`` reads Chinese by default and English with ``--lang en``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reviewer.i18n import t


class LocalisedFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        # argparse builds a subcommand's ``prog`` by formatting the parent's usage with
        # ``prefix=""``; only a missing prefix gets ours, or every level would repeat it.
        super().add_usage(usage, actions, groups,
                          prefix=t("cli.usage_prefix") if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", LocalisedFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = t("cli.positionals")
        self._optionals.title = t("cli.options")
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help=t("cli.help_help"))

    def error(self, message: str) -> Any:  # type: ignore[override]
        self.print_usage()
        self.exit(2, t("cli.usage_error", prog=self.prog, message=message) + "\n")


Handler = Callable[[argparse.Namespace], int]


def add_bundle(parser: argparse.ArgumentParser, db: bool = True) -> None:
    parser.add_argument("bundle", type=Path, metavar="CASE.rvb", help=t("cli.arg_bundle"))
    parser.add_argument("--passphrase-file", type=Path, metavar="FILE",
                        help=t("cli.arg_passphrase_file"))
    if db:
        parser.add_argument("--db", metavar="URL", help=t("cli.arg_db"))


def reason(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--reason", required=required, metavar="TEXT", help=t("cli.arg_reason"))

"""Refusals of the bundle layer, each with the process exit code the CLI returns.

The codes 10–14 are part of the command-line interface (see ``reviewer.cli.main``): a script
can tell a file that is not a bundle from a newer format, a wrong passphrase, a damaged file
and a file cut short. Every one is raised before any decrypted byte is handed out.
"""

from __future__ import annotations

from reviewer.domain.errors import DomainError

EXIT_NOT_A_BUNDLE = 10
EXIT_FUTURE_VERSION = 11
EXIT_WRONG_PASSPHRASE = 12
EXIT_CORRUPTED = 13
EXIT_TRUNCATED = 14
EXIT_IO = 2


class BundleError(DomainError):
    exit_code = EXIT_CORRUPTED


class NotABundleError(BundleError):
    """The file does not start like a bundle at all."""

    exit_code = EXIT_NOT_A_BUNDLE


class FutureVersionError(BundleError):
    """An intact bundle written by a newer release of the program."""

    exit_code = EXIT_FUTURE_VERSION


class WrongPassphraseError(BundleError):
    """The key-check value in the (intact) header does not match the passphrase given."""

    exit_code = EXIT_WRONG_PASSPHRASE


class CorruptedBundleError(BundleError):
    """A changed byte anywhere (header, chunk, tag) or bytes appended after the last chunk."""

    exit_code = EXIT_CORRUPTED


class TruncatedBundleError(BundleError):
    """The file ends before the length its header announces."""

    exit_code = EXIT_TRUNCATED


class BundleIOError(BundleError):
    """The operating system refused to read or write the file (permissions, disk full)."""

    exit_code = EXIT_IO

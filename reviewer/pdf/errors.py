"""Refusals of the PDF layer, each with the process exit code the CLI should use.

The verify codes are part of the interface promised to the supervision group (issue 4): a
script can tell a broken signature from an untrusted signer from a later change.
"""

from __future__ import annotations

from reviewer.domain.errors import DomainError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_KEY = 2
EXIT_BROKEN = 20  # signed bytes changed / signature cannot be checked
EXIT_UNTRUSTED = 21  # signer not in the trust list
EXIT_MODIFIED = 22  # something was added after signing that is not allowed
EXIT_UNSIGNED = 23  # no signatures at all
EXIT_CASE_MISMATCH = 24  # bundle hash / chain head differ from the session given


class PdfError(DomainError):
    exit_code = EXIT_FAILURE


class FontError(PdfError):
    """A configured CJK font cannot be used (missing, not TrueType, unreadable)."""


class KeyMaterialError(PdfError):
    """Key, certificate or PKCS#12 file missing, malformed or wrong passphrase."""

    exit_code = EXIT_KEY


class SigningError(PdfError):
    """pyHanko refused to sign the file."""


class UnreadablePdfError(PdfError):
    """The file is not a PDF we can parse; for verify this counts as broken."""

    exit_code = EXIT_BROKEN

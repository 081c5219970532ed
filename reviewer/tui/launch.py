"""The tools ``reviewer open`` hands to ``ReviewerApp``: the use cases of ``reviewer.services``.

``reviewer.cli.open_command`` reads the options and secrets and builds these; the secretary's
dashboard re-checks the passphrase by unlocking the bundle again and comparing its hash.

Nothing here decides: each tool gathers what the screen typed and calls the same use case the
CLI calls, with the gateway as the session handle (so long work holds its lock only for the
snapshot and the record, never for the render or the signature).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.services import documents, sheets
from reviewer.services.opening import passphrase_matches
from reviewer.settings import Settings

if TYPE_CHECKING:
    from reviewer.pdf.export import ExportInfo
    from reviewer.pdf.signing import SignResult
    from reviewer.pdf.verify import VerifyReport
    from reviewer.services.handle import SessionHandle


class SessionTools:
    """The secretary's and supervisor's tools, bound to the session once it is open."""

    def __init__(self, bundle: Path, handle: Callable[[], SessionHandle],
                 identity: Any = None, settings: Settings | None = None) -> None:
        self.bundle = bundle
        self.handle = handle
        self.identity = identity
        self.settings = settings or Settings()

    def secretary_check(self, passphrase: str) -> bool:
        return passphrase_matches(self.bundle, passphrase, self.handle().session)

    def import_sheets(self, path: Path, replace: bool = False, reason: str = ""
                      ) -> sheets.ImportOutcome:
        return sheets.import_sheet(self.handle(), sheets.ImportSheet(path, replace, reason))

    def export(self, path: Path) -> ExportInfo:
        return documents.export_results(self.handle(),
                                        documents.ExportResults(path, self.identity),
                                        self.settings)

    def sign(self, path: Path) -> SignResult:
        return documents.countersign(documents.Countersign(path, self.identity), self.settings)

    def verify(self, path: Path, trust: Sequence[Path] = ()) -> VerifyReport:
        """``trust``: certificates the supervisor chose on the F9 screen, beside ``--trust``."""
        return documents.verify_pdf(
            documents.VerifyPdf(path, (*self.settings.trust, *trust)), self.handle())

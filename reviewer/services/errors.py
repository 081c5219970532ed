"""Refusals of the use-case layer (exit codes as the README lists them)."""

from __future__ import annotations

from reviewer.domain.audit import ChainReport
from reviewer.domain.errors import DomainError


class FileUnreadable(DomainError):
    """A file the user named is missing or cannot be read."""

    exit_code = 2

    def __init__(self, path: object) -> None:
        super().__init__("service.file_unreadable", path=str(path))


class AuditChainBroken(DomainError):
    """The database's audit chain does not verify: nothing it says can be trusted."""

    exit_code = 31

    def __init__(self, report: ChainReport) -> None:
        super().__init__(f"cli.audit_broken_{report.problem}", seq=report.broken_seq,
                         count=report.count)
        self.report = report

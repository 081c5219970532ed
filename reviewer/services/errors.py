"""Refusals of the use-case layer (exit codes as the README lists them)."""

from __future__ import annotations

from reviewer.domain.errors import DomainError


class FileUnreadable(DomainError):
    """A file the user named is missing or cannot be read."""

    exit_code = 2

    def __init__(self, path: object) -> None:
        super().__init__("service.file_unreadable", path=str(path))

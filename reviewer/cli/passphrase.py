"""Where secrets come from: a file, an environment variable, or an interactive prompt.

Scripts and CI use ``--passphrase-file`` / ``REVIEWER_PASSPHRASE``; people are prompted (twice
when sealing, so a typo cannot lock a case away). Never echoed, never logged.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from reviewer.domain.errors import DomainError


class SecretMissing(DomainError):
    exit_code = 2


def read_secret(file: Path | None, env_name: str, prompt: str, *, confirm: bool = False,
                confirm_prompt: str = "") -> str:
    if file is not None:
        try:
            value = file.read_text(encoding="utf-8").splitlines()[0].strip()
        except (OSError, IndexError):
            raise SecretMissing("cli.secret_file_unreadable", path=str(file)) from None
        if not value:
            raise SecretMissing("cli.secret_file_unreadable", path=str(file))
        return value
    value = os.environ.get(env_name, "")
    if value:
        return value
    if not sys.stdin.isatty():
        raise SecretMissing("cli.secret_required", env=env_name)
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass(confirm_prompt) != value:
        raise SecretMissing("cli.secret_mismatch")
    if not value:
        raise SecretMissing("cli.secret_required", env=env_name)
    return value

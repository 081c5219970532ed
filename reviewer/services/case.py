"""Sealing a secretary's case folder into an encrypted bundle, and looking into one."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer.domain.case import Case
from reviewer.domain.panel import Panel, panels_dir
from reviewer.session import CASE_ENTRY, PANEL_ENTRY, Unlocked, unlock

__all__ = ["Sealed", "read_case", "read_header", "seal_case", "unlock"]


def read_case(folder: Path) -> tuple[Case, Panel]:
    """The case folder, checked (every problem at once: ``CaseFolderInvalid``)."""
    from reviewer.casefolder import read_case_folder

    return read_case_folder(folder)


@dataclass(frozen=True)
class Sealed:
    path: Path
    sha256: str
    applications: int
    experts: int
    seconds: float


def seal_case(case: Case, panel: Panel, out: Path, passphrase: str,
              progress: Callable[[int, int], None] | None = None) -> Sealed:
    """Encrypt the case and its panel file (as shipped) into ``out``."""
    from reviewer.bundle import seal

    panel_text = (panels_dir() / f"{panel.id}.toml").read_bytes()
    case_json = json.dumps(case.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
    started = time.monotonic()
    digest = seal([(CASE_ENTRY, case_json), (PANEL_ENTRY, panel_text)], out, passphrase,
                  header_info={"case_id": case.case_id, "measure": case.measure},
                  progress=progress)
    return Sealed(out, digest, len(case.applications), len(case.experts),
                  time.monotonic() - started)


def read_header(bundle: Path) -> dict[str, Any]:
    """The bundle's plaintext header (no content, no passphrase needed)."""
    from reviewer.bundle import read_header as header_of

    header = header_of(bundle)
    return header.to_dict() if hasattr(header, "to_dict") else dict(vars(header))


def open_contents(bundle: Path, passphrase: str) -> Unlocked:
    return unlock(bundle, passphrase)

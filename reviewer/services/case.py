"""Sealing a secretary's case folder into an encrypted bundle, and looking into one."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from reviewer.domain.case import Case, Material
from reviewer.domain.panel import Panel, panels_dir

if TYPE_CHECKING:
    from reviewer.session import Unlocked

__all__ = ["Sealed", "open_contents", "read_case", "read_header", "seal_case"]


def read_case(folder: Path) -> tuple[Case, Panel]:
    """The case folder, checked (every problem at once: ``CaseFolderInvalid``)."""
    from reviewer.bundle.pins import pin_password_hasher
    from reviewer.casefolder import read_case_folder

    return read_case_folder(folder, pin_hasher=pin_password_hasher().hash)


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
    from reviewer.bundle.archive import CASE_ENTRY, PANEL_ENTRY

    panel_text = (panels_dir() / f"{panel.id}.toml").read_bytes()
    case_dict, materials = _materials_apart(case)
    case_json = json.dumps(case_dict, ensure_ascii=False, sort_keys=True).encode("utf-8")
    started = time.monotonic()
    digest = seal([(CASE_ENTRY, case_json), (PANEL_ENTRY, panel_text), *materials], out,
                  passphrase,
                  header_info={"case_id": case.case_id, "measure": case.measure},
                  progress=progress)
    return Sealed(out, digest, len(case.applications), len(case.experts),
                  time.monotonic() - started)


MATERIALS_PREFIX = "materials/"


def _materials_apart(case: Case) -> tuple[dict[str, Any], list[tuple[str, BinaryIO]]]:
    """The case as stored in ``case.json``, each material's text moved to an entry of its
    own (``materials/<application id>/<n>``, UTF-8): the session reads ``case.json`` whole
    and a material only when an expert opens it."""
    data = case.to_dict()
    entries: list[tuple[str, BinaryIO]] = []
    for app, stored in zip(case.applications, data["applications"], strict=True):
        listed = []
        for number, material in enumerate(app.materials):
            entry = f"{MATERIALS_PREFIX}{app.id}/{number}"
            entries.append((entry, cast(BinaryIO, _TextSource(material))))
            listed.append({"name": material.name, "entry": entry})
        stored["materials"] = listed
    return data, entries


class _TextSource(io.RawIOBase):
    """A material's UTF-8 bytes, encoded when the sealing reaches it and dropped once read,
    so sealing holds one material's bytes at a time."""

    def __init__(self, material: Material) -> None:
        super().__init__()
        self._material = material
        self._size = len(material.text.encode("utf-8"))
        self._data: bytes | None = None
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._position = self._size + offset if whence == io.SEEK_END else offset
        return self._position

    def readinto(self, buffer: Any) -> int:
        if self._data is None:
            self._data = self._material.text.encode("utf-8")
        count = min(len(buffer), self._size - self._position)
        buffer[:count] = self._data[self._position:self._position + count]
        self._position += count
        if self._position >= self._size:
            self._data = None
        return count


def read_header(bundle: Path) -> dict[str, Any]:
    """The bundle's plaintext header (no content, no passphrase needed)."""
    from reviewer.bundle import read_header as header_of

    header = header_of(bundle)
    return header.to_dict() if hasattr(header, "to_dict") else dict(vars(header))


def open_contents(bundle: Path, passphrase: str) -> Unlocked:
    from reviewer.session import unlock

    return unlock(bundle, passphrase)

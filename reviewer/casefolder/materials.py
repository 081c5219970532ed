"""``materials/<application id>/``: the application's documents as text (.md, .txt, .pdf).

Only text goes into the bundle: experts read it in the terminal. A file the program cannot
turn into text (another format, a scanned PDF) is a problem rather than silently missing
from what the experts see.
"""

from __future__ import annotations

from pathlib import Path

from reviewer.casefolder.problems import Problems
from reviewer.domain.case import Material

FOLDER = "materials"
SUFFIXES = (".md", ".txt", ".pdf")
_IGNORED = {"thumbs.db", "desktop.ini"}


def read_materials(folder: Path, applications: set[str],
                   problems: Problems) -> dict[str, tuple[Material, ...]]:
    root = folder / FOLDER
    if not root.is_dir():
        return {}
    found: dict[str, tuple[Material, ...]] = {}
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if _hidden(entry):
            continue
        where = f"{FOLDER}/{entry.name}"
        if not entry.is_dir():
            problems.add(where, "casefolder.material_outside_folder")
            continue
        if entry.name not in applications:
            problems.add(where, "casefolder.material_unknown_application", application=entry.name)
            continue
        materials = []
        for path in sorted(entry.iterdir(), key=lambda p: p.name):
            if _hidden(path):
                continue
            text = _read(path, f"{where}/{path.name}", problems)
            if text is not None:
                materials.append(Material(name=path.name, text=text))
        found[entry.name] = tuple(materials)
    return found


def _hidden(path: Path) -> bool:
    return path.name.startswith((".", "~$")) or path.name.lower() in _IGNORED


def _read(path: Path, where: str, problems: Problems) -> str | None:
    suffix = path.suffix.lower()
    if path.is_dir() or suffix not in SUFFIXES:
        problems.add(where, "casefolder.material_type", allowed=" ".join(SUFFIXES))
        return None
    if suffix == ".pdf":
        return _pdf_text(path, where, problems)
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    problems.add(where, "casefolder.material_encoding")
    return None


def _pdf_text(path: Path, where: str, problems: Problems) -> str | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except (PyPdfError, OSError, ValueError, KeyError) as exc:
        problems.add(where, "casefolder.material_pdf", detail=type(exc).__name__)
        return None
    text = "\n\n".join(p for p in pages if p)
    if not text:
        problems.add(where, "casefolder.material_no_text")
        return None
    return text

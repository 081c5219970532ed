"""The domain core stays free of the UI and the database (STYLE.md), and every string a user
reads comes from the one catalogue in both languages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from reviewer.i18n.catalog import AREAS, MESSAGES

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_MODULES = sorted(
    f"reviewer.domain.{p.stem}" for p in (ROOT / "reviewer" / "domain").glob("*.py")
    if p.stem != "__init__"
)


def test_domain_imports_neither_ui_nor_database_driver() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in DOMAIN_MODULES)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'sqlalchemy', 'psycopg', 'sqlite3', 'reportlab', 'pyhanko'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == ""


def test_every_catalogue_key_has_both_languages_and_one_owner() -> None:
    owners: dict[str, str] = {}
    for area, table in AREAS.items():
        for key, value in table.items():
            assert key not in owners, f"{key} defined in {owners.get(key)} and {area}"
            owners[key] = area
            assert isinstance(value, tuple) and len(value) == 2, key
            zh, en = value
            assert zh.strip() and en.strip(), key


def _literal_keys() -> set[tuple[str, str]]:
    """Every ``t("literal.key")`` in the package."""
    found: set[tuple[str, str]] = set()
    for path in (ROOT / "reviewer").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "t" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.add((node.args[0].value, str(path.relative_to(ROOT))))
    return found


def test_every_literal_key_used_in_code_exists() -> None:
    missing = sorted(f"{key} ({where})" for key, where in _literal_keys() if key not in MESSAGES)
    assert missing == []


def test_domain_error_codes_exist() -> None:
    """``DomainError("code", ...)`` literals must name catalogue keys too."""
    missing = []
    for path in (ROOT / "reviewer").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and "." in node.args[0].value
                    and getattr(node.func, "id", getattr(node.func, "attr", "")).endswith(
                        ("Error", "Rejected", "Missing", "Invalid", "problem"))):
                if node.args[0].value not in MESSAGES:
                    missing.append(f"{node.args[0].value} ({path.relative_to(ROOT)})")
    assert missing == []


def test_domain_imports_only_the_standard_library() -> None:
    """Any third-party import of the core, not only the ones the contract names."""
    import grimp

    graph = grimp.build_graph("reviewer", include_external_packages=True, cache_dir=None)
    domain = {m for m in graph.modules if m == "reviewer.domain" or m.startswith("reviewer.domain.")}
    outside = set()
    for module in domain:
        for imported in graph.find_modules_directly_imported_by(module):
            top = imported.split(".")[0]
            if top != "reviewer" and top not in sys.stdlib_module_names:
                outside.add(f"{module} -> {imported}")
            elif top == "reviewer" and imported not in domain:
                outside.add(f"{module} -> {imported}")
    assert sorted(outside) == []

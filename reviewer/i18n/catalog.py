"""Merges the per-area message tables into one catalogue (key -> (zh, en))."""

from __future__ import annotations

from reviewer.i18n import (
    messages_bundle,
    messages_casefolder,
    messages_cli,
    messages_core,
    messages_edges,
    messages_faults,
    messages_integrity,
    messages_measures,
    messages_onecore,
    messages_pdf,
    messages_tui,
    messages_tui2,
)

AREAS: dict[str, dict[str, tuple[str, str]]] = {
    "core": messages_core.MESSAGES,
    "bundle": messages_bundle.MESSAGES,
    "casefolder": messages_casefolder.MESSAGES,
    "cli": messages_cli.MESSAGES,
    "pdf": messages_pdf.MESSAGES,
    "tui": messages_tui.MESSAGES,
    "measures": messages_measures.MESSAGES,
    "edges": messages_edges.MESSAGES,
    "integrity": messages_integrity.MESSAGES,
    "faults": messages_faults.MESSAGES,
    "onecore": messages_onecore.MESSAGES,
    "tui2": messages_tui2.MESSAGES,
}

MESSAGES: dict[str, tuple[str, str]] = {}
for _area in AREAS.values():
    MESSAGES.update(_area)

"""Merges the per-area message tables into one catalogue (key -> (zh, en))."""

from __future__ import annotations

from reviewer.i18n import (
    messages_audit,
    messages_bundle,
    messages_casefolder,
    messages_cli,
    messages_core,
    messages_dashboard,
    messages_draw,
    messages_io,
    messages_justify,
    messages_pdf,
    messages_report,
    messages_rules,
    messages_services,
    messages_sits,
    messages_storage,
    messages_tui,
)

AREAS: dict[str, dict[str, tuple[str, str]]] = {
    "core": messages_core.MESSAGES,
    "bundle": messages_bundle.MESSAGES,
    "casefolder": messages_casefolder.MESSAGES,
    "cli": messages_cli.MESSAGES,
    "pdf": messages_pdf.MESSAGES,
    "tui": messages_tui.MESSAGES,
    "rules": messages_rules.MESSAGES,
    "report": messages_report.MESSAGES,
    "audit": messages_audit.MESSAGES,
    "storage": messages_storage.MESSAGES,
    "services": messages_services.MESSAGES,
    "dashboard": messages_dashboard.MESSAGES,
    "draw": messages_draw.MESSAGES,
    "io": messages_io.MESSAGES,
    "justify": messages_justify.MESSAGES,
    "sits": messages_sits.MESSAGES,
}

MESSAGES: dict[str, tuple[str, str]] = {}
for _area in AREAS.values():
    MESSAGES.update(_area)

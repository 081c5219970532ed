"""The one message catalogue: every user-facing string goes through ``t``.

Chinese (zh_CN) is the default; English is chosen with ``--lang en`` or an English locale
(``LANG``/``LC_ALL`` starting with ``en``). The catalogue is split by area (core, cli, pdf,
tui) only to keep files short; ``t`` sees one merged table and a test checks that every key
has both languages and that no area redefines another's key.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reviewer.i18n.catalog import MESSAGES

SUPPORTED = ("zh", "en")
_locale: str | None = None


def detect_locale(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    explicit = env.get("REVIEWER_LANG", "")
    if explicit[:2] in SUPPORTED:
        return explicit[:2]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def set_locale(locale: str | None) -> None:
    global _locale
    if locale is not None and locale[:2] not in SUPPORTED:
        raise ValueError(locale)
    _locale = locale[:2] if locale else None


def get_locale() -> str:
    return _locale or detect_locale()


@contextmanager
def locale_override(locale: str) -> Iterator[None]:
    """Render in ``locale`` for a while (the results PDF is always Chinese)."""
    global _locale
    saved = _locale
    set_locale(locale)
    try:
        yield
    finally:
        _locale = saved


def t(key: str, /, **params: Any) -> str:
    """Render ``key`` in the current locale; unknown keys show themselves, never crash."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key if not params else f"{key} {params}"
    template = entry[1] if get_locale() == "en" else entry[0]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template

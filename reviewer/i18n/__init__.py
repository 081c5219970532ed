"""The one message catalogue: every user-facing string goes through ``t``.

Chinese (zh_CN) is the default; English is chosen with ``--lang en`` or an English locale
(``LANG``/``LC_ALL`` starting with ``en``). The catalogue is split by area (core, cli, pdf,
tui) only to keep files short; ``t`` sees one merged table and a test checks that every key
has both languages and that no area redefines another's key.

Which language: ``set_locale`` sets the user's language once, at start (configuration).
Work that must render in another language (the results PDF and its signature are always
Chinese) says so explicitly, with ``t_in(locale, ...)`` or ``locale_override``, which holds
the language in a ``ContextVar``: it applies to the calling thread (context) only, so a
worker rendering Chinese never changes what the UI thread shows.

Formatting errors (a parameter missing from the call) are bugs. Users see the bare template
rather than a traceback; under tests (``REVIEWER_STRICT_I18N=1``, set by ``tests/conftest``)
they raise ``MessageFormatError`` so the bug cannot hide.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from reviewer.domain import errors as _errors
from reviewer.i18n.catalog import MESSAGES

SUPPORTED = ("zh", "en")
STRICT_ENV = "REVIEWER_STRICT_I18N"
_locale: str | None = None  # the user's language, set once at start
_override: ContextVar[str | None] = ContextVar("reviewer_locale", default=None)


class MessageFormatError(KeyError):
    """A catalogue template asked for a parameter the caller did not give (strict mode)."""


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


def _check(locale: str | None) -> str | None:
    if locale is not None and locale[:2] not in SUPPORTED:
        raise ValueError(locale)
    return locale[:2] if locale else None


def set_locale(locale: str | None) -> None:
    """The user's language for the whole program (``--lang``); ``None`` follows the
    environment. Not for temporary switches: use ``locale_override`` or ``t_in``."""
    global _locale
    _locale = _check(locale)


def get_locale() -> str:
    return _override.get() or _locale or detect_locale()


@contextmanager
def locale_override(locale: str) -> Iterator[None]:
    """Render in ``locale`` within this context only (other threads keep theirs)."""
    token = _override.set(_check(locale))
    try:
        yield
    finally:
        _override.reset(token)


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "") not in ("", "0")


def t_in(locale: str, key: str, /, **params: Any) -> str:
    """Render ``key`` in ``locale`` whatever the current language."""
    return _render(key, "en" if _check(locale) == "en" else "zh", params)


def t(key: str, /, **params: Any) -> str:
    """Render ``key`` in the current locale; unknown keys show themselves, never crash."""
    return _render(key, get_locale(), params)


def _render(key: str, locale: str, params: dict[str, Any]) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key if not params else f"{key} {params}"
    template = entry[1] if locale == "en" else entry[0]
    params = {k: v.render(lambda code, **p: _render(code, locale, p))
              if isinstance(v, _errors.Phrases) else v for k, v in params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        if strict():
            raise MessageFormatError(f"{key} ({locale}): {exc!r} with {sorted(params)}") from exc
        return template


_errors.use_renderer(t)  # DomainError renders through the catalogue without importing it

"""Test-wide settings: catalogue formatting errors raise instead of hiding (see
``reviewer.i18n``); set in the environment so subprocesses (the CLI) inherit it."""

from __future__ import annotations

import os

os.environ.setdefault("REVIEWER_STRICT_I18N", "1")

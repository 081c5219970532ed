"""Test-wide settings, set in the environment so that subprocesses started by tests inherit
them: the run gets its own terminal state directory (where the audit checkpoints live), so no
test writes into the user's home; catalogue formatting errors raise instead of hiding (see
``reviewer.i18n``)."""

from __future__ import annotations

import os
import tempfile

os.environ["REVIEWER_STATE_DIR"] = tempfile.mkdtemp(prefix="reviewer-test-state-")
os.environ.setdefault("REVIEWER_STRICT_I18N", "1")

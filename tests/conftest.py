"""The test run gets its own terminal state directory (where the audit checkpoints live), so
no test writes into the user's home; subprocesses started by tests inherit it."""

from __future__ import annotations

import os
import tempfile

os.environ["REVIEWER_STATE_DIR"] = tempfile.mkdtemp(prefix="reviewer-test-state-")

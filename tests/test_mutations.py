"""The worked examples can fail: a mutated panel (one cap, age, team size, tier cap, band limit
or cited article changed) must break at least one of them (issue 12).

CI runs a spread sample (REVIEWER_MUTATIONS, default 4); ``REVIEWER_MUTATIONS=all`` runs every
mutation of ``scripts/mutate_panels.py`` (about two minutes on two cores).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_mutating_a_panel_breaks_a_worked_example() -> None:
    size = os.environ.get("REVIEWER_MUTATIONS", "4")
    args = [] if size == "all" else ["--sample", size]
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "mutate_panels.py"), *args],
                          capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SURVIVED" not in done.stdout

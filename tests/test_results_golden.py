"""``reviewer results --json`` stays byte-identical to what it printed before results were typed.

The golden files under tests/golden/ were written by tests/golden_play.py from the dict-building
code; every stage of every sample case's review (opened, scored, each round closed, ties
resolved) must still print exactly the same bytes (the keyed chain's random head aside).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden_play import CASES, GOLDEN, play


@pytest.mark.parametrize("name", CASES)
def test_results_json_matches_the_golden_file(name: str, tmp_path: Path) -> None:
    stages = list(play(name, tmp_path))
    assert len(stages) >= 3  # opened, scored, closed at least
    for stage, text in stages:
        golden = (GOLDEN / f"results-{name}-{stage}.json").read_text(encoding="utf-8")
        assert text == golden, f"{name} at {stage}: results --json changed"

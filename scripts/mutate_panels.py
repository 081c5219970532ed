"""Mutation check of the worked examples (issue 12): change one cap, age, team size, tier cap,
band limit or cited article in a copy of a panel and expect ``tests/test_ranking_worked.py``
to fail.

    python scripts/mutate_panels.py            # every mutation (about 40; a minute or two)
    python scripts/mutate_panels.py --sample 4 # a spread sample (what tests/test_mutations.py runs)

Each mutation writes all seven panels to a temporary folder (the mutated one re-serialised),
points the test builders at it (REVIEWER_TEST_PANELS) and runs the worked examples in this
process with ``-x``. A mutation that still passes is a worked test that cannot fail; the script
lists those and exits 1. The unmutated copy must pass first (exit 2 otherwise).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import os
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PANELS = REPO / "panels"
WORKED = str(REPO / "tests" / "test_ranking_worked.py")
X = "第九十九条"  # an article no measure has

# (panel, path into the TOML data, new value); a path step is a key or a list index
MUTATIONS: list[tuple[str, tuple[Any, ...], Any]] = [
    ("yunling-craftsman", ("cap", "total"), 6),
    ("yunling-craftsman", ("tracks", 0, "cap"), 6),
    ("yunling-craftsman", ("tracks", 0, "cap"), 21),
    ("yunling-craftsman", ("tie_break", 0, "article"), X),
    ("yunling-craftsman", ("disqualification", "article"), X),
    ("yunling-craftsman", ("rounds", 0, "article"), X),
    ("yunling-craftsman", ("confidentiality", "article"), X),
    ("yunling-craftsman", ("recusal", "article"), X),
    ("yunling-craftsman", ("flags", "excluded", "article"), X),
    ("technician-station", ("eligibility", 1, "op"), "<"),
    ("technician-station", ("eligibility", 1, "value"), 54),
    ("technician-station", ("eligibility", 1, "value"), 56),
    ("technician-station", ("eligibility", 2, "op"), ">"),
    ("technician-station", ("eligibility", 2, "value"), 4),
    ("technician-station", ("eligibility", 2, "value"), 6),
    ("technician-station", ("eligibility", 0, "value"), 3),
    ("technician-station", ("eligibility", 0, "article"), X),
    ("technician-station", ("tracks", 0, "cap"), 29),
    ("technician-station", ("disqualification", "article"), X),
    ("innovation-studio", ("eligibility", 1, "value"), 2),
    ("innovation-studio", ("eligibility", 1, "value"), 4),
    ("innovation-studio", ("tracks", 0, "cap"), 31),
    ("innovation-studio", ("rounds", 1, "article"), X),
    ("innovation-achievement", ("tracks", 0, "tiers", 0, "cap"), 4),
    ("innovation-achievement", ("tracks", 0, "tiers", 1, "cap"), 19),
    ("innovation-achievement", ("tracks", 0, "tiers", 2, "cap"), 34),
    ("innovation-achievement", ("tracks", 0, "tiers", 3, "cap"), 19),
    ("innovation-achievement", ("tracks", 0, "cap"), 79),
    ("innovation-achievement", ("tracks", 1, "cap"), 9),
    ("innovation-achievement", ("tracks", 2, "cap"), 11),
    ("innovation-achievement", ("disqualification", "article"), X),
    ("innovation-achievement", ("confidentiality", "article"), X),
    ("skills-contest", ("tracks", 0, "tiers", 0, "cap"), 2),
    ("skills-contest", ("tracks", 0, "tiers", 1, "cap"), 8),
    ("skills-contest", ("tracks", 0, "cap"), 9),
    ("skills-contest", ("limits", "min_applications"), 29),
    ("skills-contest", ("limits", "min_applications"), 31),
    ("skills-contest", ("limits", "min_applications_article"), X),
    ("skills-contest", ("tie_break", 0, "article"), X),
    ("skills-contest", ("criteria", 0, "weight"), 4),
    ("skills-contest", ("disqualification", "article"), X),
    ("labour-contest", ("cap", "total"), 4),
    ("labour-contest", ("tracks", 0, "cap"), 2),
    ("labour-contest", ("tie_break", 0, "article"), X),
    ("labour-contest", ("rounds", 0, "article"), X),
    ("labour-contest", ("recusal", "article"), X),
    ("innovation-subsidy", ("tracks", 0, "tiers", 0, "amount_min"), 0),
    ("innovation-subsidy", ("tracks", 0, "tiers", 0, "amount_min"), 200001),
    ("innovation-subsidy", ("tracks", 0, "tiers", 0, "amount_max"), 299999),
    ("innovation-subsidy", ("tracks", 0, "tiers", 0, "amount_max"), 300001),
    ("innovation-subsidy", ("tracks", 0, "tiers", 1, "amount_min"), 0),
    ("innovation-subsidy", ("tracks", 0, "tiers", 1, "amount_min"), 100001),
    ("innovation-subsidy", ("tracks", 0, "tiers", 1, "amount_max"), 199999),
    ("innovation-subsidy", ("tracks", 0, "tiers", 1, "amount_max"), 200001),
    ("innovation-subsidy", ("tracks", 0, "tiers", 2, "amount_min"), 0),
    ("innovation-subsidy", ("tracks", 0, "tiers", 2, "amount_min"), 50001),
    ("innovation-subsidy", ("tracks", 0, "tiers", 2, "amount_max"), 99999),
    ("innovation-subsidy", ("tracks", 0, "tiers", 2, "amount_max"), 100001),
    ("innovation-subsidy", ("tracks", 0, "tiers", 0, "article"), X),
    ("innovation-subsidy", ("rounds", 0, "article"), X),
    ("innovation-subsidy", ("eligibility", 0, "article"), X),
    ("innovation-subsidy", ("flags", "unfinished_project", "article"), X),
]


def dumps(data: dict[str, Any]) -> str:
    """A TOML writer for the subset panel files use (tables, arrays of tables, scalars)."""
    out: list[str] = []

    def scalar(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return repr(value)
        if isinstance(value, str):
            return json.dumps(value, ensure_ascii=False)
        if isinstance(value, dict):
            return "{ " + ", ".join(f"{k} = {scalar(v)}" for k, v in value.items()) + " }"
        raise TypeError(type(value))

    def table(body: dict[str, Any], path: str) -> None:
        plain = {k: v for k, v in body.items() if not _nested(v)}
        for key, value in plain.items():
            out.append(f"{key} = {scalar(value)}")
        for key, value in body.items():
            if key in plain:
                continue
            name = f"{path}.{key}" if path else key
            if isinstance(value, dict):
                out.append(f"\n[{name}]")
                table(value, name)
            else:
                for item in value:
                    out.append(f"\n[[{name}]]")
                    table(item, name)

    table(data, "")
    return "\n".join(out) + "\n"


def _nested(value: Any) -> bool:
    if isinstance(value, dict):
        return any(isinstance(v, dict | list) for v in value.values()) or not value or \
            not all(isinstance(v, str | int | float | bool) for v in value.values())
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    if path[-1] not in data if isinstance(data, dict) else False:
        raise KeyError(f"no such key {path}")
    data[path[-1]] = value


def write_panels(folder: Path, mutation: tuple[str, tuple[Any, ...], Any] | None) -> None:
    for source in PANELS.glob("*.toml"):
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        if mutation and mutation[0] == source.stem:
            data = copy.deepcopy(data)
            _set(data, mutation[1], mutation[2])
        (folder / source.name).write_text(dumps(data), encoding="utf-8")


def worked_examples_pass(folder: Path) -> bool:
    import pytest

    os.environ["REVIEWER_TEST_PANELS"] = str(folder)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", WORKED])
    return code == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="run only N spread mutations")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    chosen = MUTATIONS
    if args.sample:
        step = max(1, len(MUTATIONS) // args.sample)
        chosen = MUTATIONS[::step][:args.sample]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_panels(folder, None)
        if not worked_examples_pass(folder):
            print("the worked examples fail on an unmutated copy of the panels")
            return 2
        survivors = []
        for mutation in chosen:
            write_panels(folder, mutation)
            caught = not worked_examples_pass(folder)
            print(("caught   " if caught else "SURVIVED ") + f"{mutation[0]} {mutation[1]} = {mutation[2]!r}")
            if not caught:
                survivors.append(mutation)
    print(f"{len(chosen) - len(survivors)}/{len(chosen)} mutations caught")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())

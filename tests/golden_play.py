"""Play each sample case through a whole review, deterministically, for the results golden files.

The four sample bundles are fixed bytes; a fixed clock and scores derived from the expert and
application ids make every event, and so ``reviewer results --json``, the same on every run.
The golden files were written from the code *before* results became a typed object, so the
test that compares against them proves ``SessionResults.to_json()`` changed nothing.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from reviewer.cli.main import main
from reviewer.domain.results import unresolved_ties
from reviewer.session import Session
from tests.builders import Clock
from tests.test_tui_support import score_programmatically

ROOT = Path(__file__).resolve().parent.parent
CASES = ("yunling-craftsman-2026", "innovation-achievement-2026", "innovation-studio-2026",
         "skills-contest-2026")
HEAD = re.compile(r'"head": "[0-9a-f]{64}"')
GOLDEN = Path(__file__).resolve().parent / "golden"


def _score(expert_id: str, app_id: str) -> int:
    """A spread of totals (with some ties) that depends only on the ids."""
    return 60 + sum(map(ord, expert_id + "/" + app_id)) % 7 * 5


def _cli_json(bundle: Path, passphrase_file: Path, db: Path) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["results", str(bundle), "--json", "--passphrase-file", str(passphrase_file),
                     "--db", f"sqlite:///{db}"])
    assert code == 0
    # the keyed chain's head depends on the database's own random key: the one varying line
    return HEAD.sub('"head": "<chain head>"', out.getvalue())


def _score_round(session: Session) -> None:
    review = session.review
    for expert in session.case.experts:
        if review.is_submitted(expert.id):
            continue
        apps = [a.id for a in review.scope(expert.id)
                if not review.conflicts.is_recused(expert.id, a.id, review.state)]
        if apps:
            score_programmatically(session, expert.id, {a: _score(expert.id, a) for a in apps})


def play(name: str, tmp: Path) -> Iterator[tuple[str, str]]:
    """(stage, ``reviewer results --json`` output) at each stage of one sample case's review."""
    tmp.mkdir(parents=True, exist_ok=True)
    bundle = tmp / f"{name}.rvb"
    shutil.copyfile(ROOT / "sample_cases" / f"{name}.rvb", bundle)
    passphrase_file = ROOT / "sample_cases" / f"{name}.passphrase"
    passphrase = passphrase_file.read_text(encoding="utf-8").strip()
    db = tmp / f"{name}.db"
    clock = Clock()
    session = Session.open(bundle, passphrase, f"sqlite:///{db}", clock=clock)
    try:
        yield "opened", _cli_json(bundle, passphrase_file, db)
        for step in range(4):
            if session.review.round == "closed":
                break
            _score_round(session)
            clock.advance(minutes=5)
            yield f"scored{step}", _cli_json(bundle, passphrase_file, db)
            session.run(lambda r: r.advance(force=True, reason="演示"))
            clock.advance(minutes=5)
            yield f"advanced{step}", _cli_json(bundle, passphrase_file, db)
        ties = unresolved_ties(session.review)
        for tie in ties:  # the leading group's order, with its reason (as the secretary would)
            clock.advance(minutes=1)
            session.run(lambda r, t=tie: r.resolve_tie(list(t), "领导小组集体研究确定"))
        if ties:
            yield "resolved", _cli_json(bundle, passphrase_file, db)
    finally:
        session.close()


def write(tmp: Path) -> None:
    """Regenerate the golden files (run only from the code whose output they pin)."""
    GOLDEN.mkdir(exist_ok=True)
    for name in CASES:
        for stage, text in play(name, tmp / name):
            (GOLDEN / f"results-{name}-{stage}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp))

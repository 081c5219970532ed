"""Play the drawn sample case (``sample_cases/yunling-craftsman-drawn-2026``) from pledge to
signed results, as a panel secretary would script it from paper, and leave the signed results
PDF in OUT_DIR.

    python scripts/demo_drawn_session.py OUT_DIR

What it shows (issue 13): a committee drawn from ``pool.xlsx`` with a recorded seed (printed
in the PDF's integrity section), a deliberately low score with its written reason (the case
sets ``justify_below = 0.6``: a score under 60% of a criterion needs a 理由), a member's
written dissent on the comprehensive round (不同意见) and a refusal to sign with its reason,
all on the 评审委员会签字页. Everything goes through the real commands (``reviewer ack``,
``scores import``, ``advance``, ``dissent``, ``refuse-sign``, ``export``) on a copy of the
sealed bundle; the sample's own files are not touched.

The passphrases here are the published demo ones (sample only).
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reviewer.cli.main import main as reviewer
from reviewer.domain.audit import ChainBroken
from reviewer.domain.errors import DomainError
from reviewer.domain.results import unresolved_ties
from reviewer.session import Session

ROOT = Path(__file__).resolve().parent.parent
CASE = "yunling-craftsman-drawn-2026"
DEMO_KEY_PASSPHRASE = "demo-only-key-passphrase"  # sample only
LOW_REASON = "事迹材料未附该项技术成果的转化效益证明，按材料实际情况给分。"
OTHER_REASON = "该项在申报材料中依据不足（示例）。"
DISSENT = "综合组对排名第五、第六两项的区分度讨论不充分，本人保留意见：建议复核其技术成果的推广范围。"
REFUSAL = "本人未参加综合组第二次讨论，不在签字页上签字。"


@dataclass(frozen=True)
class Played:
    bundle: Path
    pdf: Path
    low: tuple[str, str, str]  # (expert, application, criterion name) of the justified score
    dissenter: str
    refuser: str
    cert: Path


def _run(*args: str) -> None:
    code = reviewer(list(args))
    if code != 0:
        raise SystemExit(f"reviewer {' '.join(args[:2])} … exited {code}")


def _score(expert: str, app: str, maximum: Decimal) -> Decimal:
    """Deterministic, varied, in 0.5 steps between 55% and 100% of the maximum."""
    digest = int(hashlib.sha256(f"{expert}/{app}".encode()).hexdigest(), 16)
    return (maximum * Decimal(55 + digest % 46) / 100 * 2).to_integral_value() / 2


def _sheet(bundle: Path, passphrase: str, label: str, round_key: str, path: Path,
           low: tuple[str, str] | None) -> tuple[str, str, str] | None:
    """The round's paper sheet with a 理由 column; ``low`` (expert, application) gets 40% on
    the first criterion and the written reason. Returns what was marked low."""
    session = Session.open(bundle, passphrase)
    try:
        review = session.review
        criteria = review.panel.expert_criteria
        share = review.justification_rule.below
        marked = None
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["expert", "application", "round", *[c.name for c in criteria], "理由"])
            for expert in review.case.experts:
                if round_key not in {review.case.group(g).kind for g in expert.groups
                                     if review.case.group(g)}:
                    continue
                for app in review.scope(expert.id, round_key):
                    if review.conflicts.is_recused(expert.id, app.id, review.state):
                        continue
                    values = [_score(expert.id, app.id, review.points[c.key]) for c in criteria]
                    reason = ""
                    if low is None and marked is None:
                        low = (expert.id, app.id)
                    if low == (expert.id, app.id):
                        values[0] = (review.points[criteria[0].key] * Decimal("0.4")).quantize(
                            Decimal("0.5"))
                        reason, marked = LOW_REASON, (expert.id, app.id, criteria[0].name)
                    elif share and any(v < review.points[c.key] * share
                                       for v, c in zip(values, criteria, strict=True)):
                        reason = OTHER_REASON
                    writer.writerow([expert.id, app.id, label, *values, reason])
        return marked
    finally:
        session.close()


def play(out: Path) -> Played:
    out.mkdir(parents=True, exist_ok=True)
    bundle = out / f"{CASE}.rvb"
    shutil.copy(ROOT / "sample_cases" / f"{CASE}.rvb", bundle)
    pass_file = out / "pass.txt"
    shutil.copy(ROOT / "sample_cases" / f"{CASE}.passphrase", pass_file)
    passphrase = pass_file.read_text(encoding="utf-8").strip()
    secret = ["--passphrase-file", str(pass_file)]
    key_pass = out / "key-passphrase.txt"
    key_pass.write_text(DEMO_KEY_PASSPHRASE, encoding="utf-8")
    _run("keygen", "--name", "和丽萍", "--role", "评审秘书", "-o", str(out / "secretary"),
         "--key-passphrase-file", str(key_pass))
    signer = ["--key", str(out / "secretary.key.pem"), "--cert", str(out / "secretary.cert.pem"),
              "--key-passphrase-file", str(key_pass)]

    session = Session.open(bundle, passphrase)
    experts = [e.id for e in session.case.experts]
    rounds = [(r.key, r.name) for r in session.review.panel.rounds]
    comprehensive = [e.id for e in session.case.experts
                     if any(session.case.group(g).kind == "comprehensive" for g in e.groups)]
    session.close()

    for expert in experts:
        _run("ack", str(bundle), *secret, "--expert", expert, "--paper")
    low = None
    for index, (key, label) in enumerate(rounds):
        sheet = out / f"sheet-{index + 1}.csv"
        marked = _sheet(bundle, passphrase, label, str(key), sheet, None)
        low = low or marked
        _run("scores", "import", str(bundle), *secret, str(sheet))
        sheet.unlink()  # the paper sheet held names: nothing of it stays on disk
        _run("advance", str(bundle), *secret)
    session = Session.open(bundle, passphrase)
    ties = unresolved_ties(session.review)
    session.close()
    for tie in ties:
        _run("ties", "resolve", str(bundle), *secret, "--order", ",".join(tie),
             "--reason", "综合组复议")
    dissenter, refuser = comprehensive[0], comprehensive[-1]
    _run("dissent", str(bundle), *secret, dissenter, "--round", rounds[-1][1],
         "--text", DISSENT)
    _run("refuse-sign", str(bundle), *secret, refuser, "--reason", REFUSAL)
    pdf = out / "results.pdf"
    _run("export", str(bundle), *secret, "-o", str(pdf), *signer)
    assert low is not None
    return Played(bundle, pdf, low, dissenter, refuser, out / "secretary.cert.pem")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] in {"-h", "--help"}:
        print(__doc__)
        raise SystemExit(0 if len(sys.argv) == 2 else 2)
    out_dir = Path(sys.argv[1])
    # this demo terminal's checkpoint and snapshot live beside its session: a rerun into a
    # fresh OUT_DIR is a new session, not a rollback of the last one
    os.environ.setdefault("REVIEWER_STATE_DIR", str(out_dir / "terminal-state"))
    try:
        played = play(out_dir)
    except (DomainError, ChainBroken) as refused:
        print(refused.render(), file=sys.stderr)
        raise SystemExit(getattr(refused, "exit_code", 1)) from None
    print(f"signed results: {played.pdf}")
    print(f"justified low score: {played.low[0]} on {played.low[1]} ({played.low[2]})")
    print(f"dissent by {played.dissenter}; refusal to sign by {played.refuser}")

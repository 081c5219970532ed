"""Audit events: the only record of what happened in a session.

The session state is a fold over these events (``reviewer.domain.state``), so the audit trail
cannot drift from what the program believes. Payloads hold ids, numbers as strings, and the
reasons people typed; never an applicant's name, unit or materials.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# kinds, grouped by who causes them
SESSION_OPENED = "session.opened"
PIN_FAILED = "pin.failed"
PIN_LOCKED = "pin.locked"
PIN_OK = "pin.ok"
PIN_UNLOCKED = "pin.unlocked"  # the secretary lifts a lockout, with a reason
PIN_CHANGED = "pin.changed"
ACK_RECORDED = "ack.recorded"
CONFLICT_DECLARED = "conflict.declared"
CONFLICT_CLEARED = "conflict.none"  # 无利害关系, declared by the expert
CONFLICT_LIFTED = "conflict.lifted"
ABSTAINED = "abstain.recorded"
SCORE_SET = "score.set"
SHEET_SUBMITTED = "sheet.submitted"
SHEET_REOPENED = "sheet.reopened"
SCORES_IMPORTED = "scores.imported"
# one expert's typed-in paper sheet of an import: every row's scores (and changed 理由) at once
SHEET_IMPORTED = "sheet.imported"
ROUND_ADVANCED = "round.advanced"
TIE_RESOLVED = "tie.resolved"
DISQUALIFIED = "application.disqualified"
# the committee's proposed amount within the band (补助资金 第六条/第十六条)
AMOUNT_PROPOSED = "amount.proposed"
EXPORTED = "results.exported"
# an expert's written reason for a score (评分理由, ``reviewer.domain.justification``)
JUSTIFIED = "score.justified"
# an operator asked for full ID and phone numbers in an output (``--unmask``); like an export,
# it changes no result
UNMASKED = "output.unmasked"
# a member's written dissent on a round's result, and a refusal to sign (reviewer.domain.dissent)
DISSENT_RECORDED = "dissent.recorded"
SIGNATURE_REFUSED = "signature.refused"
# the committee was drawn from a pool: the sealed draw record's hash, seed and pool hash,
# carried by the session's second event (云岭工匠 第十二条; 工作室/工作站 第十五条)
DRAW_RECORDED = "draw.recorded"

KINDS = (
    SESSION_OPENED, PIN_FAILED, PIN_LOCKED, PIN_OK, PIN_CHANGED, ACK_RECORDED,
    CONFLICT_DECLARED, CONFLICT_CLEARED, CONFLICT_LIFTED, ABSTAINED, SCORE_SET,
    SHEET_SUBMITTED, SHEET_REOPENED, SCORES_IMPORTED, SHEET_IMPORTED, ROUND_ADVANCED,
    TIE_RESOLVED, DISQUALIFIED, EXPORTED, AMOUNT_PROPOSED, PIN_UNLOCKED, JUSTIFIED, UNMASKED,
    DISSENT_RECORDED, SIGNATURE_REFUSED, DRAW_RECORDED,
)
# kinds that record who read or wrote an output: they change no result (``results_head``)
OUTPUT_KINDS = (EXPORTED, UNMASKED)

SECRETARY = "secretary"
SYSTEM = "system"


def expert_actor(expert_id: str) -> str:
    return f"expert:{expert_id}"


@dataclass(frozen=True)
class Event:
    """One audited action. ``seq``, the hashes and the MAC are assigned when it is appended."""

    kind: str
    actor: str
    at: str  # ISO-8601 UTC, second precision
    payload: dict[str, Any] = field(default_factory=dict)
    seq: int = 0
    prev_hash: str = ""
    hash: str = ""
    mac: str = ""  # HMAC under the session's audit key (see ``reviewer.domain.audit``)

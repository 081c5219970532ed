"""Blocking work in thread workers that only report back by message.

``run_job(node, "login", fn)`` runs ``fn`` in a thread worker; its outcome arrives at ``node``
as ``JobFinished`` with the job's name, its result, or the ``DomainError`` it raised (which
renders in the user's language). Job names are a closed ``Literal`` type (``Job``) and mypy
runs with strict equality on this package, so a misspelt name in ``run_job`` or in a handler's
``message.job == "..."`` is a type error, not a message silently ignored. Any other exception (a bug, a database gone away) arrives
the same way, wrapped as ``tui.error.unexpected`` with its type and message, so the screen
that waits for the job never hangs and the user reads what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, get_args

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, get_current_worker

from reviewer.domain.errors import DomainError

Job = Literal[
    # the expert's path
    "unlock", "login", "pin", "ack", "declare", "save", "abstain", "recuse", "submit",
    "print_sheet", "dissent",
    # the secretary and the supervisor
    "secretary", "snapshot", "import", "export", "sign", "lift", "reopen", "advance", "tie",
    "disqualify", "verify", "audit", "unlock_pin",
    # the app itself
    "refresh",
    "justify",  # 评分理由 (reviewer.domain.justification)
]
JOBS: frozenset[str] = frozenset(get_args(Job))

class JobFinished(Message):
    """A job ran to its end, with a result or a refusal (sent to the node that started it)."""

    bubble = False

    def __init__(self, job: Job, result: Any = None, error: DomainError | None = None,
                 context: Any = None) -> None:
        super().__init__()
        self.job = job
        self.result = result
        self.error = error
        self.context = context

    @property
    def ok(self) -> bool:
        return self.error is None


def run_job(node: DOMNode, job: Job, fn: Callable[[], Any], context: Any = None) -> Worker[None]:
    def work() -> None:
        try:
            result = fn()
        except DomainError as error:
            outcome = JobFinished(job, error=error, context=context)
        except Exception as exc:  # noqa: BLE001 (reported to the user, see the docstring)
            wrapped = DomainError("tui.error.unexpected", error=f"{type(exc).__name__}: {exc}")
            outcome = JobFinished(job, error=wrapped, context=context)
        else:
            outcome = JobFinished(job, result=result, context=context)
        if not get_current_worker().is_cancelled:
            node.post_message(outcome)

    return node.run_worker(work, name=job, group=job, thread=True, exit_on_error=False)

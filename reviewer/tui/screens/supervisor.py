"""The supervision group's view (第十八条): a results PDF's signatures and this session's
audit chain.

The verifier is injected (the PDF layer's); its report is shown generically: every
signature's fields, its verdict and fingerprint, the report's findings and exit code.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from reviewer.domain.audit import ChainReport
from reviewer.i18n import t
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.form_dialog import Field, FormDialog, Values
from reviewer.tui.text import columns

SHOWN_FIRST = ("signer", "fingerprint", "field_name", "signing_time")


def fields_of(item: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
    if isinstance(item, dict):
        return dict(item)
    return {k: v for k, v in vars(item).items() if not k.startswith("_")}


def verdict(item: Any) -> bool | None:
    ok = getattr(item, "ok", None)
    return ok if isinstance(ok, bool) else None


def report_text(path: Path, report: Any) -> Text:
    """Any verifier report: signatures (with their fields), findings, exit code."""
    out = Text()
    out.append(t("tui.verify.file", path=str(path)) + "\n", style="bold")
    signatures = list(getattr(report, "signatures", ()) or ())
    if not signatures:
        out.append(t("tui.verify.no_signatures") + "\n", style="bold red")
    for number, signature in enumerate(signatures, start=1):
        ok = verdict(signature)
        label = t("tui.verify.valid") if ok else t("tui.verify.invalid") if ok is False else "?"
        out.append(t("tui.verify.signature", n=number, verdict=label) + "\n",
                   style="bold green" if ok else "bold red")
        values = fields_of(signature)
        ordered = [k for k in SHOWN_FIRST if k in values] + [
            k for k in values if k not in SHOWN_FIRST]
        rows = [(f"  {key}", str(values[key])) for key in ordered]
        for line in columns(rows):
            out.append(line + "\n")
    for problem in getattr(report, "problems", ()) or ():
        out.append(f"• {problem}\n", style="yellow")
    case = getattr(report, "case", None)
    if case is not None:
        ok = verdict(case)
        out.append(t("tui.verify.case_ok") if ok else t("tui.verify.case_bad"),
                   style="green" if ok else "bold red")
        out.append("\n")
    code = getattr(report, "exit_code", None)
    if code is not None:
        out.append(t("tui.verify.exit", code=code) + "\n",
                   style="bold green" if code == 0 else "bold red")
    return out


def audit_text(report: ChainReport) -> Text:
    if report.ok:
        return Text(t("tui.audit.ok", count=report.count, head=report.head), style="bold green")
    return Text(t("tui.audit.broken", seq=report.broken_seq, count=report.count,
                  problem=report.problem), style="bold red")


class SupervisorScreen(ReviewerScreen):
    CSS_PATH = "supervisor.tcss"
    BINDINGS = [
        bind("escape", "leave", "leave_supervisor"),
        bind("o", "open_pdf", "open_pdf"),
        bind("c", "check_audit", "check_audit"),
    ]

    def compose(self) -> ComposeResult:
        self.sub_title = t("tui.verify.subtitle")
        yield Header()
        with VerticalScroll(id="supervisor-body"):
            yield Static(t("tui.verify.explain"), id="verify-explain")
            yield Static("", id="verify-report")
            yield Static("", id="audit-report")
        yield Footer()

    def action_leave(self) -> None:
        self.app.pop_screen()

    def action_open_pdf(self) -> None:
        verifier = self.reviewer.tools.verifier
        if verifier is None:
            self.query_one("#verify-report", Static).update(t("tui.not_available"))
            return

        def chosen(values: Values | None) -> None:
            if values is None:
                return
            path = Path(values["path"]).expanduser()
            self.query_one("#verify-report", Static).update(t("tui.verify.working"))
            run_job(self, "verify", lambda: verifier(path),
                    context=path)

        self.app.push_screen(FormDialog(t("tui.verify.open_title"),
                                        [Field("path", t("tui.dash.path"))]), chosen)

    def action_check_audit(self) -> None:
        self.query_one("#audit-report", Static).update(t("tui.verify.working"))
        run_job(self, "audit", self.gateway.verify_audit)

    @on(JobFinished)
    def _finished(self, message: JobFinished) -> None:
        target = "#verify-report" if message.job == "verify" else "#audit-report"
        if message.error is not None:
            self.query_one(target, Static).update(Text(str(message.error), style="bold red"))
        elif message.job == "verify":
            self.query_one(target, Static).update(report_text(message.context, message.result))
        else:
            self.query_one(target, Static).update(audit_text(message.result))

"""The supervision group's view (第十八条): a results PDF's signatures and this session's
audit chain.

The verifier is injected (the PDF layer's). Its report is shown in the user's words: a
signature whose bytes are intact but whose signer is not yet trusted is told apart from a
broken one, and the supervisor chooses the certificates they trust (``t``, remembered for
the rest of the session). Files are picked from a list (``FilePicker``), not typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from reviewer.domain.audit import ChainReport
from reviewer.i18n import t
from reviewer.tui.jobs import JobFinished, run_job
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerScreen
from reviewer.tui.screens.file_picker import FilePicker
from reviewer.tui.text import columns
from reviewer.tui.widgets.footer import Footer

BEIJING = timezone(timedelta(hours=8), "UTC+8")  # Asia/Shanghai has kept no summer time
COVERAGE = {"ENTIRE_FILE": "tui.verify.cov.file", "ENTIRE_REVISION": "tui.verify.cov.revision",
            "CONTIGUOUS_BLOCK_FROM_START": "tui.verify.cov.start"}
MODIFICATION = {"NONE": "tui.verify.mod.none", "LTA_UPDATES": "tui.verify.mod.lta",
                "FORM_FILLING": "tui.verify.mod.form", "ANNOTATIONS": "tui.verify.mod.annot",
                "OTHER": "tui.verify.mod.other"}
CHANGES = {"none": "tui.verify.after.none", "signatures": "tui.verify.after.signatures",
           "not_allowed": "tui.verify.after.not_allowed"}


def verdict(item: Any) -> bool | None:
    ok = getattr(item, "ok", None)
    return ok if isinstance(ok, bool) else None


def signature_verdict(signature: Any) -> tuple[str, str]:
    """The verdict's catalogue key and style: broken and untrusted are different things.

    A signature whose bytes are intact but whose signer is not (yet) among the trusted
    certificates is not "invalid": the supervisor has to say whom they trust (``t``).
    """
    intact = getattr(signature, "intact", None)
    trusted = getattr(signature, "trusted", None)
    if intact is False:
        return "tui.verify.v_broken", "bold red"
    if getattr(signature, "changes_after", None) == "not_allowed":
        return "tui.verify.v_modified", "bold red"
    if trusted is False:
        return "tui.verify.v_untrusted", "bold yellow"
    ok = verdict(signature)
    if ok is False:
        return "tui.verify.invalid", "bold red"
    if ok or (intact and trusted):
        return "tui.verify.valid", "bold green"
    return "tui.verify.v_unknown", "bold yellow"


def beijing_time(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        return text
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S") + " (UTC+8)"


def _mapped(table: dict[str, str], value: object) -> str:
    key = table.get(str(value))
    return t(key) if key else t("tui.verify.other_value", value=str(value))


def signature_rows(signature: Any) -> list[tuple[str, str]]:
    """Every fact of one signature in the user's words (no field names, no enum names)."""
    rows: list[tuple[str, str]] = []

    def add(label: str, value: str) -> None:
        rows.append((f"  {t(label)}", value))

    for attr, label in (("signer", "tui.verify.f.signer"), ("subject", "tui.verify.f.subject"),
                        ("fingerprint", "tui.verify.f.fingerprint"),
                        ("field_name", "tui.verify.f.field")):
        value = getattr(signature, attr, None)
        if value:
            add(label, str(value))
    when = getattr(signature, "signing_time", None)
    if when:
        add("tui.verify.f.time", beijing_time(str(when)))
    intact = getattr(signature, "intact", None)
    if isinstance(intact, bool):
        add("tui.verify.f.intact", t("tui.verify.intact_yes" if intact else "tui.verify.intact_no"))
    trusted = getattr(signature, "trusted", None)
    if isinstance(trusted, bool):
        add("tui.verify.f.trusted",
            t("tui.verify.trusted_yes" if trusted else "tui.verify.trusted_no"))
    coverage = getattr(signature, "coverage", None)
    if coverage:
        add("tui.verify.f.coverage", _mapped(COVERAGE, coverage))
    level = getattr(signature, "modification_level", None)
    if level:
        add("tui.verify.f.modification", _mapped(MODIFICATION, level))
    changes = getattr(signature, "changes_after", None)
    if changes:
        add("tui.verify.f.changes", _mapped(CHANGES, changes))
    problem = getattr(signature, "problem", None)
    if problem:
        add("tui.verify.f.problem", str(problem))
    return rows


def report_text(path: Path, report: Any, trust: Sequence[Path] = ()) -> Text:
    """A verifier report in the user's words: each signature's verdict and facts, findings."""
    out = Text()
    out.append(t("tui.verify.file", path=str(path)) + "\n", style="bold")
    if trust:
        out.append(t("tui.verify.trust_list", files="、".join(p.name for p in trust)) + "\n")
    else:
        out.append(t("tui.verify.trust_none") + "\n", style="yellow")
    signatures = list(getattr(report, "signatures", ()) or ())
    if not signatures:
        out.append(t("tui.verify.no_signatures") + "\n", style="bold red")
    for number, signature in enumerate(signatures, start=1):
        key, style = signature_verdict(signature)
        out.append(t("tui.verify.signature", n=number, verdict=t(key)) + "\n", style=style)
        for line in columns(signature_rows(signature)):
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


PDF_FILES = (".pdf",)
CERT_FILES = (".pem", ".crt", ".cer", ".der")


class SupervisorScreen(ReviewerScreen):
    CSS_PATH = "supervisor.tcss"
    BINDINGS = [
        bind("escape", "leave", "leave_supervisor"),
        bind("o", "open_pdf", "open_pdf"),
        bind("t", "add_trust", "add_trust"),
        bind("c", "check_audit", "check_audit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.last_pdf: Path | None = None

    def compose(self) -> ComposeResult:
        self.sub_title = t("tui.verify.subtitle")
        yield Header()
        with VerticalScroll(id="supervisor-body"):
            yield Static(t("tui.verify.explain"), id="verify-explain")
            yield Static("", id="verify-report")
            yield Static("", id="audit-report")
        yield Footer()

    @property
    def trust(self) -> list[Path]:
        """The certificates chosen in this session (kept by the app across visits)."""
        return self.reviewer.supervisor_trust

    def action_leave(self) -> None:
        self.app.pop_screen()

    def _start(self) -> Path:
        if self.last_pdf is not None:
            return self.last_pdf.parent
        export = self.reviewer.tools.export_path
        return export.parent if export is not None and export.parent.is_dir() else Path.cwd()

    def action_open_pdf(self) -> None:
        if self.reviewer.tools.verifier is None:
            self.query_one("#verify-report", Static).update(t("tui.not_available"))
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.last_pdf = path
                self._verify(path)

        self.app.push_screen(FilePicker(t("tui.verify.open_title"), PDF_FILES, self._start()),
                             chosen)

    def action_add_trust(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is None:
                return
            if path not in self.trust:
                self.trust.append(path)
            self.app.notify(t("tui.verify.trust_added", file=path.name), timeout=4)
            if self.last_pdf is not None:
                self._verify(self.last_pdf)

        self.app.push_screen(FilePicker(t("tui.verify.trust_title"), CERT_FILES, self._start()),
                             chosen)

    def _verify(self, path: Path) -> None:
        verifier = self.reviewer.tools.verifier
        if verifier is None:
            return
        trust = tuple(self.trust)
        self.query_one("#verify-report", Static).update(t("tui.verify.working"))
        run_job(self, "verify", lambda: verifier(path, trust=trust),  # locks only to snapshot
                context=(path, trust))

    def action_check_audit(self) -> None:
        self.query_one("#audit-report", Static).update(t("tui.verify.working"))
        run_job(self, "audit", self.gateway.verify_audit)

    @on(JobFinished)
    def _finished(self, message: JobFinished) -> None:
        target = "#verify-report" if message.job == "verify" else "#audit-report"
        if message.error is not None:
            self.query_one(target, Static).update(Text(str(message.error), style="bold red"))
        elif message.job == "verify":
            path, trust = message.context
            self.query_one(target, Static).update(report_text(path, message.result, trust))
        else:
            self.query_one(target, Static).update(audit_text(message.result))

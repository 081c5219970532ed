"""How quick the terminal application stays with a queue of 5,000 applications.

    python bench/bench_tui.py [--apps 5000] [--keys 40]

Runs the real app headless (Textual's pilot) on a session stored in a temporary SQLite file
and prints: startup to the first screen, opening the scoring screen (5,000-row queue), and
per-keystroke latency for moving in the queue (each move rendering the application's
Markdown, and keys held down, when it renders only where the cursor stops) and typing a score. Pilot adds its own wait
for idleness to every key; the same key on a bare one-Input app is measured as a baseline
and subtracted ("net"). Start-up is compared with the bare one-Input app and with a bare app
showing the waiting screen's widgets (header, name list, PIN field, button, footer).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from argon2 import PasswordHasher  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.containers import Horizontal, Vertical  # noqa: E402
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static  # noqa: E402

from reviewer.domain.case import Application, Case, Expert, Group, Rules  # noqa: E402
from reviewer.domain.panel import load_panel_by_id  # noqa: E402
from reviewer.session import Session, Unlocked  # noqa: E402
from reviewer.tui.app import ReviewerApp  # noqa: E402
from reviewer.tui.screens.scoring import ScoringScreen  # noqa: E402
from reviewer.tui.screens.waiting import WaitingScreen  # noqa: E402
from reviewer.tui.widgets import application_view  # noqa: E402
from reviewer.tui.widgets.queue_table import QueueTable  # noqa: E402

PIN_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("000000")


def unlocked(apps: int) -> Unlocked:
    panel = load_panel_by_id("yunling-craftsman")
    rows = tuple(Application(f"A{i:05d}", f"申报人{i}号", f"示例单位{i % 400}", "g1", "main",
                             summary=f"第{i}号申报的简介（虚构）。")
                 for i in range(apps))
    experts = tuple(Expert(f"E{i}", f"专家{i}", "高级工程师", f"专家单位{i}", ("g1",), PIN_HASH)
                    for i in range(1, 4))
    case = Case("bench-tui", panel.id, "基准", 2026, Rules(),
                (Group("g1", "先进制造组", "professional", 20),
                 Group("comp", "综合组", "comprehensive")), rows, experts)
    return Unlocked(case, panel, "0" * 64)


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Input()


class SameWidgets(App[None]):
    """The waiting screen's widgets on a bare app: what Textual itself takes to show them."""

    CSS = """
    #body { height: 1fr; padding: 1 2; }
    #pick { width: 1fr; margin-right: 2; }
    #experts { height: 1fr; }
    #login { width: 1fr; max-width: 48; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="pick"):
                yield Label("pick a name")
                yield OptionList(*(f"专家{i}  高级工程师" for i in range(1, 4)), id="experts")
            with Vertical(id="login"):
                yield Static("welcome")
                yield Label("PIN")
                yield Input(password=True, restrict=r"[0-9]*", max_length=32)
                yield Button("登录", variant="primary")
                yield Static("")
        yield Footer()


async def baseline(keys: int) -> float:
    async with Bare().run_test() as pilot:
        times = []
        for _ in range(keys):
            start = time.perf_counter()
            await pilot.press("x")
            times.append(time.perf_counter() - start)
    return statistics.median(times)


async def until(check: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not check():
        if time.perf_counter() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.001)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


async def run(apps: int, keys: int, db: Path) -> None:
    started = time.perf_counter()
    session = Session.attach(unlocked(apps), f"sqlite:///{db}")
    session.run(lambda r: r.acknowledge("E1"))
    session.run(lambda r: [e for a in r.scope("E1") for e in r.declare_no_conflict("E1", a.id)])
    prepared = time.perf_counter() - started
    gc.freeze()  # as ``reviewer open`` does once the session is open

    base = await baseline(keys)
    start = time.perf_counter()  # the same pilot start-up on the bare one-Input app, warm
    async with Bare().run_test(size=(100, 30)) as bare_pilot:
        await bare_pilot.pause()
    bare_start = time.perf_counter() - start
    async with SameWidgets().run_test(size=(100, 30)) as same_pilot:
        await same_pilot.pause()  # warm, like the bare app above
    start = time.perf_counter()
    async with SameWidgets().run_test(size=(100, 30)) as same_pilot:
        await same_pilot.pause()
    same_start = time.perf_counter() - start
    start = time.perf_counter()
    app = ReviewerApp(session, refresh_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(lambda: isinstance(app.screen, WaitingScreen), "the waiting screen")
        await pilot.pause()
        first_screen = time.perf_counter() - start

        start = time.perf_counter()
        app.skipped_pin_change.add("E1")
        app.login("E1")
        await pilot.pause()
        await until(lambda: isinstance(app.screen, ScoringScreen) and app.screen.query(
            QueueTable) and app.screen.query_one(QueueTable).row_count == apps, "the queue")
        await pilot.pause()
        scoring_opens = time.perf_counter() - start

        delay = application_view.RENDER_DELAY
        moves = []
        for _ in range(keys):
            start = time.perf_counter()
            await pilot.press("down")
            moves.append(time.perf_counter() - start)
        # holding ↓: the Markdown render waits until the keys stop (simulated by a long delay)
        application_view.RENDER_DELAY = 60.0
        held = []
        for _ in range(keys):
            start = time.perf_counter()
            await pilot.press("down")
            held.append(time.perf_counter() - start)
        application_view.RENDER_DELAY = delay
        end = time.perf_counter()
        await pilot.press("end")
        jump_end = time.perf_counter() - end

        await pilot.press("enter")
        typing = []
        for index in range(keys):
            start = time.perf_counter()
            await pilot.press(str(index % 10))
            typing.append(time.perf_counter() - start)
            await pilot.press("backspace")
        start = time.perf_counter()
        await pilot.press("1", "tab")
        await app.workers.wait_for_complete()
        await pilot.pause()
        saved = time.perf_counter() - start

        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        current = screen.query_one(QueueTable).current
        start = time.perf_counter()
        for _ in range(20):
            screen.open(current or "")
        open_direct = (time.perf_counter() - start) / 20
        start = time.perf_counter()
        for _ in range(20):
            screen._update_queue()
        queue_update = (time.perf_counter() - start) / 20

    print(f"applications in the queue        {apps}")
    print(f"prepare session (not UI)          {ms(prepared)}")
    print(f"startup to the first screen       {ms(first_screen)}  bare app {ms(bare_start)}"
          f"  ratio {first_screen / bare_start:.2f}x")
    print(f"  the same widgets on a bare app    {ms(same_start)}"
          f"  ratio {first_screen / same_start:.2f}x")
    print(f"login to scoring screen (queue)   {ms(scoring_opens)}")
    print(f"pilot baseline per key (bare app) {ms(base)}")
    print(f"queue ↓ per key   median {ms(statistics.median(moves))}  "
          f"p95 {ms(sorted(moves)[int(len(moves) * 0.95) - 1])}  "
          f"net {ms(statistics.median(moves) - base)}")
    print(f"queue ↓ held (render at the end) median {ms(statistics.median(held))}  "
          f"net {ms(statistics.median(held) - base)}")
    print(f"queue End (jump to row {apps})    {ms(jump_end)}")
    print(f"score digit per key median {ms(statistics.median(typing))}  "
          f"net {ms(statistics.median(typing) - base)}")
    print(f"type '1' + tab until saved        {ms(saved)}")
    print(f"open one application (direct)     {ms(open_direct)}")
    print(f"queue refresh after a save        {ms(queue_update)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", type=int, default=5000)
    parser.add_argument("--keys", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        asyncio.run(run(args.apps, args.keys, Path(scratch) / "bench.db"))


if __name__ == "__main__":
    main()

"""The real program in a real terminal: tmux runs the demo, keys go in with send-keys and the
screen comes back with capture-pane; the score must land in the session database.

Uses its own tmux server socket, so it never touches anyone's tmux sessions.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from reviewer.tui.demo import DEMO_PIN, demo_session

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.tmux,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")]


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                             timeout=20)
        assert out.returncode == 0, f"tmux {' '.join(args[:1])}: {out.stderr.strip()}"
        return out.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "demo", key)
            time.sleep(0.05)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "demo")

    def wait_for(self, text: str, timeout: float = 40.0) -> str:
        """Poll the screen until ``text`` shows (spaces and line breaks ignored)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in "".join(screen.split()):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}")
            time.sleep(0.2)


    def burst(self, keys: list[str], spacing: float) -> None:
        """``spacing`` 0: one send-keys, every key written at once; else one call per key."""
        if spacing == 0:
            self.tmux("send-keys", "-t", "demo", *keys)
            return
        for key in keys:
            self.tmux("send-keys", "-t", "demo", key)
            time.sleep(spacing)


def start_demo(tmp_path: Path, size: tuple[int, int] = (100, 30)) -> tuple[Terminal, Path]:
    db = tmp_path / "demo.db"
    # a server of its own per test: a socket reused right after kill-server can refuse the
    # next new-session while the old server is still going away
    term = Terminal(f"reviewer-test-{os.getpid()}-{tmp_path.name}")
    env = f"PYTHONPATH={ROOT} REVIEWER_LANG=zh"
    command = f"env {env} {sys.executable} -m reviewer.tui.demo {db}"
    term.tmux("new-session", "-d", "-s", "demo", "-x", str(size[0]), "-y", str(size[1]),
              "-c", str(ROOT), command)
    return term, db


def log_in_to_scoring(term: Terminal) -> None:
    """The first demo expert: PIN, 保密承诺, 回避申明 (none), up to the first application."""
    term.wait_for("请选择您的姓名")
    # keys sent before the app takes input are lost: Home (first name) + Enter is idempotent
    for _ in range(10):
        term.keys("Home", "Enter")
        try:
            term.wait_for("张明华的个人口令", timeout=3)
            break
        except AssertionError:
            continue
    term.keys(DEMO_PIN, "Enter")
    term.wait_for("首次登录")
    term.keys("Escape")
    term.wait_for("保密承诺")
    term.keys("End")
    term.wait_for("已阅读至末尾")
    term.keys(DEMO_PIN, "Enter")
    term.wait_for("回避申明")
    term.keys("a")
    term.wait_for("本人确认与其余4项")
    term.keys("Enter")
    term.wait_for("全部申明完毕")
    term.keys("c")
    term.wait_for("单位：昆明示例机械厂")  # the first application is open: ready for keys


def stored_scores(db: Path, expected: int) -> dict[tuple[str, str, str], dict[str, Decimal]]:
    """The session's scores once ``expected`` cells are stored (or after 40 s)."""
    session = demo_session(str(db))
    try:
        deadline = time.monotonic() + 40  # generous: CI machines are busy
        while time.monotonic() < deadline:
            session.refresh()
            if sum(len(v) for v in session.review.state.scores.values()) >= expected:
                break
            time.sleep(0.2)
        return dict(session.review.state.scores)
    finally:
        session.close()


def test_login_and_one_score_in_a_real_terminal(tmp_path: Path) -> None:
    term, db = start_demo(tmp_path)
    try:
        log_in_to_scoring(term)
        term.keys("Enter", "2", "0", "Tab")
        screen = term.wait_for("A001陈立新草稿20")  # the queue row (toasts may cover the form)
        assert "工艺专长（≤25）" in screen and "事迹材料" in screen

        assert stored_scores(db, 1) == {
            ("E01", "A001", "professional"): {"craft_expertise": Decimal(20)}}
        session = demo_session(str(db))
        try:
            assert session.review.has_acknowledged("E01")
        finally:
            session.close()
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True,
                       timeout=20)


BURST = ["9", "BSpace", "2", "1", "Tab", "1", "9", "9", "BSpace", "Enter", "1", "8", "Tab",
         "x", "BSpace", "2", "5", "Enter"]  # 21 · 19 · 18 · 25, then on to the next application


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
def test_key_bursts_land_in_their_fields_while_the_machine_is_busy(
        tmp_path: Path, size: tuple[int, int]) -> None:
    """Issue 10, major 1: bursts at 0 ms and 20 ms spacing, with a busy loop on another core.

    A001 gets the burst written at once, A002 at 20 ms, A003 at 0 ms again; each must store
    exactly 21 · 19 · 18 · 25 — no key in another field, none lost, none reordered.
    """
    load = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    term, db = start_demo(tmp_path, size)
    try:
        log_in_to_scoring(term)
        term.keys("Enter")  # into A001's first field
        for spacing in (0, 0.02, 0):
            term.burst(BURST, spacing)
        scores = stored_scores(db, 12)
        expected = {"craft_expertise": Decimal(21), "skill_level": Decimal(19),
                    "leadership": Decimal(18), "contribution": Decimal(25)}
        for app_id in ("A001", "A002", "A003"):
            assert scores.get(("E01", app_id, "professional")) == expected, (app_id, scores)
        assert ("E01", "A004", "professional") not in scores
    finally:
        load.kill()
        load.wait()
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True,
                       timeout=20)

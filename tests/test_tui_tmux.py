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
                             check=True, timeout=20)
        return out.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "demo", key)
            time.sleep(0.05)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "demo")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Poll the screen until ``text`` shows (spaces and line breaks ignored)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in "".join(screen.split()):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}")
            time.sleep(0.2)


def test_login_and_one_score_in_a_real_terminal(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    term = Terminal(f"reviewer-test-{os.getpid()}")
    env = f"PYTHONPATH={ROOT} REVIEWER_LANG=zh"
    command = f"env {env} {sys.executable} -m reviewer.tui.demo {db}"
    term.tmux("new-session", "-d", "-s", "demo", "-x", "100", "-y", "30", "-c", str(ROOT),
              command)
    try:
        term.wait_for("请选择您的姓名")
        term.keys("Enter", DEMO_PIN, "Enter")
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
        term.keys("Enter", "2", "0", "Tab")
        screen = term.wait_for("A001陈立新草稿20")  # the queue row (toasts may cover the form)
        assert "工艺专长（≤25）" in screen and "事迹材料" in screen

        session = demo_session(str(db))
        try:
            deadline = time.monotonic() + 10
            while not session.review.state.scores and time.monotonic() < deadline:
                time.sleep(0.2)
                session.refresh()
            assert session.review.state.scores == {
                ("E01", "A001", "professional"): {"craft_expertise": Decimal(20)}}
            assert session.review.has_acknowledged("E01")
        finally:
            session.close()
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True,
                       timeout=20)

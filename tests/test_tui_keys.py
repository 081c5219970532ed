"""Keys: every action is a binding with an id and words in both languages, ``?`` lists the
keys of the current screen, the command palette reaches the same actions in Chinese, the
theme toggles, and any key counts as activity for the idle logout."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import reviewer.tui
from reviewer.i18n.catalog import MESSAGES
from reviewer.tui.commands import system_commands
from reviewer.tui.screens.form_dialog import FormDialog
from reviewer.tui.screens.help import HelpScreen
from reviewer.tui.screens.scoring import ScoringScreen
from tests.test_tui_support import build_session, flat_text, log_in, make_app, pilot_test, settle


def all_bindings() -> list[tuple[str, object]]:
    found = []
    for module in pkgutil.walk_packages(reviewer.tui.__path__, "reviewer.tui."):
        loaded = importlib.import_module(module.name)
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if cls.__module__ == loaded.__name__:
                for binding in cls.__dict__.get("BINDINGS", []):
                    found.append((cls.__name__, binding))
    return found


def test_every_binding_has_an_id_and_words_in_both_languages() -> None:
    bindings = all_bindings()
    assert len(bindings) > 30
    for owner, binding in bindings:
        assert binding.id, owner  # type: ignore[attr-defined]
        assert binding.description in MESSAGES, owner  # type: ignore[attr-defined]
        assert binding.tooltip in MESSAGES, owner  # type: ignore[attr-defined]


def test_every_tcss_file_belongs_to_a_module(tmp_path: Path) -> None:
    root = Path(reviewer.tui.__file__).parent
    styles = sorted(root.rglob("*.tcss"))
    assert styles
    for style in styles:
        assert style.with_suffix(".py").exists(), style


@pilot_test
async def test_help_lists_the_keys_of_the_current_screen(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = flat_text(app)
        assert "f8评审秘书" in text and "f9监督核验" in text and "弃权" not in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@pilot_test
async def test_palette_reaches_the_scoring_actions_in_chinese(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    session.run(lambda r: r.acknowledge("E2"))
    session.run(lambda r: [e for a in ("A1", "A2", "A3", "A4")
                           for e in r.declare_no_conflict("E2", a)])
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, 1)
        assert isinstance(app.screen, ScoringScreen)
        commands = {c.title: c for c in system_commands(app, app.screen)}
        for title in ("下一项", "上一项", "弃权", "回避", "提交", "帮助", "退出登录", "切换明暗主题"):
            assert title in commands
        await commands["弃权"].callback()  # type: ignore[misc]
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"材料不全", "enter")
        await settle(pilot)
        assert session.review.state.abstained[("E2", "A1", "professional")] == "材料不全"
        dark = app.current_theme.dark
        await commands["切换明暗主题"].callback()  # type: ignore[misc]
        assert app.current_theme.dark != dark


@pilot_test
async def test_any_key_counts_as_activity(tmp_path: Path) -> None:
    session, _ = build_session(tmp_path)
    app = make_app(session, idle_minutes=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, 1)
        app.last_activity -= 120
        await pilot.press("down")
        app.check_idle_logout()
        assert app.expert == "E2"

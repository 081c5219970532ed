"""Choose a file from a list, not by typing its path: a directory tree showing only the
kinds of file asked for (``.pdf``, or ``.pem``/``.crt`` certificates).

Enter on a file chooses it; enter on a directory opens it; backspace goes up one directory;
escape cancels. Dismisses with the chosen path, or ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DirectoryTree, Label, Static

from reviewer.i18n import t
from reviewer.tui.keys import bind
from reviewer.tui.screens.base import ReviewerModal


class FilteredTree(DirectoryTree):
    """Directories and files with one of ``suffixes``; hidden entries left out."""

    def __init__(self, path: Path, suffixes: tuple[str, ...], *, id: str | None = None) -> None:
        super().__init__(path, id=id)
        self.suffixes = suffixes

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in self.suffixes)]


class FilePicker(ReviewerModal[Path | None]):
    CSS_PATH = "file_picker.tcss"
    BINDINGS = [
        bind("escape", "cancel", "cancel"),
        bind("backspace", "up", "parent_directory"),
    ]

    def __init__(self, title: str, suffixes: tuple[str, ...], start: Path | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.suffixes = suffixes
        self.start = (start or Path.cwd()).resolve()

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(self.title_text, id="picker-title")
            yield Static(self._where(), id="picker-where")
            yield FilteredTree(self.start, self.suffixes, id="picker-tree")
            yield Static(t("tui.picker.help", kinds=" ".join(self.suffixes)), id="picker-help")

    def _where(self) -> str:
        return t("tui.picker.where", path=str(self.start))

    def on_mount(self) -> None:
        self.query_one("#picker-tree", FilteredTree).focus()

    @on(DirectoryTree.FileSelected, "#picker-tree")
    def _file(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(Path(event.path))

    def action_up(self) -> None:
        tree = self.query_one("#picker-tree", FilteredTree)
        parent = Path(tree.path).parent
        if parent != Path(tree.path):
            self.start = parent
            tree.path = parent
            self.query_one("#picker-where", Static).update(self._where())

    def action_cancel(self) -> None:
        self.dismiss(None)

"""The expert's queue: id, name, status (未评/草稿/已评/回避/弃权) and their own total.

Thousands of rows are added in one pass when the screen opens; afterwards only the cells of
an application whose status or total changed are updated, never the whole table.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from textual import events
from textual.widgets import DataTable

from reviewer.domain.review import ABSTAINED, DRAFT, RECUSED, SCORED, UNSCORED, QueueItem
from reviewer.i18n import t
from reviewer.tui.labels import status_name
from reviewer.tui.text import Cell, clip
from reviewer.tui.widgets.css import css_beside
from reviewer.tui.widgets.in_order import KeysInOrder

NAME_CELLS = 12
STYLES = {UNSCORED: "bold", DRAFT: "yellow", SCORED: "green", RECUSED: "red dim",
          ABSTAINED: "magenta"}


def total_text(total: Decimal | None) -> str:
    return "" if total is None else format(total.normalize(), "f")


class QueueTable(DataTable[Cell], KeysInOrder):
    """The queue; moving and choosing call back at once (``on_moved``, ``on_chosen``).

    Textual's own RowHighlighted/RowSelected messages arrive later, after keys typed behind
    the move may already have been applied: the screen acts on the callbacks instead.
    """

    DEFAULT_CSS = css_beside(__file__)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.items: dict[str, QueueItem] = {}
        self.on_moved: Callable[[str], None] | None = None
        self.on_chosen: Callable[[str], None] | None = None

    async def key_in_order(self, event: events.Key) -> None:
        before = self.current
        await super().key_in_order(event)
        current = self.current
        if current is not None and current != before and self.on_moved is not None:
            self.on_moved(current)

    def action_select_cursor(self) -> None:
        current = self.current
        if current is not None and self.on_chosen is not None:
            self.on_chosen(current)
        else:
            super().action_select_cursor()

    def fill(self, items: list[QueueItem], names: dict[str, str]) -> None:
        self.clear(columns=True)
        self.add_column(t("tui.col.id"), key="id")
        self.add_column(t("tui.col.name"), key="name")
        self.add_column(t("tui.col.status"), key="status")
        self.add_column(t("tui.col.total"), key="total")
        self.items = {item.application: item for item in items}
        for item in items:
            self.add_row(Cell(item.application),
                         Cell(clip(names.get(item.application, ""), NAME_CELLS)),
                         self._status(item), Cell(total_text(item.total)), key=item.application)

    @staticmethod
    def _status(item: QueueItem) -> Cell:
        return Cell(status_name(item.status), STYLES.get(item.status, ""))

    def update_items(self, items: list[QueueItem]) -> int:
        """Update the cells that changed; returns how many rows changed."""
        changed = 0
        for item in items:
            old = self.items.get(item.application)
            if old == item or old is None:
                continue
            self.items[item.application] = item
            if old.status != item.status:
                self.update_cell(item.application, "status", self._status(item))
                if item.status == RECUSED:  # recused: only the id stays
                    self.update_cell(item.application, "name", Cell(""))
            if old.total != item.total:
                self.update_cell(item.application, "total", Cell(total_text(item.total)))
            changed += 1
        return changed

    @property
    def current(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def select(self, app_id: str) -> None:
        self.move_cursor(row=self.get_row_index(app_id))

    def step(self, delta: int, skip: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        """Move ``delta`` rows (±1), passing over rows whose status is in ``skip``."""
        row = self.cursor_row + delta
        keys = list(self.items)
        while 0 <= row < self.row_count and self.items[keys[row]].status in skip:
            row += delta
        if 0 <= row < self.row_count:
            self.move_cursor(row=row)

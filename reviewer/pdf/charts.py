"""Per-expert score distribution for the supervision group (第十八条).

One row per expert: whiskers from lowest to highest total, a box over the middle half, the
median as a bar and the mean as a diamond. A summary of this kind costs the same at 30 or
3,000 sheets (a scatter of every total would not), and rows are split into several drawings
so a committee of any size stays legible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.axes import XValueAxis
from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from reviewer.i18n import t
from reviewer.pdf.model import ExpertStat

ROW = 6.2 * mm
LABEL = 34 * mm
ROWS_PER_DRAWING = 32
BOX = colors.HexColor("#9cc3e6")
MEAN = colors.HexColor("#c0392b")


def _quantile(ordered: Sequence[float], q: float) -> float:
    pos = (len(ordered) - 1) * q
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _axis_range(experts: Sequence[ExpertStat], score_max: float) -> tuple[float, float, float]:
    values = [v for e in experts for v in e.totals]
    top = max([score_max, *values]) if values else score_max
    bottom = min(values) if values else 0.0
    step = 10.0 if top - bottom > 30 else 5.0
    low = max(0.0, math.floor((bottom - 1e-9) / step) * step)
    if top - low < step:
        low = max(0.0, low - step)
    return low, math.ceil(top / step) * step, step


def _legend(width: float, font: str) -> Drawing:
    d = Drawing(width, 7 * mm, initialFontName=font)
    y = 3 * mm
    x = LABEL
    d.add(Line(x, y, x + 8 * mm, y, strokeWidth=0.8))
    d.add(String(x + 9.5 * mm, y - 1.2 * mm, t("pdf.chart.range"), fontName=font, fontSize=7))
    x += 32 * mm
    d.add(Rect(x, y - 1.5 * mm, 8 * mm, 3 * mm, fillColor=BOX, strokeWidth=0.5))
    d.add(String(x + 9.5 * mm, y - 1.2 * mm, t("pdf.chart.box"), fontName=font, fontSize=7))
    x += 40 * mm
    d.add(Line(x + 4 * mm, y - 1.8 * mm, x + 4 * mm, y + 1.8 * mm, strokeWidth=1.6))
    d.add(String(x + 6 * mm, y - 1.2 * mm, t("pdf.chart.median"), fontName=font, fontSize=7))
    x += 24 * mm
    d.add(_diamond(x + 4 * mm, y))
    d.add(String(x + 6 * mm, y - 1.2 * mm, t("pdf.chart.mean"), fontName=font, fontSize=7))
    return d


def _diamond(x: float, y: float, r: float = 1.6 * mm) -> Polygon:
    return Polygon([x - r, y, x, y + r, x + r, y, x, y - r], fillColor=MEAN,
                   strokeColor=MEAN, strokeWidth=0.3)


def distribution_charts(experts: Sequence[ExpertStat], width: float, font: str,
                        score_max: float = 100.0) -> list[Drawing]:
    """Drawings (legend first) showing every expert's distribution of totals."""
    if not experts:
        return []
    low, high, step = _axis_range(experts, score_max)
    drawings: list[Drawing] = [_legend(width, font)]
    parts = math.ceil(len(experts) / ROWS_PER_DRAWING)
    per = math.ceil(len(experts) / parts)  # balanced, so no drawing is a lonely stub
    for start in range(0, len(experts), per):
        chunk = experts[start:start + per]
        height = ROW * len(chunk) + 9 * mm
        d = Drawing(width, height, initialFontName=font)
        axis = XValueAxis()
        axis.setPosition(LABEL, 7 * mm, width - LABEL - 4 * mm)
        axis.valueMin, axis.valueMax, axis.valueStep = low, high, step
        axis.labels.fontName = font
        axis.labels.fontSize = 7
        axis.visibleGrid = True
        axis.gridStrokeColor = colors.HexColor("#dddddd")
        axis.gridStrokeWidth = 0.3
        axis.gridStart, axis.gridEnd = 7 * mm, height - 1 * mm
        axis.configure([(low, high)])
        d.add(axis)
        for i, expert in enumerate(chunk):
            y = height - 1 * mm - ROW * (i + 0.5)
            label = expert.name if not expert.group else f"{expert.name}（{expert.group}）"
            d.add(String(LABEL - 2 * mm, y - 1.2 * mm, _clip(label, 22), fontName=font,
                         fontSize=7.5, textAnchor="end"))
            if not expert.totals:
                d.add(String(LABEL + 2 * mm, y - 1.2 * mm, t("pdf.chart.no_sheets"),
                             fontName=font, fontSize=7, fillColor=colors.grey))
                continue
            ordered = sorted(expert.totals)
            x = axis.scale
            q1, med, q3 = (_quantile(ordered, q) for q in (0.25, 0.5, 0.75))
            mean = sum(ordered) / len(ordered)
            d.add(Line(x(ordered[0]), y, x(ordered[-1]), y, strokeWidth=0.8))
            for end in (ordered[0], ordered[-1]):
                d.add(Line(x(end), y - 1.2 * mm, x(end), y + 1.2 * mm, strokeWidth=0.8))
            d.add(Rect(x(q1), y - 1.8 * mm, max(x(q3) - x(q1), 0.6), 3.6 * mm,
                       fillColor=BOX, strokeWidth=0.5))
            d.add(Line(x(med), y - 1.8 * mm, x(med), y + 1.8 * mm, strokeWidth=1.6))
            d.add(_diamond(x(mean), y))
        drawings.append(d)
    return drawings


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

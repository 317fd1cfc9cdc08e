"""Small vector charts for the reports, drawn with reportlab.graphics in the house palette."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

from app.report.common import (
    ACCENT,
    FAINT,
    FONT,
    FONT_BOLD,
    GOOD,
    INK,
    MUTED,
    RULE,
    SERIES,
    SEVERITY,
    WASH,
    fit,
    fmt1,
)


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose initial font is ours: ReportLab's default (Helvetica) would be an unembedded font."""
    d = Drawing(width, height)
    d.initialFontName = FONT
    return d


def section_chart(
    width: float,
    sections: Sequence[str],
    vendors: Sequence[str],
    scores: Sequence[Sequence[float | None]],
) -> Drawing:
    """Grouped horizontal bars: one group per section, one bar per vendor (0–100), leader first in navy.

    `scores[v][s]` is vendor v's score on section s, None when it has none.
    """
    n = max(1, len(vendors))
    bar, gap_in, gap_group = 6.5, 1.5, 11.0
    label_w, value_w = 128.0, 26.0
    legend_row_h, legend_col_w = 12.0, (width - label_w) / 2
    legend_rows = (len(vendors) + 1) // 2
    legend_h = legend_rows * legend_row_h + 10
    axis_h = 14.0
    group_h = n * bar + (n - 1) * gap_in
    plot_h = len(sections) * (group_h + gap_group)
    height = legend_h + axis_h + plot_h + 4
    d = _drawing(width, height)
    x0, x1 = label_w, width - value_w
    span = x1 - x0

    # Legend: two columns under the chart title, names shortened to fit.
    for i, name in enumerate(vendors):
        row, col = divmod(i, 2)
        lx = label_w + col * legend_col_w
        ly = height - (row + 1) * legend_row_h
        d.add(Rect(lx, ly, 8, 8, fillColor=SERIES[i % len(SERIES)], strokeColor=None))
        font = FONT_BOLD if i == 0 else FONT
        d.add(String(lx + 12, ly + 1, fit(name, font, 7.5, legend_col_w - 18), fontName=font, fontSize=7.5, fillColor=INK))

    top = height - legend_h - axis_h
    # Gridlines with the scale on top.
    for tick in (0, 25, 50, 75, 100):
        x = x0 + span * tick / 100
        d.add(Line(x, 2, x, top + 2, strokeColor=RULE if tick else FAINT, strokeWidth=0.4))
        d.add(String(x, top + 5, str(tick), fontName=FONT, fontSize=6.5, fillColor=MUTED, textAnchor="middle"))

    y = top
    for s_index, section in enumerate(sections):
        y -= gap_group / 2
        label_y = y - group_h / 2 - 3
        d.add(String(0, label_y, fit(section, FONT, 8, label_w - 8), fontName=FONT, fontSize=8, fillColor=INK))
        for v_index in range(len(vendors)):
            value = scores[v_index][s_index]
            by = y - bar
            colour = SERIES[v_index % len(SERIES)]
            if value is not None:
                w = max(0.6, span * max(0.0, min(100.0, value)) / 100)
                d.add(Rect(x0, by, w, bar, fillColor=colour, strokeColor=None))
                d.add(String(x0 + w + 3, by + 1, fmt1(value), fontName=FONT_BOLD if v_index == 0 else FONT,
                             fontSize=6, fillColor=INK if v_index == 0 else MUTED))
            else:
                d.add(String(x0 + 3, by + 1, "—", fontName=FONT, fontSize=6, fillColor=MUTED))
            y = by - gap_in
        y += gap_in
        y -= gap_group / 2
    return d


def score_bars(
    width: float,
    sections: Sequence[str],
    values: Sequence[float | None],
    best: Sequence[float | None],
) -> Drawing:
    """One vendor's section scores as bars, with a tick for the best score any vendor reached."""
    row_h, bar = 13.0, 6.5
    label_w, value_w = 112.0, 30.0
    height = len(sections) * row_h + 14
    d = _drawing(width, height)
    x0, x1 = label_w, width - value_w
    span = x1 - x0
    top = height - 12
    for tick in (0, 50, 100):
        x = x0 + span * tick / 100
        d.add(String(x, top + 3, str(tick), fontName=FONT, fontSize=6, fillColor=MUTED, textAnchor="middle"))
    for i, section in enumerate(sections):
        y = top - (i + 1) * row_h + (row_h - bar) / 2
        d.add(String(0, y + 0.5, fit(section, FONT, 8, label_w - 8), fontName=FONT, fontSize=8, fillColor=INK))
        d.add(Rect(x0, y, span, bar, fillColor=WASH, strokeColor=None))
        v = values[i]
        if v is not None:
            d.add(Rect(x0, y, max(0.6, span * max(0.0, min(100.0, v)) / 100), bar, fillColor=ACCENT, strokeColor=None))
        b = best[i]
        if b is not None:
            bx = x0 + span * max(0.0, min(100.0, b)) / 100
            d.add(Line(bx, y - 2, bx, y + bar + 2, strokeColor=INK, strokeWidth=0.9))
        d.add(String(width, y + 0.5, fmt1(v), fontName=FONT_BOLD, fontSize=8, fillColor=INK, textAnchor="end"))
    return d


def share_bar(width: float, share: float, leader: bool) -> Drawing:
    """A thin bar for a 0–1 share (win share in weight scenarios)."""
    d = _drawing(width, 9)
    d.add(Rect(0, 1.5, width, 6, fillColor=WASH, strokeColor=None))
    if share > 0:
        d.add(Rect(0, 1.5, max(0.8, width * min(1.0, share)), 6, fillColor=ACCENT if leader else SERIES[1], strokeColor=None))
    return d


def diverging_bar(width: float, value: float, scale: float) -> Drawing:
    """A bar left (negative) or right (positive) of a centre line; `scale` is the largest |value|."""
    d = _drawing(width, 9)
    mid = width / 2
    d.add(Line(mid, 0, mid, 9, strokeColor=FAINT, strokeWidth=0.5))
    if scale > 0 and value:
        w = (width / 2 - 1) * min(1.0, abs(value) / scale)
        colour = GOOD if value > 0 else SEVERITY["critical"]
        d.add(Rect(mid if value > 0 else mid - w, 1.5, w, 6, fillColor=colour, strokeColor=None))
    return d


def timeline_bars(width: float, promised: float | None, average: float) -> Drawing:
    """Promised months to production against the industry average, on one scale."""
    row_h, bar = 14.0, 7.0
    label_w = 64.0
    d = _drawing(width, 2 * row_h + 2)
    top_value = max(average, promised or 0.0, 1.0) * 1.05
    span = width - label_w - 56
    rows = [("Promised", promised, ACCENT), ("Industry avg.", float(average), FAINT)]
    for i, (label, months, colour) in enumerate(rows):
        y = d.height - (i + 1) * row_h + (row_h - bar) / 2
        d.add(String(0, y + 0.5, label, fontName=FONT, fontSize=8, fillColor=INK))
        if months is None:
            d.add(String(label_w, y + 0.5, "not committed", fontName=FONT_BOLD, fontSize=8,
                         fillColor=SEVERITY["high"]))
            continue
        w = span * months / top_value
        d.add(Rect(label_w, y, max(0.8, w), bar, fillColor=colour, strokeColor=None))
        d.add(String(label_w + w + 4, y + 0.5, f"{months:g} months", fontName=FONT_BOLD if i == 0 else FONT,
                     fontSize=8, fillColor=INK))
    return d


def sparkline(
    width: float,
    height: float,
    expected: Sequence[float],
    actual: Sequence[float | None],
    baseline: float,
    target: float,
    last_ok: bool | None,
) -> Drawing:
    """A metric's trend: the expected trajectory dashed, the actuals as a line, the latest point in its status colour."""
    d = _drawing(width, height)
    values = [baseline, target, *expected, *(a for a in actual if a is not None)]
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        hi, lo = hi + 1, lo - 1
    pad = 2.5
    n = max(1, len(expected) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * (i / n if len(expected) > 1 else 0.5)
        y = pad + (height - 2 * pad) * (v - lo) / (hi - lo)
        return x, y

    ty = xy(0, target)[1]
    d.add(Line(pad, ty, width - pad, ty, strokeColor=RULE, strokeWidth=0.5))
    if len(expected) >= 2:
        pts: list[float] = []
        for i, v in enumerate(expected):
            pts.extend(xy(i, v))
        d.add(PolyLine(pts, strokeColor=FAINT, strokeWidth=0.7, strokeDashArray=[1.5, 1.5]))
    points = [(i, a) for i, a in enumerate(actual) if a is not None]
    if len(points) >= 2:
        pts = []
        for i, a in points:
            pts.extend(xy(i, a))
        d.add(PolyLine(pts, strokeColor=INK, strokeWidth=0.9))
    if points:
        i, a = points[-1]
        x, y = xy(i, a)
        colour = MUTED if last_ok is None else (GOOD if last_ok else SEVERITY["critical"])
        d.add(Circle(x, y, 1.8, fillColor=colour, strokeColor=colors.white, strokeWidth=0.3))
    return d

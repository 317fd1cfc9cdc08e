"""A chart per locked metric (baseline, target, expected trajectory, actuals), the spend against
the quote, and a small trend line: all painted with QPainter in the palette's colours.

QtCharts drew the same lines through a graphics scene of its own, which took 20–30 ms to build
and lay out per chart on the Oversee page's first show (docs/performance.md); a chart here
is a few lists of points and one paint.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.oversight import MetricTrack, Status, month_end, trajectory
from app.ui import theme
from app.ui.widgets.painted import show_tip, wrap_rows
from app.ui.widgets.qt import qdate

DOT = 10.0  # the diameter of a measured point
NEAR = 8.0  # how close (px) the pointer must be to a point for its tooltip


@dataclass
class Series:
    """One line (or a set of dots) of a chart: its name in the legend and its points (day, value)."""

    name: str
    color: Callable[[QPalette], QColor]  # from the palette at paint time: follows light and dark
    points: list[tuple[float, float]] = field(default_factory=list)
    width: float = 2.0
    style: Qt.PenStyle = Qt.PenStyle.SolidLine
    dots: bool = False


def _day(d: date) -> float:
    """A date on the x axis: days since the epoch of `date.toordinal`, at noon."""
    return d.toordinal() + 0.5


def nice_range(lo: float, hi: float, ticks: int = 7) -> tuple[float, float, float]:
    """(low, high, step): the range widened to round steps, as a chart axis labels it."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(ticks - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _label(value: float, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{value:,.{decimals}f}" if abs(value) >= 10_000 else f"{value:.{decimals}f}"


class LineChart(QWidget):
    """A titled chart of lines and dots over dates, with value and date axes and a legend below.

    Hovering a point shows its series, date and value; the accessible description lists them.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(230)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.title = ""
        self.series: list[Series] = []
        self.x_range = (0.0, 1.0)
        self.x_ticks = 6
        self.y_range = (0.0, 1.0, 0.25)
        self._plot = QRectF()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(480, 300)

    def series_names(self) -> list[str]:
        return [s.name for s in self.series]

    def set_chart(self, title: str, series: list[Series], first: date, last: date,
                  y_lo: float, y_hi: float, x_ticks: int = 6) -> None:
        self.title, self.series, self.x_ticks = title, series, x_ticks
        self.x_range = (float(first.toordinal()), float(last.toordinal()) + 23 / 24)
        self.y_range = nice_range(y_lo, y_hi)
        if not self.accessibleName():  # the page may name it better ("Chart of …")
            self.setAccessibleName(title)
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """The chart in words, for screen readers: each series and its points."""
        lines = [self.title]
        for s in self.series:
            if s.points:
                values = ", ".join(f"{date.fromordinal(int(x)).isoformat()} {y:g}" for x, y in s.points)
                lines.append(f"{s.name}: {values}")
        return "\n".join(lines)

    # ----- geometry ------------------------------------------------------------------------

    def _x(self, day: float) -> float:
        lo, hi = self.x_range
        return self._plot.left() + (day - lo) / ((hi - lo) or 1.0) * self._plot.width()

    def _y(self, value: float) -> float:
        lo, hi, _ = self.y_range
        return self._plot.bottom() - (value - lo) / ((hi - lo) or 1.0) * self._plot.height()

    def _legend_rows(self, fm: QFontMetricsF, width: float) -> list[list[tuple[Series, float]]]:
        widths = [14 + fm.horizontalAdvance(s.name) + 14 for s in self.series]
        return [[(self.series[i], widths[i]) for i in row] for row in wrap_rows(widths, width)]

    def _date_ticks(self) -> list[float]:
        lo, hi = self.x_range
        n = max(self.x_ticks, 2)
        return [lo + (hi - lo) * i / (n - 1) for i in range(n)]

    # ----- painting ------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        pal = self.palette()
        base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
        grid = theme.mix(base, text, 0.12)
        axis = theme.mix(base, text, 0.45)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(base)
        p.drawRoundedRect(box, 4, 4)
        font = QFont(self.font())
        fm = QFontMetricsF(font)
        line_h = fm.height()
        pad = 8.0
        # The title on top, the legend at the bottom, the axis labels around the plot.
        title_h = line_h + 6 if self.title else 0.0
        legend = self._legend_rows(fm, box.width() - 2 * pad)
        legend_h = len(legend) * (line_h + 2) + 4
        y_lo, y_hi, step = self.y_range
        values = [y_lo + i * step for i in range(int(round((y_hi - y_lo) / step)) + 1)]
        labels = [_label(v, step) for v in values]
        days = self._date_ticks()
        locale = self.locale()
        dates = [locale.toString(qdate(date.fromordinal(int(d))), "MMM yy") for d in days]
        label_w = max((fm.horizontalAdvance(s) for s in labels), default=0.0)
        first_w = fm.horizontalAdvance(dates[0]) / 2 if dates else 0.0
        last_w = fm.horizontalAdvance(dates[-1]) / 2 if dates else 0.0
        left = pad + max(label_w + 6, first_w)
        self._plot = QRectF(
            left,
            pad + title_h + line_h / 2,
            max(box.width() - left - pad - last_w, 10.0),
            max(box.height() - pad - title_h - line_h / 2 - (line_h + 4) - legend_h - pad, 10.0),
        )
        plot = self._plot
        p.setFont(font)
        if self.title:
            p.setPen(text)
            p.drawText(QRectF(box.left(), pad, box.width(), line_h + 2),
                       int(Qt.AlignmentFlag.AlignCenter), self.title)
        # Grid and value labels.
        for v, label in zip(values, labels, strict=True):
            y = self._y(v)
            p.setPen(QPen(grid, 1))
            p.drawLine(QLineF(plot.left(), y, plot.right(), y))
            p.setPen(text)
            p.drawText(QRectF(pad, y - line_h / 2, left - pad - 6, line_h),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
        for d, label in zip(days, dates, strict=True):
            x = self._x(d)
            p.setPen(QPen(grid, 1))
            p.drawLine(QLineF(x, plot.top(), x, plot.bottom()))
            p.setPen(text)
            w = fm.horizontalAdvance(label)
            p.drawText(QRectF(x - w / 2 - 2, plot.bottom() + 4, w + 4, line_h),
                       int(Qt.AlignmentFlag.AlignCenter), label)
        p.setPen(QPen(axis, 1))
        p.drawLine(QLineF(plot.bottomLeft(), plot.bottomRight()))
        p.drawLine(QLineF(plot.bottomLeft(), plot.topLeft()))
        # The series, lines first and dots over them, clipped to the plot.
        p.save()
        p.setClipRect(plot.adjusted(-DOT, -DOT, DOT, DOT))
        for s in self.series:
            if s.dots or len(s.points) < 2:
                continue
            pen = QPen(s.color(pal), s.width, s.style)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            p.setPen(pen)
            p.drawPolyline(QPolygonF([QPointF(self._x(x), self._y(y)) for x, y in s.points]))
        for s in self.series:
            if not s.dots:
                continue
            p.setPen(QPen(base, 1))
            p.setBrush(s.color(pal))
            for x, y in s.points:
                p.drawEllipse(QPointF(self._x(x), self._y(y)), DOT / 2, DOT / 2)
        p.restore()
        # The legend: a marker in each series' colour, then its name.
        y = box.bottom() - pad - legend_h + 4
        for row in legend:
            x = box.left() + (box.width() - sum(w for _, w in row)) / 2
            for s, w in row:
                p.setPen(QPen(base, 1))
                p.setBrush(s.color(pal))
                p.drawRect(QRectF(x, y + (line_h - 9) / 2, 9, 9))
                p.setPen(text)
                p.drawText(QRectF(x + 14, y, w - 14, line_h), int(Qt.AlignmentFlag.AlignVCenter), s.name)
                x += w
            y += line_h + 2
        p.end()

    def point_at(self, pos: QPointF) -> tuple[Series, tuple[float, float]] | None:
        """The series and point nearest `pos` within a few pixels (dots before lines), or None."""
        best: tuple[float, Series, tuple[float, float]] | None = None
        for s in sorted(self.series, key=lambda s: not s.dots):
            for point in s.points:
                d = math.hypot(self._x(point[0]) - pos.x(), self._y(point[1]) - pos.y())
                if d <= NEAR and (best is None or d < best[0] - 0.5):
                    best = (d, s, point)
        return None if best is None else (best[1], best[2])

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            found = self.point_at(QPointF(event.pos()))
            tip = ""
            if found is not None:
                s, (x, y) = found
                when = self.locale().toString(qdate(date.fromordinal(int(x))), "d MMM yyyy")
                tip = f"{s.name} · {when}: {y:g}"
            return show_tip(self, event, tip)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.update()
        return super().event(event)


class MetricChart(LineChart):
    """One metric over time. The expected line comes from the domain's trajectory, never from here."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._track: MetricTrack | None = None

    def show_track(self, track: MetricTrack, kickoff: date) -> None:
        self._track = track
        m = track.metric
        assert m.baseline is not None and m.target is not None
        line = trajectory(m, kickoff)
        ends = [d for d, _ in line] + [month_end(p.month) for p in track.points]
        last = max([*ends, kickoff])

        def flat(name: str, value: float, color: Callable[[QPalette], QColor]) -> Series:
            return Series(name, color, [(_day(kickoff), value), (_day(last), value)], 1.5, Qt.PenStyle.DashLine)

        expected = [(_day(d), v) for d, v in line]
        if line and line[-1][0] < last:
            expected.append((_day(last), line[-1][1]))
        measured = [p for p in track.points if p.actual is not None]
        series = [
            flat(self.tr("Baseline"), m.baseline, _faint),
            flat(self.tr("Target"), m.target, _tone("on track")),
            Series(self.tr("Expected"), _highlight, expected, 2, Qt.PenStyle.DotLine),
            Series(self.tr("Actual"), _text, [(_day(month_end(p.month)), p.actual or 0.0) for p in measured]),
        ]
        for st, label in ((Status.ON_TRACK, self.tr("On track")), (Status.OFF_TRACK, self.tr("Off track"))):
            series.append(Series(
                label,
                _tone(st.value),
                [(_day(month_end(p.month)), p.actual or 0.0) for p in measured if p.status is st],
                dots=True,
            ))
        values = [m.baseline, m.target, *(p.actual for p in measured if p.actual is not None)]
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.12 or 1.0
        unit = f" ({m.unit})" if m.unit else ""
        self.set_chart(f"{m.name}{unit}", series, kickoff, last, lo - pad, hi + pad)


class SpendChart(LineChart):
    """Cumulative spend against the quote pro rata and the overrun limit, month by month."""

    def show_spend(self, points: list[tuple[str, float, float | None]], threshold: float, currency: str) -> None:
        spent = Series(self.tr("Spent"), _text)
        quoted = Series(self.tr("Quote, pro rata"), _highlight, style=Qt.PenStyle.DotLine)
        limit = Series(self.tr("Limit (+{n} %)").replace("{n}", f"{threshold * 100:g}"),
                       _tone("critical"), width=1.5, style=Qt.PenStyle.DashLine)
        values: list[float] = [0.0]
        for month, total, due in points:
            x = _day(month_end(month))
            spent.points.append((x, total))
            values.append(total)
            if due is not None:
                quoted.points.append((x, due))
                limit.points.append((x, due * (1 + threshold)))
                values.append(due * (1 + threshold))
        title = self.tr("Spend to date against the quote") + (f" ({currency})" if currency else "")
        series = [s for s in (spent, quoted, limit) if s.points]
        if not points:
            self.set_chart(title, series, date.today(), date.today(), 0.0, 1.0)
            return
        first, last = month_end(points[0][0]), month_end(points[-1][0])
        self.set_chart(title, series, first, last, 0.0, max(values) * 1.1 or 1.0,
                       x_ticks=max(2, min(6, len(points))))


def _text(pal: QPalette) -> QColor:
    return pal.color(QPalette.ColorRole.Text)


def _highlight(pal: QPalette) -> QColor:
    return pal.color(QPalette.ColorRole.Highlight)


def _tone(kind: str) -> Callable[[QPalette], QColor]:
    return lambda pal: theme.tone(kind, pal)


def _faint(pal: QPalette) -> QColor:
    return theme.mix(pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text), 0.45)


class Sparkline(QWidget):
    """A few months of a metric at a glance; the last point in the colour of its status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[float] = []
        self.status = ""
        self.setMinimumSize(QSize(90, 26))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(96, 26)

    def set_values(self, values: list[float], status: str = "") -> None:
        self.values, self.status = values, status
        self.setToolTip(" → ".join(f"{v:g}" for v in values))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if not self.values:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        w, h, pad = self.width(), self.height(), 4.0
        lo, hi = min(self.values), max(self.values)
        span = hi - lo or 1.0
        n = len(self.values)

        def at(i: int, v: float) -> QPointF:
            x = pad + (w - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)
            return QPointF(x, h - pad - (h - 2 * pad) * ((v - lo) / span if hi > lo else 0.5))

        points = [at(i, v) for i, v in enumerate(self.values)]
        p.setPen(
            QPen(
                theme.mix(
                    pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text), 0.6
                ),
                1.5,
            )
        )
        for a, b in zip(points, points[1:], strict=False):
            p.drawLine(a, b)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(
            theme.tone(self.status, pal) if self.status else pal.color(QPalette.ColorRole.Text)
        )
        p.drawEllipse(points[-1], 3.0, 3.0)
        p.end()

"""A chart per locked metric (baseline, target, expected trajectory, actuals) and a small trend line."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from PySide6.QtCharts import (
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.oversight import MetricTrack, Status, month_end, trajectory
from app.ui import theme
from app.ui.widgets.qt import qdatetime


def _ms(d: date) -> float:
    return float(qdatetime(datetime.combine(d, time(12))).toMSecsSinceEpoch())


class MetricChart(QChartView):
    """One metric over time. The expected line comes from the domain's trajectory, never from here."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(230)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._track: MetricTrack | None = None
        self._kickoff: date | None = None
        # The view starts with an empty chart of its own; `_build` replaces it (and deletes it).

    def show_track(self, track: MetricTrack, kickoff: date) -> None:
        self._track, self._kickoff = track, kickoff
        self._build()

    def series_names(self) -> list[str]:
        return [s.name() for s in self.chart().series()]

    def _build(self) -> None:
        if self._track is None or self._kickoff is None:
            return
        m, kickoff = self._track.metric, self._kickoff
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.Text)
        faint = theme.mix(pal.color(QPalette.ColorRole.Base), text, 0.45)
        chart = QChart()
        chart.setBackgroundBrush(pal.color(QPalette.ColorRole.Base))
        chart.setBackgroundRoundness(4)
        chart.setMargins(chart.margins() * 0)
        unit = f" ({m.unit})" if m.unit else ""
        chart.setTitle(f"{m.name}{unit}")
        chart.setTitleBrush(text)
        chart.legend().setLabelColor(text)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)

        line = trajectory(m, kickoff)
        ends = [d for d, _ in line] + [month_end(p.month) for p in self._track.points]
        last = max([*ends, kickoff])
        first = kickoff

        def flat(name: str, value: float, color: QColor, style: Qt.PenStyle) -> QLineSeries:
            s = QLineSeries()
            s.setName(name)
            s.append(_ms(first), value)
            s.append(_ms(last), value)
            s.setPen(QPen(color, 1.5, style))
            return s

        series: list[QLineSeries | QScatterSeries] = []
        assert m.baseline is not None and m.target is not None
        series.append(flat(self.tr("Baseline"), m.baseline, faint, Qt.PenStyle.DashLine))
        series.append(
            flat(self.tr("Target"), m.target, theme.tone("on track", pal), Qt.PenStyle.DashLine)
        )
        expected = QLineSeries()
        expected.setName(self.tr("Expected"))
        for d, v in line:
            expected.append(_ms(d), v)
        if line and line[-1][0] < last:
            expected.append(_ms(last), line[-1][1])
        expected.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 2, Qt.PenStyle.DotLine))
        series.append(expected)

        measured = [p for p in self._track.points if p.actual is not None]
        actual = QLineSeries()
        actual.setName(self.tr("Actual"))
        actual.setPen(QPen(text, 2))
        for p in measured:
            actual.append(_ms(month_end(p.month)), p.actual or 0.0)
        series.append(actual)
        for st, label in (
            (Status.ON_TRACK, self.tr("On track")),
            (Status.OFF_TRACK, self.tr("Off track")),
        ):
            dots = QScatterSeries()
            dots.setName(label)
            dots.setMarkerSize(10)
            dots.setColor(theme.tone(st.value, pal))
            dots.setBorderColor(pal.color(QPalette.ColorRole.Base))
            for p in measured:
                if p.status is st:
                    dots.append(_ms(month_end(p.month)), p.actual or 0.0)
            series.append(dots)
        for s in series:
            chart.addSeries(s)

        x = QDateTimeAxis()
        x.setFormat("MMM yy")
        x.setRange(
            qdatetime(datetime.combine(first, time(0))), qdatetime(datetime.combine(last, time(23)))
        )
        x.setTickCount(6)
        y = QValueAxis()
        values = [m.baseline, m.target, *(p.actual for p in measured if p.actual is not None)]
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.12 or 1.0
        y.setRange(lo - pad, hi + pad)
        y.setLabelFormat("%.4g")
        y.applyNiceNumbers()
        _attach(chart, series, x, y, pal, faint)
        _replace_chart(self, chart)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._build()
        super().changeEvent(event)


def _attach(chart: QChart, series: list[Any], x: QDateTimeAxis, y: QValueAxis, pal: QPalette, line: QColor) -> None:
    """Axes in the palette's colours, below and left, with every series attached to both."""
    text = pal.color(QPalette.ColorRole.Text)
    for axis in (x, y):
        axis.setLabelsColor(text)
        axis.setGridLineColor(theme.mix(pal.color(QPalette.ColorRole.Base), text, 0.12))
        axis.setLinePenColor(line)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    for s in series:
        s.attachAxis(x)
        s.attachAxis(y)


def _replace_chart(view: QChartView, chart: QChart) -> None:
    """Show `chart` in `view` and delete the chart it replaces.

    `setChart` hands the previous chart back to us rather than deleting it, so every chart a
    view stops showing must be deleted here, including the empty one each view is created with
    (about 32 KiB each: the Oversee dashboard leaked three per redraw).
    """
    old = view.chart()
    view.setChart(chart)
    if old is not None:
        old.deleteLater()


class SpendChart(QChartView):
    """Cumulative spend against the quote pro rata and the overrun limit, month by month."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(230)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._points: list[tuple[str, float, float | None]] = []
        self._threshold = 0.25
        self._currency = ""
        # The view starts with an empty chart of its own; `_build` replaces it (and deletes it).

    def show_spend(self, points: list[tuple[str, float, float | None]], threshold: float, currency: str) -> None:
        self._points, self._threshold, self._currency = points, threshold, currency
        self._build()

    def series_names(self) -> list[str]:
        return [s.name() for s in self.chart().series()]

    def _build(self) -> None:
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.Text)
        chart = QChart()
        chart.setBackgroundBrush(pal.color(QPalette.ColorRole.Base))
        chart.setMargins(chart.margins() * 0)
        chart.setTitle(self.tr("Spend to date against the quote") + (f" ({self._currency})" if self._currency else ""))
        chart.setTitleBrush(text)
        chart.legend().setLabelColor(text)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        spent, quoted, limit = QLineSeries(), QLineSeries(), QLineSeries()
        spent.setName(self.tr("Spent"))
        quoted.setName(self.tr("Quote, pro rata"))
        limit.setName(self.tr("Limit (+{n} %)").replace("{n}", f"{self._threshold * 100:g}"))
        spent.setPen(QPen(text, 2))
        quoted.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 2, Qt.PenStyle.DotLine))
        limit.setPen(QPen(theme.tone("critical", pal), 1.5, Qt.PenStyle.DashLine))
        values: list[float] = [0.0]
        for month, total, due in self._points:
            x = _ms(month_end(month))
            spent.append(x, total)
            values.append(total)
            if due is not None:
                quoted.append(x, due)
                limit.append(x, due * (1 + self._threshold))
                values.append(due * (1 + self._threshold))
        series = [s for s in (spent, quoted, limit) if s.count()]
        for s in series:
            chart.addSeries(s)
        if self._points:
            x_axis = QDateTimeAxis()
            x_axis.setFormat("MMM yy")
            first, last = month_end(self._points[0][0]), month_end(self._points[-1][0])
            x_axis.setRange(qdatetime(datetime.combine(first, time(0))), qdatetime(datetime.combine(last, time(23))))
            x_axis.setTickCount(max(2, min(6, len(self._points))))
            y_axis = QValueAxis()
            y_axis.setRange(0, max(values) * 1.1 or 1.0)
            y_axis.setLabelFormat("%.0f")
            y_axis.applyNiceNumbers()
            _attach(chart, series, x_axis, y_axis, pal, theme.mix(pal.color(QPalette.ColorRole.Base), text, 0.45))
        _replace_chart(self, chart)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._build()
        super().changeEvent(event)


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

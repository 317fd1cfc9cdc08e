"""The section chart: grouped bars of each vendor's 0–100 score per section, in palette-derived colours."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QWidget

from app.ui import theme
from app.ui.compare.models import wrap


def series_colors(n: int, pal: QPalette) -> list[QColor]:
    """Distinct colours starting from the palette's highlight hue, light enough for the scheme."""
    base = pal.color(QPalette.ColorRole.Highlight)
    hue0 = base.hslHue() if base.hslHue() >= 0 else 210
    dark = theme.is_dark(pal)
    return [
        QColor.fromHsl(int(hue0 + i * 360 / max(n, 1)) % 360, 150, 150 if dark else 110)
        for i in range(n)
    ]


class SectionChart(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Section scores chart"))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        # The view's own chart: replacing it with setChart would leave this one undeleted.
        chart = self.chart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        # A vendor name too long for its legend entry ends in "…"; hovering it shows the whole name.
        chart.legend().setShowToolTips(True)
        chart.setMargins(QMargins(4, 4, 4, 4))
        self._key: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        self.sets: list[QBarSet] = []

    def set_data(
        self,
        vendors: Sequence[str],
        sections: Sequence[str],
        scores: Sequence[Sequence[float | None]],
    ) -> None:
        key = (tuple(vendors), tuple(sections))
        if key == self._key:
            # Same vendors and sections (what-if): move the bars in place.
            for bar_set, row in zip(self.sets, scores, strict=True):
                for i, v in enumerate(row):
                    bar_set.replace(i, 0.0 if v is None else v)
            return
        self._key = key
        # The legend may elide a name; a screen reader gets every name whole.
        self.setAccessibleDescription(
            self.tr("Each vendor's score per section, 0 to 100. Vendors: %1.").replace("%1", ", ".join(vendors))
        )
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)  # gives the axis back rather than deleting it (12 KiB each)
            axis.deleteLater()
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.Text)
        chart.setBackgroundBrush(pal.color(QPalette.ColorRole.Base))
        chart.legend().setLabelColor(text)
        series = QBarSeries()
        self.sets = []
        for name, row, color in zip(vendors, scores, series_colors(len(vendors), pal), strict=True):
            bar_set = QBarSet(name)
            bar_set.setColor(color)
            bar_set.setBorderColor(color)
            for v in row:
                bar_set.append(0.0 if v is None else v)
            series.append(bar_set)
            self.sets.append(bar_set)
        chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append([wrap(s, "<br>") for s in sections])
        font = x.labelsFont()
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        x.setLabelsFont(font)
        x.setLabelsColor(text)
        y = QValueAxis()
        y.setRange(0, 100)
        y.setTickCount(6)
        y.setLabelFormat("%d")
        y.setLabelsColor(text)
        y.setGridLineColor(theme.mix(pal.color(QPalette.ColorRole.Base), text, 0.15))
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)

    def values(self) -> list[list[float]]:
        return [[s.at(i) for i in range(s.count())] for s in self.sets]

"""The section chart: grouped bars of each vendor's 0–100 score per section, in palette-derived colours.

Painted with QPainter rather than QtCharts: a QtCharts bar chart of 30 vendors cost ~35 ms of
the GUI thread to build and lay out the first time (a graphics item per bar, legend entry and
label), a visible stall when Compare first showed a large evaluation; this paints in a few
milliseconds and lays out nothing until it is painted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui import theme
from app.ui.compare.models import fit_lines, wrap
from app.ui.widgets.painted import show_tip, wrap_rows

TICKS = (0, 20, 40, 60, 80, 100)
MARGIN = 4  # around the rounded background
PAD = 10  # inside it, around the plot, axis labels and legend
MARKER = 9  # legend colour square
ENTRY_GAP = 14  # between two legend entries
LEGEND_ROWS = 3  # at most; entries narrow (names elided, whole in the tooltip) to fit


def series_colors(n: int, pal: QPalette) -> list[QColor]:
    """Distinct colours starting from the palette's highlight hue, light enough for the scheme."""
    base = pal.color(QPalette.ColorRole.Highlight)
    hue0 = base.hslHue() if base.hslHue() >= 0 else 210
    dark = theme.is_dark(pal)
    return [
        QColor.fromHsl(int(hue0 + i * 360 / max(n, 1)) % 360, 150, 150 if dark else 110)
        for i in range(n)
    ]


@dataclass(frozen=True)
class LegendEntry:
    vendor: str
    shown: str  # the name as drawn: elided when the entry is too narrow for it
    rect: QRect  # marker and name


@dataclass(frozen=True)
class _Layout:
    plot: QRect
    legend: list[LegendEntry]
    labels: list[str]  # section labels as drawn (two lines at most, elided)
    axis_font: QFont


class SectionChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Section scores chart"))
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.vendors: list[str] = []
        self.sections: list[str] = []
        self._scores: list[list[float | None]] = []
        self._layout: _Layout | None = None  # for the current size and data; None: to compute

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(480, 300)

    def set_data(
        self,
        vendors: Sequence[str],
        sections: Sequence[str],
        scores: Sequence[Sequence[float | None]],
    ) -> None:
        if list(vendors) != self.vendors:
            # The legend may elide a name; a screen reader gets every name whole.
            self.setAccessibleDescription(
                self.tr("Each vendor's score per section, 0 to 100. Vendors: %1.").replace("%1", ", ".join(vendors))
            )
        self.vendors, self.sections = list(vendors), list(sections)
        self._scores = [list(row) for row in scores]
        self._layout = None
        self.update()

    def values(self) -> list[list[float]]:
        """Each vendor's bar heights per section (0 where a section has no score)."""
        return [[0.0 if v is None else v for v in row] for row in self._scores]

    # ----- layout -----------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self._layout = None
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._layout = None
        super().changeEvent(event)

    def legend_entries(self) -> list[LegendEntry]:
        """The legend as it is drawn at the current size."""
        return self._computed().legend

    def _computed(self) -> _Layout:
        if self._layout is None:
            self._layout = self._compute()
        return self._layout

    def _compute(self) -> _Layout:
        fm = self.fontMetrics()
        area = self.rect().adjusted(MARGIN + PAD, MARGIN + PAD, -MARGIN - PAD, -MARGIN - PAD)
        legend = self._legend(fm, area)
        legend_height = (max(e.rect.bottom() for e in legend) - min(e.rect.top() for e in legend) + 1) if legend else 0
        axis_font = QFont(self.font())
        axis_font.setPointSizeF(max(axis_font.pointSizeF() - 1, 7))
        afm = QFontMetrics(axis_font)
        y_labels = afm.horizontalAdvance("100") + 6
        label_height = 2 * afm.lineSpacing() + 4
        plot = QRect(
            area.left() + y_labels,
            area.top() + afm.height() // 2,
            max(1, area.width() - y_labels - afm.horizontalAdvance("0") // 2),
            max(1, area.height() - afm.height() // 2 - label_height - (legend_height + PAD if legend else 0)),
        )
        # The legend sits under the section labels; entries were laid out from the area's top.
        shift = plot.bottom() + label_height + PAD - (legend[0].rect.top() if legend else 0)
        legend = [LegendEntry(e.vendor, e.shown, e.rect.translated(0, shift)) for e in legend]
        group = plot.width() / max(len(self.sections), 1)
        labels = [self._label(s, afm, max(10, int(group) - 4)) for s in self.sections]
        return _Layout(plot, legend, labels, axis_font)

    @staticmethod
    def _label(section: str, afm: QFontMetrics, width: int) -> str:
        """A section's name in two lines broken near its middle, or, too wide for that, filled
        line by line and elided."""
        lines = wrap(section, "\n").split("\n")
        if all(afm.horizontalAdvance(line) <= width for line in lines):
            return "\n".join(lines)
        return fit_lines(section, afm, width)

    def _legend(self, fm: QFontMetrics, area: QRect) -> list[LegendEntry]:
        """Entries in centred rows; when they would need more than LEGEND_ROWS rows, every entry
        narrows to fit and long names are elided (the tooltip has them whole)."""
        n = len(self.vendors)
        if n == 0:
            return []
        extra = MARKER + 5 + ENTRY_GAP
        natural = [fm.horizontalAdvance(v) + extra for v in self.vendors]
        width = max(1, area.width())
        cap = max(natural)
        if sum(natural) > width * LEGEND_ROWS:  # too many to fit whole: equal, narrower cells
            cap = max(extra + fm.horizontalAdvance("M…"), width // math.ceil(n / LEGEND_ROWS))
        cells = [min(w, cap, width) for w in natural]  # a name wider than the chart is elided
        rows = [[(self.vendors[i], cells[i]) for i in row] for row in wrap_rows(cells, width)]
        entries: list[LegendEntry] = []
        line = fm.height() + 2
        for r, row in enumerate(rows):
            x = area.left() + (width - sum(w for _v, w in row)) // 2
            for vendor, w in row:
                shown = fm.elidedText(vendor, Qt.TextElideMode.ElideRight, w - extra)
                entries.append(LegendEntry(vendor, shown, QRect(x, area.top() + r * line, w - ENTRY_GAP, line)))
                x += w
        return entries

    # ----- painting ---------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        lay = self._computed()
        pal = self.palette()
        base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(base)
        p.drawRoundedRect(QRectF(self.rect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)), 6, 6)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        plot = lay.plot
        grid = theme.mix(base, text, 0.15)
        # Grid: a line per tick, a line between sections; the axes in the text colour.
        p.setPen(grid)
        for tick in TICKS[1:]:
            y = self._y(plot, tick)
            p.drawLine(plot.left(), y, plot.right(), y)
        group = plot.width() / max(len(self.sections), 1)
        for i in range(1, len(self.sections) + 1):
            x = round(plot.left() + i * group)
            p.drawLine(x, plot.top(), x, plot.bottom())
        p.setPen(theme.mix(base, text, 0.6))
        p.drawLine(plot.left(), plot.top(), plot.left(), plot.bottom())
        p.drawLine(plot.left(), plot.bottom(), plot.right(), plot.bottom())
        p.setFont(lay.axis_font)
        afm = QFontMetrics(lay.axis_font)
        p.setPen(text)
        for tick in TICKS:
            y = self._y(plot, tick)
            p.drawText(
                QRect(0, y - afm.height() // 2, plot.left() - 5, afm.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                str(tick),
            )
        for i, label in enumerate(lay.labels):
            box = QRect(round(plot.left() + i * group) + 2, plot.bottom() + 4, max(1, int(group) - 4), 2 * afm.lineSpacing())
            p.drawText(box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), label)
        # Bars.
        colors = series_colors(len(self.vendors), pal)
        for v, row in enumerate(self._scores):
            p.setBrush(colors[v])
            p.setPen(Qt.PenStyle.NoPen)
            for s in range(len(row)):
                rect = self._bar(plot, v, s)
                if rect is not None:
                    p.drawRect(rect)
        # Legend.
        p.setFont(self.font())
        for i, entry in enumerate(lay.legend):
            r = entry.rect
            p.fillRect(QRect(r.left(), r.center().y() - MARKER // 2, MARKER, MARKER), colors[i])
            p.setPen(text)
            p.drawText(
                QRect(r.left() + MARKER + 5, r.top(), r.width() - MARKER - 5, r.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                entry.shown,
            )
        p.end()

    @staticmethod
    def _y(plot: QRect, value: float) -> int:
        return round(plot.bottom() - plot.height() * max(0.0, min(value, 100.0)) / 100)

    def bar_rect(self, vendor: int, section: int) -> QRect | None:
        """Where the bar of the `vendor`-th vendor in the `section`-th section is drawn."""
        return self._bar(self._computed().plot, vendor, section)

    def _bar(self, plot: QRect, vendor: int, section: int) -> QRect | None:
        """The bar of `vendor` in `section`, half the section's width shared by the vendors
        (None when it has no score)."""
        value = self._scores[vendor][section]
        if value is None:
            return None
        group = plot.width() / max(len(self.sections), 1)
        width = group * 0.5 / max(len(self.vendors), 1)
        left = plot.left() + section * group + group * 0.25 + vendor * width
        top = self._y(plot, value)
        return QRect(round(left), top, max(1, round(left + width) - round(left)), plot.bottom() - top)

    # ----- tooltips ---------------------------------------------------------------------

    def tooltip_at(self, pos: QPoint) -> str:
        """What hovering `pos` shows: a bar's vendor, section and score; a legend entry's
        whole name when it is elided."""
        lay = self._computed()
        for entry in lay.legend:
            if entry.rect.contains(pos):
                return entry.vendor if entry.shown != entry.vendor else ""
        for v in range(len(self._scores)):
            for s in range(len(self.sections)):
                rect = self._bar(lay.plot, v, s)
                if rect is not None and rect.adjusted(0, -2, 0, 0).contains(pos):
                    score = self._scores[v][s]
                    return (
                        self.tr("%1 — %2: %3")
                        .replace("%1", self.vendors[v])
                        .replace("%2", self.sections[s])
                        .replace("%3", f"{score:.1f}")
                    )
        return ""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            return show_tip(self, event, self.tooltip_at(event.pos()))
        return super().event(event)

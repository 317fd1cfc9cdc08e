"""A small coloured label for a verdict, severity or status, in palette-derived colours."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QWidget

from app.ui import theme

PAD_X, PAD_Y = 9, 1  # around the text, inside the 1 px border
RADIUS = 9.0


class VerdictChip(QLabel):
    """Shows a short word ("specific", "high", "off track") on a faint tone of its colour.

    The chip paints itself (a rounded box and bold text in the colours of `theme.chip_colors`)
    rather than through a style sheet: each sheet was parsed and polished per chip, and the
    Oversee dashboard's ~70 chips took most of its build and repaint time.
    """

    def __init__(self, kind: str = "", text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName(self.tr("Verdict"))
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        self.setFont(font)
        self.setContentsMargins(PAD_X + 1, PAD_Y + 1, PAD_X + 1, PAD_Y + 1)
        self.kind = ""
        self.set_kind(kind, text)

    def set_kind(self, kind: str, text: str = "") -> None:
        self.kind = kind
        self.setText(text or kind)
        self._recolor()

    def _recolor(self) -> None:
        self._bg, self._fg = theme.chip_colors(self.kind)
        self._border = theme.mix(self._bg, self._fg, 0.35)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = min(RADIUS, box.height() / 2)
        painter.setPen(QPen(self._border, 1))
        painter.setBrush(self._bg)
        painter.drawRoundedRect(box, radius, radius)
        painter.setPen(self._fg)
        painter.setFont(self.font())
        painter.drawText(self.contentsRect(), int(self.alignment()), self.text())
        painter.end()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        # Follow a light/dark switch while the app runs.
        if event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange):
            self._recolor()
        super().changeEvent(event)

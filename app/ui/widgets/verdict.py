"""A small coloured label for a verdict, severity or status, in palette-derived colours."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.ui import theme


class VerdictChip(QLabel):
    """Shows a short word ("specific", "high", "off track") on a faint tone of its colour."""

    def __init__(self, kind: str = "", text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName(self.tr("Verdict"))
        self.kind = ""
        self.set_kind(kind, text)

    def set_kind(self, kind: str, text: str = "") -> None:
        self.kind = kind
        self.setText(text or kind)
        self._restyle()

    def _restyle(self) -> None:
        bg, fg = theme.chip_colors(self.kind)
        sheet = (
            f"QLabel {{ background: {theme.css(bg)}; color: {theme.css(fg)};"
            f" border: 1px solid {theme.css(theme.mix(bg, fg, 0.35))}; border-radius: 9px;"
            " padding: 1px 9px; font-weight: 600; }"
        )
        if sheet != self.styleSheet():  # each new style sheet is parsed and the chip re-polished
            self.setStyleSheet(sheet)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        # Follow a light/dark switch while the app runs.
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._restyle()
        super().changeEvent(event)

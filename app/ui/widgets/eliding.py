"""A combo box for names of any length: a long current item ends in "…", never cut mid-character,
and the full name is its tooltip (and each list item's)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter, QWidget


class ElidingComboBox(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentIndexChanged.connect(self._tip)
        self.model().rowsInserted.connect(self._item_tips)

    def _item_tips(self, _parent: object, first: int, last: int) -> None:
        for i in range(first, last + 1):
            if self.itemData(i, Qt.ItemDataRole.ToolTipRole) is None:
                self.setItemData(i, self.itemText(i), Qt.ItemDataRole.ToolTipRole)

    def _tip(self, _index: int = 0) -> None:
        self.setToolTip(self.currentText())

    def shown_text(self) -> str:
        """The current item as drawn: the whole name when it fits, else the name elided with "…"."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        room = field.width() - (option.iconSize.width() + 4 if not option.currentIcon.isNull() else 0)
        return self.fontMetrics().elidedText(option.currentText, Qt.TextElideMode.ElideRight, max(0, room))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if self.isEditable():
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

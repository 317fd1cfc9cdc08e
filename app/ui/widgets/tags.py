"""A list of short labels edited as chips: type and press Enter to add, Delete or × to remove."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.ui import theme

_PAD = 8
_CLOSE = 14


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


class _ChipDelegate(QStyledItemDelegate):
    """Paints an item as a rounded chip with a × on its right."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:  # noqa: N802
        fm = option.fontMetrics
        text = str(index.data())
        return QSize(fm.horizontalAdvance(text) + 3 * _PAD + _CLOSE, fm.height() + 10)

    @staticmethod
    def close_rect(rect: QRect) -> QRect:
        return QRect(
            rect.right() - _PAD - _CLOSE + 2, rect.center().y() - _CLOSE // 2, _CLOSE, _CLOSE
        )

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        pal = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = option.rect.adjusted(1, 2, -1, -2)
        bg, fg = theme.chip_colors("", pal)
        if selected:
            bg = pal.color(QPalette.ColorRole.Highlight)
            fg = pal.color(QPalette.ColorRole.HighlightedText)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(theme.mix(bg, fg, 0.25))
        painter.setBrush(bg)
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(fg)
        text_rect = rect.adjusted(_PAD, 0, -(_PAD + _CLOSE), 0)
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, str(index.data())
        )
        cr = self.close_rect(option.rect)
        painter.setPen(theme.mix(fg, bg, 0.35))
        m = 4
        painter.drawLine(cr.left() + m, cr.top() + m, cr.right() - m, cr.bottom() - m)
        painter.drawLine(cr.right() - m, cr.top() + m, cr.left() + m, cr.bottom() - m)
        painter.restore()


class _ChipList(QListWidget):
    removal_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentRow() >= 0:
            self.removal_requested.emit(self.currentRow())
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        item = self.itemAt(event.position().toPoint())
        if item is not None and event.button() == Qt.MouseButton.LeftButton:
            rect = self.visualItemRect(item)
            if (
                _ChipDelegate.close_rect(rect)
                .adjusted(-3, -3, 3, 3)
                .contains(event.position().toPoint())
            ):
                self.removal_requested.emit(self.row(item))
                return
        super().mouseReleaseEvent(event)


class TagEditor(QWidget):
    """Emits `edited(list[str])` with the whole new list after the user adds or removes a tag."""

    edited = Signal(list)

    def __init__(
        self,
        name: str,
        placeholder: str = "",
        suggestions: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._tags: list[str] = []
        self.chips = _ChipList()
        self.chips.setAccessibleName(name)
        self.chips.setViewMode(QListView.ViewMode.ListMode)
        self.chips.setFlow(QListView.Flow.LeftToRight)
        self.chips.setWrapping(True)
        self.chips.setResizeMode(QListView.ResizeMode.Adjust)
        self.chips.setSpacing(2)
        self.chips.setItemDelegate(_ChipDelegate(self.chips))
        self.chips.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.chips.setFixedHeight(self.fontMetrics().height() * 2 + 28)
        self.chips.setToolTip(
            self.tr("Select a tag and press Delete, or click its ×, to remove it.")
        )
        self.chips.removal_requested.connect(self.remove_at)
        self.entry = QLineEdit()
        self.entry.setAccessibleName(self.tr("Add to %s") % name)
        self.entry.setPlaceholderText(placeholder or self.tr("Type and press Enter to add"))
        self.entry.setClearButtonEnabled(True)
        self.entry.returnPressed.connect(self._add_typed)
        if suggestions:
            self.set_suggestions(suggestions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.chips)
        layout.addWidget(self.entry)

    def tags(self) -> list[str]:
        return list(self._tags)

    def set_suggestions(self, suggestions: Sequence[str]) -> None:
        """What typing offers to complete. One completer per editor, its list replaced: a new
        completer per call would live as long as the editor (a page refresh made two each time)."""
        completer = self.entry.completer()
        if completer is None:
            completer = QCompleter(self)
            completer.setModel(QStringListModel(completer))
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.entry.setCompleter(completer)
        model = completer.model()
        assert isinstance(model, QStringListModel)
        if model.stringList() != list(suggestions):
            model.setStringList(list(suggestions))

    def set_tags(self, tags: Sequence[str]) -> None:
        """Show `tags` without emitting `edited` (used when the data changes underneath).

        The same tags again change nothing: the Organization page calls this each time it is
        shown, and rebuilding the same chips was wasted work (tests/reliability/test_leaks.py)."""
        if list(tags) == self._tags and self.chips.count() == len(self._tags):
            return
        self._tags = list(tags)
        current = self.chips.currentRow() if self.chips.hasFocus() else -1
        self.chips.clear()
        for tag in self._tags:
            item = QListWidgetItem(tag)
            item.setToolTip(tag)
            self.chips.addItem(item)
        if self._tags and current >= 0:
            # Keep the keyboard user's place after a removal.
            self.chips.setCurrentRow(min(current, len(self._tags) - 1))

    def add(self, text: str) -> bool:
        text = " ".join(text.split())
        if not text:
            return False
        if any(_norm(t) == _norm(text) for t in self._tags):
            return False
        self.edited.emit([*self._tags, text])
        return True

    def remove_at(self, row: int) -> None:
        if 0 <= row < len(self._tags):
            self.edited.emit(self._tags[:row] + self._tags[row + 1 :])

    def _add_typed(self) -> None:
        completer = self.entry.completer()
        if completer is not None:
            # A highlighted completion has already replaced the text by now.
            popup = completer.popup()
            if popup is not None:
                popup.hide()
        if self.add(self.entry.text()) or not self.entry.text().strip():
            self.entry.clear()

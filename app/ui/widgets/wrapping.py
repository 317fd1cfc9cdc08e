"""A word-wrapped label that remembers how tall it is at each width."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QWidget

_EVENTS = frozenset({
    QEvent.Type.FontChange,
    QEvent.Type.StyleChange,
    QEvent.Type.ContentsRectChange,
    QEvent.Type.LayoutDirectionChange,
})


class WrapLabel(QLabel):
    """A QLabel that wraps its words and keeps its height for each width it was asked about.

    QLabel lays its whole text out again on every `heightForWidth` call, and one layout pass asks
    each wrapped label several times (minimum and preferred height, once per nesting level); a
    page that adds widgets over several event-loop turns asks again on every turn. On the
    Oversee dashboard that was about 2,200 text layouts for 280 distinct (label, width) pairs.
    The heights are forgotten when the text, the font, the style or the margins change.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._heights: dict[int, int] = {}
        self.setWordWrap(True)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        if text != self.text():
            self._heights.clear()
            super().setText(text)

    def setWordWrap(self, on: bool) -> None:  # noqa: N802 - Qt override
        self._heights.clear()
        super().setWordWrap(on)

    def setTextFormat(self, format: Qt.TextFormat) -> None:  # noqa: N802, A002 - Qt override
        self._heights.clear()
        super().setTextFormat(format)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) > 32:  # a window dragged wider and narrower: keep it small
                self._heights.clear()
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() in _EVENTS:
            self._heights.clear()
        super().changeEvent(event)

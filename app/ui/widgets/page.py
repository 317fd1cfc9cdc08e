"""Page furniture shared by the pages: a heading with a one-line purpose, hints, and small helpers."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.ui import theme
from app.ui.widgets.wrapping import WrapLabel


def heading(title: str, purpose: str = "") -> QWidget:
    """The page's title in large type and, under it, what the page is for."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    layout.setSpacing(2)
    label = QLabel(title)
    label.setObjectName("pageTitle")
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.45)
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    label.setAccessibleName(title)
    layout.addWidget(label)
    if purpose:
        layout.addWidget(hint(purpose))
    return box


class _Tint(QObject):
    """Keeps one palette role of a widget derived from the application palette, so that it
    follows a light ↔ dark switch while the app runs (Qt then sends the widget PaletteChange)."""

    def __init__(self, widget: QWidget, role: QPalette.ColorRole, colour: Callable[[QPalette], QColor]) -> None:
        super().__init__(widget)
        self.widget, self.role, self.colour = widget, role, colour
        self._applying = False
        self.apply()
        widget.installEventFilter(self)

    def apply(self) -> None:
        # Our own setPalette sends another PaletteChange: the flag keeps it from looping.
        self._applying = True
        try:
            pal = self.widget.palette()
            pal.setColor(self.role, self.colour(QGuiApplication.palette()))
            self.widget.setPalette(pal)
        finally:
            self._applying = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange and not self._applying:
            self.apply()
        return False


def _muted(p: QPalette) -> QColor:
    return theme.mix(p.color(QPalette.ColorRole.WindowText), p.color(QPalette.ColorRole.Window), 0.3)


def _callout_background(p: QPalette) -> QColor:
    return theme.mix(p.color(QPalette.ColorRole.Base), p.color(QPalette.ColorRole.Highlight), 0.08)


def hint(text: str) -> QLabel:
    """Secondary explanatory text: wrapped, selectable, in a muted palette colour."""
    label = WrapLabel(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    _Tint(label, QPalette.ColorRole.WindowText, _muted)
    return label


def callout(text: str) -> QFrame:
    """A framed note that explains why a page matters."""
    frame = QFrame()
    frame.setAutoFillBackground(True)
    _Tint(frame, QPalette.ColorRole.Window, _callout_background)
    frame.setObjectName("callout")
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 8, 12, 8)
    label = WrapLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText)
    layout.addWidget(label)
    return frame


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" to the room it has; the tooltip has it all."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.setText(text)

    def full_text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._full = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.width())
        super().setText(shown)


def empty_state(
    title: str,
    text: str,
    action: str = "",
    on_action: Callable[[], object] | None = None,
) -> QWidget:
    """What a page shows before it has anything: what is missing and the one step to take next.

    It takes the page's spare height itself, so the heading and the bar above stay at the top.
    """
    box = QWidget()
    box.setObjectName("emptyState")
    box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
    layout = QVBoxLayout(box)
    layout.addStretch(1)
    label = QLabel(title)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.2)
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout.addWidget(label)
    detail = hint(text)
    detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
    # A readable measure, and the height its wrapped lines need (an aligned label gets neither).
    detail.setFixedWidth(520)
    detail.setMinimumHeight(detail.heightForWidth(520))
    layout.addWidget(detail, 0, Qt.AlignmentFlag.AlignHCenter)
    if action and on_action is not None:
        button = QPushButton(action)
        button.setObjectName("emptyStateAction")
        button.clicked.connect(lambda: on_action())
        layout.addSpacing(6)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
    layout.addStretch(2)
    return box


# Every page keeps the same distance from the sidebar and the window edges.
PAGE_MARGINS = (16, 12, 16, 12)


def page_layout(page: QWidget) -> QVBoxLayout:
    """The page's top-level column, with the margins every page shares."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(*PAGE_MARGINS)
    return layout

"""Muted text and callouts follow a light/dark switch while the app runs."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from app.ui.widgets.page import callout, hint


def test_hint_and_callout_are_retinted_when_the_palette_changes(qtbot) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.palette()
    label = hint("Why this matters")
    frame = callout("A note")
    qtbot.addWidget(label)
    qtbot.addWidget(frame)
    light_text = label.palette().color(QPalette.ColorRole.WindowText)
    light_back = frame.palette().color(QPalette.ColorRole.Window)
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#17181a"))
    try:
        app.setPalette(dark)
        qtbot.waitUntil(lambda: label.palette().color(QPalette.ColorRole.WindowText) != light_text)
        # Muted text sits between the dark window and its light text; the callout stays dark.
        assert label.palette().color(QPalette.ColorRole.WindowText).lightness() > 128
        assert frame.palette().color(QPalette.ColorRole.Window).lightness() < light_back.lightness()
        assert frame.palette().color(QPalette.ColorRole.Window).lightness() < 80
    finally:
        app.setPalette(original)

"""Tooltips follow the colour scheme: dark ones on a dark desktop, and readable in both."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QToolTip, QWidget

from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.tasks import wait_for_workers

ROLE = QPalette.ColorRole


def _luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _dark_scheme(light: QPalette) -> QPalette:
    """A desktop's dark scheme that, like Fusion's own dark palette, leaves the tooltip roles at
    Qt's defaults (black on pale yellow)."""
    dark = QPalette(light)
    for role, color in ((ROLE.Window, "#2b2d30"), (ROLE.WindowText, "#dfe1e5"), (ROLE.Base, "#1e1f22"),
                        (ROLE.Text, "#dfe1e5"), (ROLE.Button, "#34363a"), (ROLE.ButtonText, "#dfe1e5")):
        dark.setColor(role, QColor(color))
    return dark


def _shown_tip(qtbot: Any, qapp: QApplication, over: QWidget) -> QLabel:
    QToolTip.showText(over.mapToGlobal(QPoint(4, 4)), over.toolTip(), over)
    tips: list[QLabel] = []

    def shown() -> bool:
        tips[:] = [w for w in qapp.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible()]
        return bool(tips)

    qtbot.waitUntil(shown)
    return tips[0]


def _hide_tip(qtbot: Any, qapp: QApplication) -> None:
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not any(w.inherits("QTipLabel") and w.isVisible() for w in qapp.topLevelWidgets()))


def _background(tip: QLabel) -> QColor:
    image = tip.grab().toImage()
    return image.pixelColor(2, image.height() // 2)


def test_tooltips_are_dark_in_a_dark_scheme_and_readable_in_both(qtbot: Any, qapp: QApplication, workspace: Any) -> None:
    win = MainWindow(AppContext(workspace))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: bool(win.checklist.steps))
    step = win.checklist.buttons["profile"]
    light = qapp.palette()
    assert light.color(ROLE.ToolTipBase).lightness() >= 128  # the test starts in a light scheme
    try:
        qapp.setPalette(_dark_scheme(light))  # the desktop switches to dark while the app runs
        qtbot.waitUntil(lambda: qapp.palette().color(ROLE.ToolTipBase).lightness() < 100)
        tip = _shown_tip(qtbot, qapp, step)
        base, text = tip.palette().color(ROLE.ToolTipBase), tip.palette().color(ROLE.ToolTipText)
        assert base.lightness() < 100, base.name()  # not a pale box on a dark desktop
        assert contrast(base, text) >= 7
        assert _background(tip) == base  # what is drawn, not only what is set
        _hide_tip(qtbot, qapp)
    finally:
        qapp.setPalette(light)
        qtbot.waitUntil(lambda: qapp.palette().color(ROLE.ToolTipBase) == light.color(ROLE.ToolTipBase))
    tip = _shown_tip(qtbot, qapp, step)
    base, text = tip.palette().color(ROLE.ToolTipBase), tip.palette().color(ROLE.ToolTipText)
    assert base == light.color(ROLE.ToolTipBase)  # a light scheme keeps its own tooltip colours
    assert contrast(base, text) >= 7
    assert _background(tip) == base
    _hide_tip(qtbot, qapp)
    wait_for_workers()


def test_a_window_opened_on_a_dark_desktop_has_dark_tooltips(qtbot: Any, qapp: QApplication, workspace: Any) -> None:
    light = qapp.palette()
    qapp.setPalette(_dark_scheme(light))
    try:
        win = MainWindow(AppContext(workspace))  # the scheme was dark before the window existed
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(lambda: bool(win.checklist.steps))
        tip = _shown_tip(qtbot, qapp, win.checklist.buttons["profile"])
        assert _background(tip).lightness() < 100
        assert contrast(tip.palette().color(ROLE.ToolTipBase), tip.palette().color(ROLE.ToolTipText)) >= 7
        _hide_tip(qtbot, qapp)
    finally:
        qapp.setPalette(light)
        qapp.processEvents()
    wait_for_workers()

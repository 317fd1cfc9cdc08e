"""Help menu: F1 on every page, the three steps, keyboard shortcuts, About; a window that fits the screen."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QAction, QKeySequence, QScreen
from PySide6.QtWidgets import QLabel

from app import __version__
from app.services import banks
from app.ui.context import AppContext
from app.ui.help import PAGE_HELP
from app.ui.main_window import PAGES, MainWindow


@pytest.fixture
def window(qtbot: Any, demo: object) -> MainWindow:
    win = MainWindow(AppContext(demo))
    qtbot.addWidget(win)
    win.show()
    return win


def _action(window: MainWindow, name: str) -> QAction:
    action = window.findChild(QAction, name)
    assert action is not None and action in window.help_menu.actions()
    return action


def _shown_text(window: MainWindow) -> str:
    label = window.help_dialog.findChild(QLabel, "helpText")  # type: ignore[attr-defined]
    assert window.help_dialog.isVisible()  # type: ignore[attr-defined]
    return label.text()


def test_f1_opens_the_help_of_the_page_in_view(qtbot: Any, window: MainWindow) -> None:
    action = _action(window, "action-help-page")
    assert action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    assert action.shortcut().toString() == "F1"
    for spec in PAGES:
        window.show_page(spec.key)
        action.trigger()
        text = _shown_text(window)
        assert text.startswith(f"<p>{spec.title}:")
        assert window.help_dialog.windowTitle() == f"Help — {spec.title}"  # type: ignore[attr-defined]
        window.help_dialog.close()  # type: ignore[attr-defined]
    assert set(PAGE_HELP) == {s.key for s in PAGES}


def test_guide_names_the_three_steps(window: MainWindow) -> None:
    _action(window, "action-help-guide").trigger()
    text = _shown_text(window)
    for step in ("1 · Audit", "2 · Evaluate", "3 · Oversee"):
        assert step in text


def test_about_gives_version_workspace_and_bank_hash(window: MainWindow, demo: Any) -> None:
    _action(window, "action-help-about").trigger()
    text = _shown_text(window)
    assert __version__ in text and str(demo.location) in text
    for b in banks.list_banks(demo):
        assert b.hash[:12] in text and f"version {b.version}" in text


def test_shortcuts_list_every_menu_shortcut(window: MainWindow) -> None:
    _action(window, "action-help-shortcuts").trigger()
    table = window.help_dialog.table  # type: ignore[attr-defined]
    rows = {table.item(r, 1).text(): table.item(r, 0).text() for r in range(table.rowCount())}
    assert rows["Help on this page"] == "F1"
    assert rows["Export evaluation PDF"] == "Ctrl+Shift+P"
    assert rows["Compare"] == "Ctrl+4"


def test_default_window_fits_a_1366_by_768_screen(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    free = QRect(0, 0, 1366, 740)  # 768 less a 28-pixel panel
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: free)
    window.fit_to_screen()
    assert window.width() <= free.width() and window.height() + 40 <= free.height()
    big = QRect(0, 0, 1920, 1050)
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: big)
    window.fit_to_screen()
    assert (window.width(), window.height()) == (1536, 892)  # about 80 % of a large screen

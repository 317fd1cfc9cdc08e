"""Main window: every step opens, the title names the workspace, the File menu and first run."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from app.store.workspace import open_workspace
from app.ui import workspace_actions
from app.ui.context import AppContext
from app.ui.main_window import PAGES, MainWindow
from tests.conftest import DEMO_EVALUATION


@pytest.fixture
def window(qtbot, demo):  # type: ignore[no-untyped-def]
    win = MainWindow(AppContext(demo))
    qtbot.addWidget(win)
    win.show()
    return win


def test_every_sidebar_page_opens(window) -> None:  # type: ignore[no-untyped-def]
    for row, spec in enumerate(PAGES):
        window.sidebar.setCurrentRow(row)
        assert window.stack.currentWidget() is window.page(spec.key)
        assert window.stack.currentWidget().objectName() == f"page-{spec.key}"
        assert window.sidebar.item(row).toolTip()


def test_title_names_the_workspace_and_file_menu_is_complete(window, demo_path) -> None:  # type: ignore[no-untyped-def]
    assert demo_path.name in window.windowTitle()
    assert not window.read_only_badge.isVisibleTo(window)
    texts = [a.text().replace("&", "") for a in window.file_menu.actions() if a.text()]
    for expected in ("New workspace…", "Open workspace…", "Open recent", "Load demo data", "Quit"):
        assert expected in texts
    assert texts[-1] == "Quit"


def test_read_only_workspace_shows_the_notice_path(qtbot, demo_path) -> None:  # type: ignore[no-untyped-def]
    ws = open_workspace(demo_path, read_only=True)
    try:
        win = MainWindow(AppContext(ws))
        qtbot.addWidget(win)
        win.show()
        assert "read-only" in win.windowTitle()
        assert win.read_only_badge.isVisible()
    finally:
        ws.close()


def test_switching_workspace_falls_back_to_read_only_when_locked(
    qtbot, window, demo_path, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    offered: list[object] = []
    monkeypatch.setattr(workspace_actions, "offer_first_run", offered.append)
    other = tmp_path / "other"
    assert workspace_actions.switch_workspace(window, other)
    assert offered == [window]  # a new, empty workspace gets the welcome
    assert window.ctx.workspace.location == other and other.name in window.windowTitle()
    assert workspace_actions.recent_workspaces()[0] == str(other)
    # Another process holds the demo's lock: simulate with our own lock on it.
    from app.store.workspace import acquire_lock, database_path

    held = acquire_lock(database_path(demo_path))
    notices: list[bool] = []
    monkeypatch.setattr(window, "show_read_only_notice", lambda: notices.append(True))
    try:
        assert workspace_actions.switch_workspace(window, demo_path, create=False)
        assert window.ctx.read_only and notices == [True]
        assert "read-only" in window.windowTitle()
    finally:
        held.release()


def test_welcome_explore_the_demo_loads_it(qtbot, workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(AppContext(workspace))
    qtbot.addWidget(win)
    win.show()

    def choose(dialog: workspace_actions.WelcomeDialog) -> int:
        dialog.demo_button.click()
        return 1

    monkeypatch.setattr(workspace_actions.WelcomeDialog, "exec", choose)
    assert workspace_actions.offer_first_run(win) == "demo"
    from app.services.evaluations import list_evaluations

    assert [e.name for e in list_evaluations(workspace)] == [DEMO_EVALUATION]
    assert win.stack.currentWidget() is win.page("usecases")
    assert workspace_actions.offer_first_run(win) == ""  # no longer empty: no welcome


def test_recent_list_is_most_recent_first_and_bounded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    for i in range(10):
        workspace_actions.remember(tmp_path / f"w{i}", settings)
    workspace_actions.remember(tmp_path / "w3", settings)
    recent = workspace_actions.recent_workspaces(settings)
    assert recent[0] == str(tmp_path / "w3") and len(recent) == workspace_actions.RECENT_MAX

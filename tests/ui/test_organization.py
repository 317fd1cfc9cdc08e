"""Organization page: edits are saved as you go, undoable, and feed the profile the flags use."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.models import Stage
from app.services import organization
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.pages.organization import Page


def test_organization_edits_persist_and_undo(qtbot, workspace) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(AppContext(workspace))
    qtbot.addWidget(win)
    win.show()
    page = win.show_page("organization")
    assert isinstance(page, Page)
    assert page.industry.findText("healthcare") >= 0  # seeded from the synonyms file

    page.name.setFocus()
    qtbot.keyClicks(page.name, "Northwind")
    qtbot.keyClick(page.name, Qt.Key.Key_Return)
    assert organization.get(workspace).name == "Northwind"

    page.stage.setCurrentIndex(page.stage.findData("enterprise"))
    page.stage.activated.emit(page.stage.currentIndex())
    assert organization.get(workspace).stage is Stage.ENTERPRISE

    for text in ("Salesforce", "Snowflake", "salesforce"):  # the duplicate is ignored
        qtbot.keyClicks(page.systems.entry, text)
        qtbot.keyClick(page.systems.entry, Qt.Key.Key_Return)
    assert organization.get(workspace).systems == ["Salesforce", "Snowflake"]
    assert page.systems.chips.count() == 2
    page.systems.chips.setCurrentRow(0)
    qtbot.keyClick(page.systems.chips, Qt.Key.Key_Delete)
    assert organization.get(workspace).systems == ["Snowflake"]

    qtbot.keyClicks(page.infrastructure.entry, "CRM")
    qtbot.keyClick(page.infrastructure.entry, Qt.Key.Key_Return)
    assert organization.get(workspace).infrastructure == ["CRM"]

    stack = win.ctx.undo_stack
    stack.undo()  # infrastructure
    stack.undo()  # removal of Salesforce
    assert organization.get(workspace).systems == ["Salesforce", "Snowflake"]
    assert organization.get(workspace).infrastructure == []
    assert [page.systems.chips.item(i).text() for i in range(2)] == ["Salesforce", "Snowflake"]
    stack.redo()
    assert organization.get(workspace).systems == ["Snowflake"]


def test_read_only_workspace_disables_editing(qtbot, demo_path) -> None:  # type: ignore[no-untyped-def]
    from app.store.workspace import open_workspace

    ws = open_workspace(demo_path, read_only=True)
    try:
        win = MainWindow(AppContext(ws))
        qtbot.addWidget(win)
        page = win.show_page("organization")
        assert isinstance(page, Page)
        assert page.name.text() and not page.name.isEnabled()
    finally:
        ws.close()


def test_the_page_redraws_when_everything_changed(qtbot, workspace) -> None:  # type: ignore[no-untyped-def]
    """A workspace-wide change (the demo loaded, a backup restored) reaches the page on screen;
    its own edits do not redraw it under the person's cursor."""
    from dataclasses import replace

    from app.services.changes import EVERYTHING, Changes

    win = MainWindow(AppContext(workspace))
    qtbot.addWidget(win)
    win.show()
    page = win.show_page("organization")
    assert isinstance(page, Page)
    organization.save(workspace, replace(organization.get(workspace), name="Restored Ltd"))
    win.ctx.announce(Changes(banks=True))  # not the organization's business
    assert page.name.text() != "Restored Ltd"
    win.ctx.announce(EVERYTHING)
    assert page.name.text() == "Restored Ltd"
    organization.save(workspace, replace(organization.get(workspace), name="Elsewhere"))
    win.ctx.announce(Changes(organization=True).by(page))  # its own: already on screen
    assert page.name.text() == "Restored Ltd"
    win.ctx.announce(Changes(organization=True))
    assert page.name.text() == "Elsewhere"

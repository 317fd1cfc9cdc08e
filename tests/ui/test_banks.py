"""Question banks page: validated in-place edits, draft → new version, diffs, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from app.domain.bank import FIELDS
from app.services import banks
from app.services.banks import DEFAULT_BANK_NAME
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.pages.banks import DiffDialog, Page, QuestionsModel, VersionsModel


@pytest.fixture
def page(qtbot, workspace):  # type: ignore[no-untyped-def]
    win = MainWindow(AppContext(workspace))
    qtbot.addWidget(win)
    win.show()
    p = win.show_page("banks")
    assert isinstance(p, Page)
    return p


def _cell(p: Page, qid: str, field: str):  # type: ignore[no-untyped-def]
    rows = p.questions.rows()
    row = next(i for i, r in enumerate(rows) if r["id"] == qid)
    return p.questions.index(row, FIELDS.index(field))


def test_invalid_weight_is_refused_with_the_precise_message(page, workspace) -> None:  # type: ignore[no-untyped-def]
    messages: list[str] = []
    page.ctx.status_message.connect(messages.append)
    index = _cell(page, "TR02", "weight")
    assert not page.questions.setData(index, "-3")
    assert index.data() == "4"
    assert "weight" in messages[-1] and "negative" in messages[-1]
    assert "negative" in index.data(Qt.ItemDataRole.ToolTipRole)  # the tooltip explains the refusal
    assert not page.questions.setData(_cell(page, "TR02", "type"), "maybe")
    assert "not one of yes_no" in messages[-1]
    assert not page.is_draft()
    assert [v.version for v in banks.versions(workspace, DEFAULT_BANK_NAME)] == [1]


def test_valid_edit_saved_as_new_version_keeps_v1(qtbot, page, workspace) -> None:  # type: ignore[no-untyped-def]
    v1 = banks.get_bank(workspace, DEFAULT_BANK_NAME, 1)
    # Edit through the view's editor, as a person would.
    index = page.proxy.mapFromSource(_cell(page, "TR02", "weight"))
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    editor = page.table.viewport().findChild(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "2.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.is_draft())
    assert "Unsaved draft" in page.draft_label.text()
    page.add_question()
    assert page.questions.rowCount() == len(v1.questions) + 1

    number, digest = page.save_draft(note="lower the weight of references")
    assert number == 2
    infos = banks.versions(workspace, DEFAULT_BANK_NAME)
    assert [(v.version, v.note) for v in infos] == [
        (1, "bundled default bank"),
        (2, "lower the weight of references"),
    ]
    assert banks.get_bank(workspace, DEFAULT_BANK_NAME, 1) == v1
    v2 = banks.get_bank(workspace, DEFAULT_BANK_NAME, 2)
    assert v2.question("TR02").weight == 2.5 and v2.hash == digest
    assert "Saved as v2" in page.draft_label.text() and digest[:12] in page.draft_label.text()
    assert page.versions.rowCount() == 2 and page.versions.index(0, 2).data() == digest[:12]
    d = banks.diff(workspace, DEFAULT_BANK_NAME, 1, 2)
    assert d.added == ("NEW1",) and d.changed == (("TR02", ("weight",)),)

    dialog = DiffDialog(workspace, DEFAULT_BANK_NAME, [1, 2], 1, 2, page)
    qtbot.addWidget(dialog)
    texts = [dialog.tree.topLevelItem(i).text(0) for i in range(3)]
    assert texts == ["Added (1)", "Removed (0)", "Changed (1)"]
    assert dialog.tree.topLevelItem(2).child(0).text(1) == "Weight"


def test_draft_edits_undo_and_redo(page) -> None:  # type: ignore[no-untyped-def]
    assert page.questions.setData(_cell(page, "TR02", "section"), "References")
    assert page.is_draft()
    page.ctx.undo_stack.undo()
    assert not page.is_draft()
    page.ctx.undo_stack.redo()
    assert _cell(page, "TR02", "section").data() == "References"


def test_models_pass_the_model_tester(qtmodeltester, page) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(page.questions)
    qtmodeltester.check(page.versions)
    standalone = QuestionsModel()
    standalone.set_rows(page.questions.rows()[:3])
    qtmodeltester.check(standalone)
    assert isinstance(page.versions, VersionsModel)

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
from tests.ui.counting import shown


@pytest.fixture
def page(qtbot, workspace):  # type: ignore[no-untyped-def]
    win = MainWindow(AppContext(workspace))
    qtbot.addWidget(win)
    win.show()
    return shown(qtbot, win, "banks", Page, lambda p: not p.busy)


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
    # Each changed field shows its old and new value, under the question it belongs to.
    changed = dialog.tree.topLevelItem(2).child(0)
    assert changed.text(0) == "TR02" and changed.text(3) == v2.question("TR02").question
    weight = changed.child(0)
    old_weight = f"{v1.question('TR02').weight:g}"
    assert [weight.text(c) for c in range(4)] == ["", "Weight", old_weight, "2.5"]
    assert dialog.tree.topLevelItem(0).child(0).text(0) == "NEW1"
    assert dialog.summary.text() == "Differences in 2 questions."


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


def _edit(qtbot, p: Page, qid: str, field: str):  # type: ignore[no-untyped-def]
    """Open a cell's editor the way a double-click does; returns the editor widget."""
    from PySide6.QtWidgets import QComboBox, QPlainTextEdit

    view_index = p.proxy.mapFromSource(_cell(p, qid, field))
    p.table.setCurrentIndex(view_index)
    p.table.edit(view_index)
    editors = [
        w
        for kind in (QComboBox, QPlainTextEdit, QLineEdit)
        for w in p.table.viewport().findChildren(kind, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if w.isVisible()
    ]
    assert len(editors) == 1
    return editors[0]


def test_rules_show_in_words_and_type_is_picked_from_a_list(qtbot, page, workspace) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QComboBox

    from app.domain.wording import knockout_words, num, scoring_words

    bank = banks.get_bank(workspace, DEFAULT_BANK_NAME)
    number = next(q for q in bank.questions if q.type.value == "number")
    assert _cell(page, number.id, "scoring").data() == scoring_words(number)
    assert _cell(page, number.id, "scoring").data().endswith(" otherwise.")
    assert _cell(page, number.id, "scoring").data(Qt.ItemDataRole.EditRole) == number.scoring  # the syntax, to edit
    knockout = next(q for q in bank.questions if q.knockout_min is not None)
    assert _cell(page, knockout.id, "knockout_min").data() == f"below {num(knockout.knockout_min)} of 5"
    assert knockout_words(knockout.knockout_min).startswith("a score below ")
    scale = next(q for q in bank.questions if q.type.value == "scale" and not q.flag_rule)
    assert page.questions.setData(_cell(page, scale.id, "flag_rule"), "<2:high:Weak plan")
    assert _cell(page, scale.id, "flag_rule").data() == "A high red flag when the score is less than 2 of 5: Weak plan"
    assert _cell(page, scale.id, "type").data() == "scale 0–5"
    editor = _edit(qtbot, page, scale.id, "type")
    assert isinstance(editor, QComboBox)
    assert [editor.itemText(i) for i in range(editor.count())] == ["yes / no", "scale 0–5", "number", "choice", "text"]
    editor.setCurrentIndex(editor.findData("yes_no"))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _cell(page, scale.id, "type").data() == "yes / no")
    assert page.is_draft() and next(r for r in page.questions.rows() if r["id"] == scale.id)["type"] == "yes_no"


def test_long_text_is_edited_over_several_lines(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPlainTextEdit

    editor = _edit(qtbot, page, "DR01", "guidance")
    assert isinstance(editor, QPlainTextEdit)
    assert editor.height() >= 5 * editor.fontMetrics().height()  # several lines, not one row's height
    editor.setPlainText("Good: a dated plan.\nBad: 'we will see'.")
    page.table.commitData(editor)
    assert _cell(page, "DR01", "guidance").data(Qt.ItemDataRole.EditRole) == "Good: a dated plan.\nBad: 'we will see'."

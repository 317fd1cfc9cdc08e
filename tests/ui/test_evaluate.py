"""The Evaluate page driven like a person would: vendors, keyboard answers, blind scoring, flags, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox

from app.domain.models import Organization, Stage
from app.services import banks, evaluations, organization
from app.ui.context import AppContext
from app.ui.evaluate import flags_tab as flags_module
from app.ui.evaluate.flags_tab import AcknowledgeDialog
from app.ui.evaluate.models import AnswersModel, FlagsModel
from app.ui.evaluate.page import Page
from app.ui.tasks import wait_for_workers
from tests.conftest import DEMO_EVALUATION

ANA = "Ana Ruiz"
BEN = "Ben Cho"


def sql(ws, query: str, *params: object) -> list[tuple]:
    with ws.engine.connect() as con:
        return [tuple(r) for r in con.exec_driver_sql(query, params).fetchall()]


def answer(ws, vendor: str, evaluator: str, qid: str) -> tuple[str, str] | None:
    rows = sql(
        ws,
        "SELECT a.value, a.note FROM answer a JOIN vendor v ON v.id = a.vendor_id "
        "JOIN evaluator e ON e.id = a.evaluator_id WHERE v.name = ? AND e.name = ? AND a.qid = ?",
        vendor, evaluator, qid,
    )
    return rows[0] if rows else None


def settle(qtbot, page: Page) -> None:
    """Wait until the page's background load has arrived (it loads on a worker thread)."""
    qtbot.waitUntil(lambda: not page.busy and page.live is not None)


def focused() -> object:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


@pytest.fixture
def fresh(workspace):
    """An organization, a use case-free evaluation on the default bank, two evaluators."""
    organization.save(workspace, Organization(
        name="Acme", industry="B2B SaaS", stage=Stage.SCALE_UP, infrastructure=["CRM", "cloud data warehouse"]))
    from tests.fixtures.banks import sales_flavoured_bank

    version_id, _, _ = banks.save(workspace, sales_flavoured_bank())  # every answer type in a row
    eid = evaluations.create_evaluation(workspace, "Partner 2027", version_id, [ANA, BEN])
    return workspace, eid


@pytest.fixture
def page(qtbot, fresh):
    ws, eid = fresh
    ctx = AppContext(ws)
    ctx.current_evaluation = eid
    widget = Page(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.refresh()
    settle(qtbot, widget)
    yield widget
    wait_for_workers()  # no worker may outlive the workspace


def choose(combo, value: str) -> None:
    """Pick an item as a person would: the combo's activated signal fires."""
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def add_vendor_via_ui(qtbot, page: Page, monkeypatch, name: str) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (name, True))
    page.tabs.setCurrentIndex(1)
    qtbot.mouseClick(page.vendors_tab.add_vendor_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)


def test_full_flow_two_vendors_two_evaluators_from_the_keyboard(qtbot, page: Page, fresh, monkeypatch) -> None:
    ws, eid = fresh
    add_vendor_via_ui(qtbot, page, monkeypatch, "Northwind AI")
    add_vendor_via_ui(qtbot, page, monkeypatch, "Blue Harbor")
    assert [page.vendors_tab.vendor_list.item(i).text() for i in range(page.vendors_tab.vendor_list.count())] == ["Northwind AI", "Blue Harbor"]
    assert sorted(r[0] for r in sql(ws, "SELECT name FROM vendor WHERE evaluation_id = ?", eid)) == [
        "Blue Harbor", "Northwind AI"]

    # --- Ana answers Northwind from the keyboard: type, Enter, type, Enter …
    page.tabs.setCurrentIndex(0)
    choose(page.answers_tab.evaluator, ANA)
    choose(page.answers_tab.answer_vendor, "Northwind AI")
    view = page.answers_tab.answers
    view.setFocus()
    view.go_to("TR01")  # a number question
    qtbot.keyClick(view, "1")  # typing opens the editor with what was typed …
    qtbot.keyClicks(focused(), "2")  # … and the editor, now focused, takes the rest
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # commits and opens TR02 (yes/no)
    qtbot.keyClicks(focused(), "y")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # TR03 (0–5 scale)
    qtbot.keyClicks(focused(), "4")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # TR04 (number)
    qtbot.keyClicks(focused(), "abc")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # refused with the service's message
    assert answer(ws, "Northwind AI", ANA, "TR01") == ("12", "")
    assert answer(ws, "Northwind AI", ANA, "TR02") == ("yes", "")
    assert answer(ws, "Northwind AI", ANA, "TR03") == ("4", "")
    assert answer(ws, "Northwind AI", ANA, "TR04") is None
    assert "is not a number" in page.answers_tab.error.text()
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    # Without an editor open: a digit answers a scale, y/n a yes/no, and the cursor moves on.
    view.setFocus()
    view.go_to("DR01")
    qtbot.keyClick(view, "3")
    assert page.answers_tab.answers_model.question_at(view.currentIndex()).id == "DR02"
    qtbot.keyClick(view, "n")
    assert answer(ws, "Northwind AI", ANA, "DR01") == ("3", "")
    assert answer(ws, "Northwind AI", ANA, "DR02") == ("no", "")
    assert page.answers_tab.answers_model.index_of("TR03", AnswersModel.ANSWER).data().startswith("4 — ")
    # Progress: 5 of 50 answered, in the bar, the vendor combo and the progress table.
    assert (page.answers_tab.progress.value(), page.answers_tab.progress.maximum()) == (5, 50)
    assert "(5/50)" in page.answers_tab.answer_vendor.currentText()
    assert page.results_panel.progress_model.index(0, 1).data() == "5/50"
    # A note, typed in the note column.
    view.go_to("TR03")
    view.setCurrentIndex(view.currentIndex().siblingAtColumn(AnswersModel.NOTE))
    qtbot.keyClick(view, "N")
    qtbot.keyClicks(focused(), "amed two clients")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert answer(ws, "Northwind AI", ANA, "TR03") == ("4", "Named two clients")
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)

    # --- Ben scores blind: he cannot see Ana's answers, nor totals built on them.
    choose(page.answers_tab.evaluator, BEN)
    settle(qtbot, page)
    others = page.answers_tab.answers_model.index_of("TR03", AnswersModel.OTHERS)
    assert page.answers_tab.answers_model.index_of("TR03", AnswersModel.ANSWER).data() == ""
    assert others.data() == "hidden until you submit"
    assert page.results_panel.ranking.index(0, 2).data() == "—"  # nothing of Ben's is scorable yet
    view.setFocus()
    view.go_to("TR03")
    qtbot.keyClick(view, "1")
    assert answer(ws, "Northwind AI", BEN, "TR03") == ("1", "")
    assert page.answers_tab.progress.value() == 1
    assert "4" not in (others.data() or "")
    assert "blind" in page.results_panel.results_note.text().lower()
    # Ben submits. Ana has not, so her answers stay hidden even from him: still no 4 in sight.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.answers_tab.submit, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert sql(ws, "SELECT submitted_at IS NOT NULL FROM evaluator WHERE name = ?", BEN) == [(1,)]
    assert not page.answers_tab.submit.isEnabled()
    assert page.answers_tab.answers_model.index_of("TR03", AnswersModel.OTHERS).data() == ""
    assert ANA in page.answers_tab.blind.text() and "still scoring" in page.answers_tab.blind.text()
    assert page.results_panel.results_note.text().startswith("Provisional")
    # Ana has not submitted, so she still sees only her own work.
    choose(page.answers_tab.evaluator, ANA)
    settle(qtbot, page)
    assert page.answers_tab.answers_model.index_of("TR03", AnswersModel.OTHERS).data() == "hidden until you submit"
    # Ana submits: now both see each other's scores and the disagreement (4 against 1).
    qtbot.mouseClick(page.answers_tab.submit, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert page.answers_tab.answers_model.index_of("TR03", AnswersModel.OTHERS).data() == "Ben: 1"
    choose(page.answers_tab.evaluator, BEN)
    settle(qtbot, page)
    others = page.answers_tab.answers_model.index_of("TR03", AnswersModel.OTHERS)
    assert others.data() == "Ana: 4"
    assert "disagree" in others.data(Qt.ItemDataRole.ToolTipRole)


def flag_rules(page: Page, vendor: str) -> dict[str, str]:
    model = page.flags.model
    out = {}
    for row in range(model.rowCount()):
        f = model.flag(row)
        if f.vendor == vendor:
            out[f.rule] = f.severity.value
    return out


def test_red_flag_appears_after_editing_the_timeline_and_is_acknowledged(qtbot, page: Page, fresh, monkeypatch) -> None:
    ws, eid = fresh
    add_vendor_via_ui(qtbot, page, monkeypatch, "Northwind AI")
    editor = page.vendors_tab.vendor_editor
    # A committed timeline: months and a milestone with a month; no vague timeline flag.
    editor.months.setFocus()
    editor.months.selectAll()
    qtbot.keyClicks(editor.months, "6")
    qtbot.keyClick(editor.months, Qt.Key.Key_Return)
    qtbot.mouseClick(editor.milestones_table.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(focused(), "Pilot live")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)  # on to the month
    table = editor.milestones_table.view
    qtbot.keyClicks(focused(), "3")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    # Qt's own delegate commits a line edit on Enter through a queued call.
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
    vendor = evaluations.load_snapshot(ws, eid).vendor("Northwind AI")
    assert vendor.timeline.kickoff_to_production_months == 6
    assert [(m.name, m.month) for m in vendor.timeline.milestones] == [("Pilot live", 3)]
    assert "vague_timeline" not in flag_rules(page, "Northwind AI")
    # Now the description turns vague: the flag appears in the panel.
    editor.timeline_text.setFocus()
    qtbot.keyClicks(editor.timeline_text, "We go live ASAP, it depends on your data")
    editor.claims.setFocus()  # leaving the field saves it
    assert "ASAP" in evaluations.load_snapshot(ws, eid).vendor("Northwind AI").timeline.description
    assert flag_rules(page, "Northwind AI").get("vague_timeline") == "high"
    assert page.tabs.tabText(2).replace("&", "").startswith("Red flags (")

    # Acknowledge it through the dialog, which refuses an empty rationale.
    class Typed(AcknowledgeDialog):
        def exec(self) -> int:
            assert not self.buttons.button(self.buttons.StandardButton.Ok).isEnabled()
            qtbot.keyClicks(self.rationale, "They showed a signed plan in the call")
            assert self.buttons.button(self.buttons.StandardButton.Ok).isEnabled()
            self.accept()
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(flags_module, "AcknowledgeDialog", Typed)
    page.tabs.setCurrentIndex(2)
    assert page.flags.select("Northwind AI", "vague_timeline")
    # The details say what fired, in the vendor's own figures and in plain words (no rule id).
    details = " ".join(page.flags.details.toPlainText().split())
    assert "Vague timeline" in details and "vague_timeline" not in details
    assert "committed to 6 months from kickoff to production and dated 1 milestone, but describes the timeline in vague terms" in details
    assert "“asap”" in details and "“it depends”" in details and "has not committed" not in details
    qtbot.mouseClick(page.flags.ack_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    rows = sql(ws, "SELECT vendor, rule, rationale, by FROM flag_ack WHERE evaluation_id = ?", eid)
    assert rows == [("Northwind AI", "vague_timeline", "They showed a signed plan in the call", ANA)]
    flag = page.flags.current_flag()
    assert flag is not None and flag.rule == "vague_timeline" and flag.acknowledged
    status = page.flags.table.currentIndex().siblingAtColumn(FlagsModel.STATUS).data()
    assert status.startswith(ANA)
    assert "signed plan" in page.flags.details.toPlainText()
    # Withdraw, then undo the withdrawal.
    qtbot.mouseClick(page.flags.withdraw_button, Qt.MouseButton.LeftButton)
    assert sql(ws, "SELECT COUNT(*) FROM flag_ack") == [(0,)]
    page.ctx.undo_stack.undo()
    assert sql(ws, "SELECT rationale FROM flag_ack") == [("They showed a signed plan in the call",)]


def test_vendor_rename_is_undoable(qtbot, page: Page, fresh, monkeypatch) -> None:
    ws, eid = fresh
    add_vendor_via_ui(qtbot, page, monkeypatch, "Northwind AI")
    name = page.vendors_tab.vendor_editor.name
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Northwind Analytics")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    settle(qtbot, page)
    assert sql(ws, "SELECT name FROM vendor") == [("Northwind Analytics",)]
    assert page.vendors_tab.vendor_list.currentItem().text() == "Northwind Analytics"
    page.ctx.undo_stack.undo()
    assert sql(ws, "SELECT name FROM vendor") == [("Northwind AI",)]
    page.ctx.undo_stack.undo()  # the vendor was added: undo removes it
    assert sql(ws, "SELECT COUNT(*) FROM vendor") == [(0,)]


def test_undo_and_redo_an_answer_on_the_demo(qtbot, demo) -> None:
    ctx = AppContext(demo)
    ctx.current_evaluation = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    page = Page(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    settle(qtbot, page)
    maya, omni = "Maya Chen (RevOps)", "OmniAI Solutions"
    choose(page.answers_tab.evaluator, maya)
    settle(qtbot, page)
    choose(page.answers_tab.answer_vendor, omni)
    before = answer(demo, omni, maya, "TR03")
    assert before is not None and before[0] != "1"
    page.answers_tab.answers.setFocus()
    page.answers_tab.answers.go_to("TR03")
    qtbot.keyClick(page.answers_tab.answers, "1")
    assert answer(demo, omni, maya, "TR03") == ("1", before[1])
    ctx.undo_stack.undo()
    assert answer(demo, omni, maya, "TR03") == before
    assert page.answers_tab.answers_model.cell("TR03").value == before[0]
    ctx.undo_stack.redo()
    assert answer(demo, omni, maya, "TR03") == ("1", before[1])
    assert page.answers_tab.answers_model.cell("TR03").value == "1"
    # Clearing an answer (Delete) and undoing it brings back value and note.
    page.answers_tab.answers.go_to("TR03")
    ctx.undo_stack.undo()
    page.answers_tab.answers.go_to("DR01")
    note_before = answer(demo, omni, maya, "DR01")
    qtbot.keyClick(page.answers_tab.answers, Qt.Key.Key_Delete)
    assert answer(demo, omni, maya, "DR01") != note_before
    ctx.undo_stack.undo()
    assert answer(demo, omni, maya, "DR01") == note_before


def test_new_evaluation_dialog_creates_and_selects(qtbot, page: Page, fresh, monkeypatch) -> None:
    ws, _ = fresh
    version_id = banks.list_banks(ws)[0].version_id
    assert page.create_evaluation("Second look", version_id, ["Zoe"], None)
    assert page.picker.currentText() == "Second look"
    assert [e.name for e in evaluations.list_evaluations(ws)][0] == "Second look"
    page.ctx.undo_stack.undo()
    assert "Second look" not in [e.name for e in evaluations.list_evaluations(ws)]


def test_add_an_evaluator_and_undo_it(qtbot, page: Page, fresh, monkeypatch) -> None:
    ws, _eid = fresh
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    assert page.add_evaluator_button.isEnabled()
    assert page.add_evaluator("Chloé Martin (Finance)")
    settle(qtbot, page)
    assert sql(ws, "SELECT name FROM evaluator ORDER BY position")[-1] == ("Chloé Martin (Finance)",)
    qtbot.waitUntil(lambda: page.answers_tab.evaluator.findData("Chloé Martin (Finance)") >= 0)
    assert not page.add_evaluator("Chloé Martin (Finance)")  # a second one with the same name is refused
    assert warnings and "already an evaluator" in warnings[0]
    page.ctx.undo_stack.undo()
    settle(qtbot, page)
    assert ("Chloé Martin (Finance)",) not in sql(ws, "SELECT name FROM evaluator")

"""File ▸ Import question bank wizard, questionnaire export, and dropping a filled questionnaire."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard

from app.exchange.questionnaire import ANSWER_COL
from app.services import banks, evaluations
from app.store.workspace import open_workspace
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.questionnaires import BankImportWizard, ExportQuestionnaireDialog
from tests.conftest import DEMO_EVALUATION
from tests.exchange.builders import write_xlsx

VENDOR = "Signal & Scale Partners"


@pytest.fixture
def window(qtbot: Any, demo_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(AppContext(open_workspace(demo_path, lock=True)))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.ctx.workspace.close()


def _foreign(path: Path) -> Path:
    rows: list[list[object]] = [
        ["Northwind — partner questionnaire"],
        [],
        ["Ref", "Topic", "Ask", "Notes", "Importance"],
        ["N1", "Data", "How do you check our data before modelling?", "Ask for an example audit", 3],
        ["N2", "Data", "Who owns the pipelines after go-live?", "", 2],
        ["N3", "Commercial", "Is the price fixed?", "", 1],
        [None, "Commercial", "An orphan row without id", "", 1],
    ]
    return write_xlsx(path, {"Questions": rows})


def _wizard(window: MainWindow) -> BankImportWizard:
    [action] = [a for a in window.file_menu.actions() if a.objectName() == "action-import-bank"]
    action.trigger()
    wizard = window.findChild(BankImportWizard)
    assert wizard is not None and wizard.isVisible()
    return wizard


def test_import_a_foreign_questionnaire_through_the_wizard(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    wizard = _wizard(window)
    wizard.set_file(_foreign(tmp_path / "northwind.xlsx"))
    page = wizard.file_page
    assert page.ticked() == ["Questions"] and wizard.sheets == ["Questions"]
    assert page.header_spin.value() == 3 and "row 3" in page.detected.text()
    assert page.table.item(2, 2).text() == "Ask"
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    mp = wizard.mapping_page
    assert wizard.currentPage() is mp
    # "Ask" is not a word the importer knows: no question column yet, so nothing can be imported.
    assert mp.combos["question"].currentData() is None
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert any("question text" in mp.problems.item(i).text() for i in range(mp.problems.count()))
    # Map it with the combo, as a user would.
    combo = mp.combos["question"]
    combo.setCurrentIndex(combo.findText("C: Ask"))
    combo.activated.emit(combo.currentIndex())
    weight = mp.combos["weight"]
    weight.setCurrentIndex(weight.findText("E: Importance"))
    weight.activated.emit(weight.currentIndex())
    mp.type_combo.setCurrentIndex(mp.type_combo.findData("yes_no"))
    mp.type_combo.activated.emit(mp.type_combo.currentIndex())
    assert mp.count.text() == "3 questions will be imported"
    problems = [mp.problems.item(i).text() for i in range(mp.problems.count())]
    assert any("skipped 1 row" in p and "7" in p for p in problems)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.name_page
    name = wizard.name_page.name_combo
    name.clearEditText()
    qtbot.keyClicks(name, "Northwind partner bank")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.summary is not None and wizard.summary.questions == 3
    [bank] = [b for b in banks.list_banks(window.ctx.workspace) if b.name == "Northwind partner bank"]
    assert bank.questions == 3
    saved = banks.get_bank(window.ctx.workspace, bank.name)
    assert [(q.id, q.type.value, q.weight, q.section) for q in saved.questions] == [
        ("N1", "yes_no", 3.0, "Data"), ("N2", "yes_no", 2.0, "Data"), ("N3", "yes_no", 1.0, "Commercial")]


def test_wizard_shows_a_hostile_file_error_and_stays_put(window: MainWindow, tmp_path: Path) -> None:
    wizard = _wizard(window)
    noise = tmp_path / "noise.xlsx"
    noise.write_bytes(b"\x13\x37" * 500)
    wizard.set_file(noise)
    assert "not an Excel .xlsx workbook" in wizard.file_page.detected.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_export_questionnaire_dialog_writes_the_workbook(window: MainWindow, tmp_path: Path) -> None:
    dialog = ExportQuestionnaireDialog(window.ctx, window)
    dialog.evaluation.setCurrentIndex(dialog.evaluation.findText(DEMO_EVALUATION))
    dialog.vendor.setCurrentIndex(dialog.vendor.findText(VENDOR))
    out = tmp_path / "q.xlsx"
    assert dialog.export_to(out)
    meta = {r[0].value: r[1].value for r in openpyxl.load_workbook(out)["_diligence"].iter_rows()}
    assert meta["vendor"] == VENDOR and meta["evaluation"] == DEMO_EVALUATION


def _drop(window: MainWindow, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # PySide marks the only QPoint constructor deprecated
        enter = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)


def test_dropping_a_filled_questionnaire_imports_it(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    dialog = ExportQuestionnaireDialog(window.ctx, window)
    dialog.evaluation.setCurrentIndex(dialog.evaluation.findText(DEMO_EVALUATION))
    dialog.vendor.setCurrentIndex(dialog.vendor.findText(VENDOR))
    assert dialog.export_to(out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Questionnaire"]
    bank = evaluations.load_snapshot(window.ctx.workspace, DEMO_EVALUATION).bank
    yes_no_row = next(r for r, q in enumerate(bank.questions, start=2) if q.type.value == "yes_no")
    ws.cell(yes_no_row, ANSWER_COL, "yes")
    wb.save(out)
    with qtbot.waitSignal(window.ctx.changes, timeout=5000) as changed:
        _drop(window, out)
    eid = evaluations.evaluation_id(window.ctx.workspace, DEMO_EVALUATION)
    assert changed.args[0].evaluation == eid and changed.args[0].answers
    snap = evaluations.load_snapshot(window.ctx.workspace, DEMO_EVALUATION)
    assert "Vendor (self-assessment)" in [e.name for e in snap.evaluators]
    box = window.findChild(QMessageBox)
    assert box is not None and box.text().startswith("Imported 1 answer for 'Signal & Scale Partners'")


def test_dropping_a_broken_questionnaire_reports_the_precise_error(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    dialog = ExportQuestionnaireDialog(window.ctx, window)
    dialog.evaluation.setCurrentIndex(dialog.evaluation.findText(DEMO_EVALUATION))
    dialog.vendor.setCurrentIndex(dialog.vendor.findText(VENDOR))
    assert dialog.export_to(out)
    wb = openpyxl.load_workbook(out)
    bank = evaluations.load_snapshot(window.ctx.workspace, DEMO_EVALUATION).bank
    row = next(r for r, q in enumerate(bank.questions, start=2) if q.type.value == "scale")
    wb["Questionnaire"].cell(row, ANSWER_COL, 9)
    wb.save(out)
    before = len(evaluations.load_snapshot(window.ctx.workspace, DEMO_EVALUATION).answers)
    _drop(window, out)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=5000)
    box = window.findChild(QMessageBox)
    assert box.text() == f"q.xlsx, sheet \"Questionnaire\", row {row}, column F (answer): '9' is not a whole number from 0 to 5"
    assert len(evaluations.load_snapshot(window.ctx.workspace, DEMO_EVALUATION).answers) == before


def test_dropping_a_foreign_workbook_opens_the_bank_wizard(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    _drop(window, _foreign(tmp_path / "northwind.xlsx"))
    qtbot.waitUntil(lambda: window.findChild(BankImportWizard) is not None, timeout=5000)
    wizard = window.findChild(BankImportWizard)
    assert wizard.path == tmp_path / "northwind.xlsx" and wizard.file_page.header_spin.value() == 3


def _tick(page: Any, *names: str) -> None:
    """Tick sheets in the list as a user would (a click on the check box)."""
    for i in range(page.sheet_list.count()):
        item = page.sheet_list.item(i)
        if item.data(Qt.ItemDataRole.UserRole) in names:
            item.setCheckState(Qt.CheckState.Checked)


def _problems(mp: Any) -> list[str]:
    return [mp.problems.item(i).text() for i in range(mp.problems.count())]


def _next(wizard: BankImportWizard, qtbot: Any) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def test_wizard_asks_for_the_sheet_shows_sections_and_maps_type_values(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    from tests.exchange import world

    wizard = _wizard(window)
    wizard.set_file(world.hecvat(tmp_path / "hecvat.xlsx"))
    page = wizard.file_page
    # Two topic sheets hold questions: the wizard lists every sheet with its count, asks, and waits.
    labels = [page.sheet_list.item(i).text() for i in range(page.sheet_list.count())]
    assert "AI — 15 question rows" in labels and "Privacy — 9 question rows" in labels and "START HERE" in labels
    assert page.ticked() == [] and "tick the ones to import" in page.detected.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    _tick(page, "AI")
    assert wizard.sheets == ["AI"] and page.table.item(1, 1).text() == " AI Policy"  # the preview follows
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    _next(wizard, qtbot)
    mp = wizard.mapping_page
    assert mp.count.text() == "15 questions will be imported"
    text = mp.breakdown.text()
    assert "3 sections: AI Policy (6), AI Data Protection (5), AI Model Security (4)" in text
    assert "Types: yes / no (15)" in text and "3 section rows found inside the table (rows 2, 9, 15)" in text

    codes = write_xlsx(tmp_path / "codes.xlsx", {"Model risk": [
        ["ID", "Question", "Answer type"],
        ["M1", "Is every model in production listed with an owner?", "YNANA"],
        ["M2", "Describe how models are retired at the end of their life.", "TXT"]]})
    wizard.restart()
    wizard.set_file(codes)
    _next(wizard, qtbot)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    problems = _problems(mp)
    assert any("'YNANA' is not an answer type" in p for p in problems)
    # Said in plain words: no command-line syntax on screen.
    assert all("--" not in p and "=TYPE" not in p for p in problems), problems
    assert any("choose what it means under “Values of the type column”" in p for p in problems)
    assert mp.type_values.isVisible() and mp.type_values.rowCount() == 2
    assert [mp.type_values.item(r, 0).text() for r in range(2)] == ["YNANA", "TXT"]
    for r, words in ((0, "Yes / no, n/a allowed"), (1, "Free text")):
        combo = mp.type_values.cellWidget(r, 1)
        combo.setCurrentIndex(combo.findText(words))
        combo.activated.emit(combo.currentIndex())
    assert mp.count.text() == "2 questions will be imported"
    assert "Types: yes / no (n/a allowed) (1), text (1)" in mp.breakdown.text()
    assert "1 section: Model risk (2)" in mp.breakdown.text()
    assert [mp.type_combo.itemText(i) for i in range(mp.type_combo.count())][:2] == ["Yes / no", "Yes / no, n/a allowed"]


def test_wizard_imports_several_hecvat_sheets_with_counts_per_sheet(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    from tests.exchange import world

    wizard = _wizard(window)
    wizard.set_file(world.hecvat4(tmp_path / "hecvat4.xlsx"))
    page = wizard.file_page
    labels = [page.sheet_list.item(i).text() for i in range(page.sheet_list.count())]
    assert any(label.startswith("Organization — ") for label in labels)
    _tick(page, "START HERE", "Organization", "AI")
    assert wizard.sheets == ["START HERE", "Organization", "AI"]
    labels = [page.sheet_list.item(i).text() for i in range(page.sheet_list.count())]
    # Each ticked sheet says how many questions it brings (GNRL- repeats count once, on START HERE).
    assert labels[:3] == ["START HERE — 8 questions", "Organization — 12 questions", "AI — 11 questions"]
    _next(wizard, qtbot)
    mp = wizard.mapping_page
    assert mp.count.text() == f"{world.hecvat4_count()} questions will be imported"
    assert "3 sheets: START HERE (8), Organization (12), AI (11)" in mp.breakdown.text()
    assert "6 sections: General Information (4), Company Information (4), Documentation (6)" in mp.breakdown.text()
    problems = _problems(mp)
    assert any("points are a guess (Self-Managed" in p and "check them on the next page" in p for p in problems)
    assert all("--" not in p for p in problems), problems
    # Sections from the sheet names instead, as --section-from sheet does.
    combo = mp.section_combo
    combo.setCurrentIndex(combo.findData("sheet"))
    combo.activated.emit(combo.currentIndex())
    assert combo.currentText() == "The sheet's name"
    assert "3 sections: START HERE (8), Organization (12), AI (11)" in mp.breakdown.text()
    _next(wizard, qtbot)
    # The hosting list is a choice: its points are shown, each marked as a guess, to be confirmed.
    pp = wizard.points_page
    assert wizard.currentPage() is pp
    rows = {pp.table.item(r, 0).text(): pp.spins[pp.table.item(r, 0).text()] for r in range(pp.table.rowCount())}
    assert list(rows) == list(world.HECVAT4_HOSTING)
    assert [s.text() for s in rows.values()] == ["5.00", "3.75", "2.50", "1.25", "0.00"]
    assert "5 answers marked with a warning are a guess" in pp.note.text()
    rows["AWS"].setValue(5)
    rows["Azure"].setValue(5)
    rows["Hybrid/Other"].setValue(rows["Hybrid/Other"].minimum())  # "n/a": the answer does not count
    assert rows["Hybrid/Other"].text() == "n/a"
    _next(wizard, qtbot)
    assert wizard.currentPage() is wizard.name_page
    assert "Sheets: START HERE (8), Organization (12), AI (11)." in wizard.name_page.summary.text()
    name = wizard.name_page.name_combo
    name.clearEditText()
    qtbot.keyClicks(name, "HECVAT 4")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.summary is not None and wizard.summary.questions == world.hecvat4_count()
    saved = banks.get_bank(window.ctx.workspace, "HECVAT 4")
    host = next(q for q in saved.questions if q.id == "AIHO-01")
    assert host.options == "Self-Managed=5|Physical Co-Location=3.75|AWS=5|Azure=5" and host.allow_na
    assert {q.section for q in saved.questions} == {"START HERE", "Organization", "AI"}

"""Evidence in the Evaluate page, driven like a person: documents dropped and refused, text cited
from the viewer with the mouse, citations in the answer panel (blind scoring), and "Where is this
answered?" — checked on the widgets and in the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app.domain.evidence import DocumentKind
from app.services import evaluations, evidence
from app.ui.context import AppContext
from app.ui.evaluate.page import Page
from app.ui.evidence import documents_panel
from app.ui.evidence.answer_evidence import AnswerEvidence
from app.ui.evidence.window import DocumentWindow
from app.ui.tasks import wait_for_workers
from tests.conftest import DEMO_EVALUATION
from tests.evidence_files import make_encrypted_pdf, make_pdf
from tests.ui.pdf_mouse import drag, line_rect, to_viewport

OMNI = "OmniAI Solutions"
MAYA = "Maya Chen (RevOps)"
DANIEL = "Daniel Okafor (Data)"
PAGES = [
    ["OmniAI Solutions proposal", "Executive summary: we can do anything you need."],
    ["Security", "Our SOC 2 Type II report covers the last twelve months.",
     "We complete your security review before we receive any of your data."],
    ["Delivery plan", "Kickoff in March.", "We deploy to production in eight weeks."],
    ["Integrations", "We integrate with Salesforce and write predictions back to records."],
]


def sql(ws, query: str, *params: object) -> list[tuple]:  # type: ignore[no-untyped-def]
    with ws.engine.connect() as con:
        return [tuple(r) for r in con.exec_driver_sql(query, params).fetchall()]


def settle(qtbot, page: Page) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not page.busy and page.live is not None)
    qtbot.waitUntil(lambda: not page.answers_tab.evidence.busy and not page.documents.busy)


@pytest.fixture
def proposal(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "omni-proposal.pdf", PAGES)


@pytest.fixture
def page(qtbot, demo):  # type: ignore[no-untyped-def]
    ctx = AppContext(demo)
    ctx.current_evaluation = evaluations.evaluation_id(demo, DEMO_EVALUATION)
    widget = Page(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    widget.refresh()
    settle(qtbot, widget)
    yield widget
    window = widget.answers_tab.evidence.window
    if window is not None:
        window.close()
    wait_for_workers()


def opened(qtbot, ev: AnswerEvidence) -> DocumentWindow:  # type: ignore[no-untyped-def]
    """The viewer window, once the document asked for is in it (it opens in steps)."""
    qtbot.waitUntil(lambda: ev.window is not None and not ev.window.opening and ev.window.isVisible())
    assert ev.window is not None
    return ev.window


def score(page: Page, evaluator: str, vendor: str, qid: str) -> None:
    tab = page.answers_tab
    for combo, value in ((tab.evaluator, evaluator), (tab.answer_vendor, vendor)):
        combo.setCurrentIndex(combo.findData(value))
        combo.activated.emit(combo.currentIndex())
    tab.answers.go_to(qid)


def drop(qtbot, widget, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    at = QPointF(widget.rect().center())
    enter = QDragEnterEvent(at.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def accept_details(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The kind / valid-until dialog is accepted as it opens (a proposal, no end date)."""
    def accept(dialog: QDialog) -> int:
        dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.PROPOSAL))  # type: ignore[attr-defined]
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(documents_panel.DocumentDetailsDialog, "exec", accept)


def documents_of(ws, vendor: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    return sql(ws, "SELECT d.name, d.kind FROM evidence_document d JOIN vendor v ON v.id = d.vendor_id "
                   "WHERE v.name = ? ORDER BY d.id", vendor)


def test_dropping_a_file_on_the_documents_tab_adds_it_on_a_worker(qtbot, page: Page, proposal: Path,
                                                                   accept_details: None) -> None:  # type: ignore[no-untyped-def]
    page.tabs.setCurrentWidget(page.documents)
    page.documents.show_vendor(OMNI)
    assert page.documents.empty.isVisible()
    drop(qtbot, page.documents, [proposal])
    qtbot.waitUntil(lambda: not page.documents.busy, timeout=20_000)
    assert documents_of(page.ctx.workspace, OMNI) == [("omni-proposal.pdf", "proposal")]
    qtbot.waitUntil(lambda: page.documents.model.rowCount() == 1)
    model = page.documents.model
    assert [model.index(0, c).data() for c in range(4)] == ["omni-proposal.pdf", "Proposal", 4, "no end date"]
    assert page.documents.table.isVisible() and not page.documents.progress_box.isVisible()


def test_a_hostile_file_shows_the_refusal_and_stores_nothing(qtbot, page: Page, proposal: Path,
                                                            tmp_path: Path, accept_details: None) -> None:  # type: ignore[no-untyped-def]
    locked = make_encrypted_pdf(tmp_path / "locked.pdf", proposal)
    page.tabs.setCurrentWidget(page.documents)
    page.documents.show_vendor(OMNI)
    before = sql(page.ctx.workspace, "SELECT count(*) FROM audit_log")
    drop(qtbot, page.documents, [locked])
    qtbot.waitUntil(lambda: page.documents.findChild(QMessageBox, "documents-refused") is not None, timeout=20_000)
    box = page.documents.findChild(QMessageBox, "documents-refused")
    assert box.isVisible()
    assert "1 file could not be added" in box.text()
    assert "locked.pdf" in box.informativeText() and page.documents.refused == [box.informativeText()]
    box.close()
    ws = page.ctx.workspace
    assert sql(ws, "SELECT count(*) FROM evidence_document") == [(0,)]
    assert sql(ws, "SELECT count(*) FROM evidence_blob") == [(0,)]
    assert sql(ws, "SELECT count(*) FROM audit_log") == before
    folder = evidence.documents_folder(ws)
    assert not folder.exists() or not list(folder.glob("??/*"))
    assert page.documents.empty.isVisible()


def test_citing_selected_text_from_the_viewer(qtbot, page: Page, proposal: Path) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    doc = evidence.add_document(ws, DEMO_EVALUATION, OMNI, proposal, DocumentKind.PROPOSAL)
    page.reload()
    settle(qtbot, page)
    score(page, MAYA, OMNI, "DT01")
    settle(qtbot, page)
    tab, ev = page.answers_tab, page.answers_tab.evidence
    assert ev.citations.citations() == []

    # Open it from the Evidence tab, as a person would, and select a line with the mouse.
    page.tabs.setCurrentWidget(page.documents)
    settle(qtbot, page)
    assert page.documents.select("omni-proposal.pdf")
    qtbot.mouseClick(page.documents.open_button, Qt.MouseButton.LeftButton)
    window = opened(qtbot, ev)
    assert "DT01" in window.citing.text() and MAYA in window.citing.text()
    viewer = window.viewer
    viewer.go_to_page(2)
    line = line_rect(viewer, 2, "production")
    start = to_viewport(viewer, 2, QPointF(line.left() - 8, line.center().y()))
    end = to_viewport(viewer, 2, QPointF(line.right() + 20, line.center().y()))
    drag(qtbot, viewer, start, end)
    assert viewer.selection() is not None
    qtbot.mouseClick(viewer.cite, Qt.MouseButton.LeftButton)
    settle(qtbot, page)

    rows = sql(ws, "SELECT c.qid, c.evaluator, c.page, c.quote, c.document_id FROM evidence_citation c")
    assert rows == [("DT01", MAYA, 3, "We deploy to production in eight weeks.", doc.id)]
    qtbot.waitUntil(lambda: len(ev.citations.citations()) == 1)
    shown = ev.citations.model.index(0).data()
    assert shown == "omni-proposal.pdf, p. 3 — “We deploy to production in eight weeks.”"
    assert tab.below.tabText(tab.below.indexOf(ev.citations)) == "&Citations (1)"

    # Undo takes the citation away like any other answer edit; redo puts it back.
    page.ctx.undo_stack.undo()
    settle(qtbot, page)
    assert sql(ws, "SELECT count(*) FROM evidence_citation") == [(0,)]
    qtbot.waitUntil(lambda: ev.citations.citations() == [])
    page.ctx.undo_stack.redo()
    settle(qtbot, page)
    assert sql(ws, "SELECT qid, page FROM evidence_citation") == [("DT01", 3)]

    # Activating the citation opens the viewer at its page with the excerpt marked.
    window.close()
    viewer.go_to_page(0)
    qtbot.waitUntil(lambda: len(ev.citations.citations()) == 1)
    ev.citations.view.activated.emit(ev.citations.model.index(0))
    assert opened(qtbot, ev) is window and viewer.current_page() == 2
    marked = viewer.pdf.highlighted
    assert marked is not None and marked.page == 2 and marked.text == "We deploy to production in eight weeks."


def test_another_evaluators_citations_follow_blind_scoring(qtbot, page: Page, proposal: Path) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    evaluations.add_evaluator(ws, DEMO_EVALUATION, "Priya Nair (Sales)")
    doc = evidence.add_document(ws, DEMO_EVALUATION, OMNI, proposal)
    evidence.cite(ws, DEMO_EVALUATION, OMNI, "SO01", doc, 2, "security review", evaluator="Priya Nair (Sales)")
    evidence.cite(ws, DEMO_EVALUATION, OMNI, "SO01", doc, 2, "SOC 2 Type II report", evaluator=DANIEL)
    page.reload()
    settle(qtbot, page)
    ev = page.answers_tab.evidence

    def shown() -> list[str]:
        return [c.evaluator for c in ev.citations.citations()]

    # Maya has submitted: she sees Daniel's (submitted) citation, not Priya's (still scoring).
    score(page, MAYA, OMNI, "SO01")
    settle(qtbot, page)
    qtbot.waitUntil(lambda: shown() == [DANIEL])
    assert ev.citations.model.index(0).data().endswith("(cited by Daniel Okafor (Data))")
    # Priya scores blind: her own citation only.
    score(page, "Priya Nair (Sales)", OMNI, "SO01")
    settle(qtbot, page)
    qtbot.waitUntil(lambda: shown() == ["Priya Nair (Sales)"])


def test_where_is_this_answered_lists_the_right_page_first(qtbot, page: Page, proposal: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    evidence.add_document(ws, DEMO_EVALUATION, OMNI, proposal, DocumentKind.PROPOSAL)
    other = make_pdf(tmp_path / "case-study.pdf", [["A retail case study"], ["Forecasting demand for stores."]])
    evidence.add_document(ws, DEMO_EVALUATION, OMNI, other, DocumentKind.CASE_STUDY, date(2020, 1, 1))
    page.reload()
    settle(qtbot, page)
    # SO01: "Will you complete our security review (…, SOC 2 report) before you receive any of our data?"
    score(page, MAYA, OMNI, "SO01")
    tab = page.answers_tab
    tab.below.setCurrentWidget(tab.evidence.passages)
    settle(qtbot, page)
    passages = tab.evidence.passages.passages()
    assert passages, tab.evidence.passages.status.text()
    assert (passages[0].document.name, passages[0].page) == ("omni-proposal.pdf", 2)
    first = tab.evidence.passages.model.index(0).data()
    assert first.startswith("omni-proposal.pdf, p. 2 — ")
    # Activating it opens the viewer on that page.
    tab.evidence.passages.view.activated.emit(tab.evidence.passages.model.index(0))
    window = opened(qtbot, tab.evidence)
    assert window.viewer.current_page() == 1
    assert window.viewer.pdf.highlighted is not None
    # Another passage opens in the same window; no second window is made.
    window.viewer.go_to_page(0)
    tab.evidence.passages.view.activated.emit(tab.evidence.passages.model.index(0))
    assert opened(qtbot, tab.evidence) is window and window.viewer.current_page() == 1
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, DocumentWindow)] == [window]
    # Another question follows the selection; a vendor without documents says so.
    score(page, MAYA, "Fresh Ridge Labs", "SO01")
    settle(qtbot, page)
    assert tab.evidence.passages.passages() == []
    assert tab.evidence.passages.status.text() == "Fresh Ridge Labs has no documents yet: add them on the Evidence tab."


def test_the_documents_tab_marks_expired_evidence(qtbot, page: Page, proposal: Path) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    evidence.add_document(ws, DEMO_EVALUATION, OMNI, proposal, DocumentKind.CERTIFICATION, date(2020, 6, 30))
    page.reload()
    settle(qtbot, page)
    page.tabs.setCurrentWidget(page.documents)
    page.documents.show_vendor(OMNI)
    settle(qtbot, page)
    model = page.documents.model
    assert model.index(0, 3).data() == "2020-06-30 — expired"
    assert model.index(0, 1).data() == "Certification"
    from pytestqt.modeltest import ModelTester

    ModelTester(None).check(model)


def test_answer_evidence_is_a_panel_of_the_answers_tab(page: Page) -> None:
    assert isinstance(page.answers_tab.evidence, AnswerEvidence)
    labels = [page.answers_tab.below.tabText(i) for i in range(page.answers_tab.below.count())]
    assert labels == ["&Guide", "&Citations", "&Where is this answered?"]


def test_cite_names_the_answer_and_is_off_for_another_vendors_document(qtbot, page: Page, proposal: Path) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    doc = evidence.add_document(ws, DEMO_EVALUATION, OMNI, proposal)
    page.reload()
    settle(qtbot, page)
    score(page, MAYA, "Fresh Ridge Labs", "DT01")
    settle(qtbot, page)
    ev = page.answers_tab.evidence
    assert ev.open_document(doc, 3)
    window = opened(qtbot, ev)
    assert window.citing.text() == "This document belongs to OmniAI Solutions; you are scoring Fresh Ridge Labs."
    line = window.viewer.pdf.lines(2)[-1]
    window.viewer.pdf.select(2, line.topLeft(), line.bottomRight())
    assert window.viewer.selection() is not None and not window.viewer.cite.isEnabled()
    # Scoring OmniAI again: the open window follows, and Cite names the answer it adds to.
    score(page, MAYA, OMNI, "DT01")
    settle(qtbot, page)
    assert window.viewer.cite.isEnabled()
    assert window.citing.text().startswith("Cite adds the selected text to the answer to DT01 “")
    assert window.citing.text().endswith("” (scored by Maya Chen (RevOps)).")


def test_removing_a_citation_from_the_answer_panel_is_undoable(qtbot, page: Page, proposal: Path) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    doc = evidence.add_document(ws, DEMO_EVALUATION, OMNI, proposal)
    evidence.cite(ws, DEMO_EVALUATION, OMNI, "SO01", doc, 2, "SOC 2 Type II report", evaluator=MAYA)
    page.reload()
    settle(qtbot, page)
    score(page, MAYA, OMNI, "SO01")
    settle(qtbot, page)
    panel = page.answers_tab.evidence.citations
    qtbot.waitUntil(lambda: len(panel.citations()) == 1)
    from pytestqt.modeltest import ModelTester

    ModelTester(None).check(panel.model)
    panel.view.setCurrentIndex(panel.model.index(0))
    assert panel.remove.isEnabled()
    qtbot.mouseClick(panel.remove, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert sql(ws, "SELECT count(*) FROM evidence_citation") == [(0,)]
    qtbot.waitUntil(lambda: panel.citations() == [])
    page.ctx.undo_stack.undo()
    settle(qtbot, page)
    assert sql(ws, "SELECT qid, evaluator, page, quote FROM evidence_citation") == [
        ("SO01", MAYA, 2, "SOC 2 Type II report")]
    qtbot.waitUntil(lambda: len(panel.citations()) == 1)


def test_a_word_document_opens_as_its_text_and_is_cited_the_same_way(qtbot, page: Page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.evidence_files import make_docx

    ws = page.ctx.workspace
    docx = make_docx(tmp_path / "case-study.docx", [["Retail case study"], ["Twelve stores went live in production in May."]])
    evidence.add_document(ws, DEMO_EVALUATION, OMNI, docx, DocumentKind.CASE_STUDY)
    page.reload()
    settle(qtbot, page)
    score(page, MAYA, OMNI, "TR01")
    page.tabs.setCurrentWidget(page.documents)
    settle(qtbot, page)
    page.documents.table.selectRow(0)
    page.documents.open_current()
    window = opened(qtbot, page.answers_tab.evidence)
    viewer = window.viewer
    assert not viewer.is_pdf and viewer.page_total.text() == "of 2"
    qtbot.mouseClick(viewer.next, Qt.MouseButton.LeftButton)
    text = viewer.text
    start = text.toPlainText().index("went live")
    cursor = text.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len("went live in production"), cursor.MoveMode.KeepAnchor)
    text.setTextCursor(cursor)
    qtbot.mouseClick(viewer.cite, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert sql(ws, "SELECT qid, page, quote FROM evidence_citation") == [("TR01", 2, "went live in production")]



def test_cancel_while_adding_stores_nothing(qtbot, page: Page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    long = make_pdf(tmp_path / "long-proposal.pdf", [[f"Page {n}: delivery, security and references."] for n in range(40)])
    page.tabs.setCurrentWidget(page.documents)
    page.documents.show_vendor(OMNI)
    settle(qtbot, page)
    panel = page.documents
    assert panel.add_files([long], details=(DocumentKind.PROPOSAL, None))
    assert panel.progress_box.isVisibleTo(panel) and panel.cancel_button.isEnabled()
    assert not panel.add_button.isEnabled()  # one add at a time
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=20_000)
    ws = page.ctx.workspace
    assert sql(ws, "SELECT count(*) FROM evidence_document") == [(0,)]
    assert sql(ws, "SELECT count(*) FROM evidence_blob") == [(0,)]
    assert not panel.progress_box.isVisibleTo(panel) and panel.add_button.isEnabled()
    assert panel.empty.isVisible()


VECTOR = "Vectorworks Platform"


def test_a_reference_check_is_recorded_on_the_evidence_tab_and_undone(qtbot, page: Page) -> None:  # type: ignore[no-untyped-def]
    from app.domain.models import ReferenceCheck
    from app.ui.evidence.reference_checks import ReferenceCheckDialog

    ws = page.ctx.workspace
    page.tabs.setCurrentWidget(page.documents)
    page.documents.show_vendor(VECTOR)
    settle(qtbot, page)
    checks = page.documents.checks
    assert checks.companies == ["Acme Cloud", "Stratus CRM", "Telvia"]
    assert checks.status.text() == "No reference called yet. A reference nobody confirmed counts as a claim only."
    assert checks.record_button.isEnabled()

    dialog = ReferenceCheckDialog(VECTOR, checks.companies, MAYA)
    qtbot.addWidget(dialog)
    dialog.company.setCurrentText("Telvia")
    dialog.no.setChecked(True)
    dialog.stage.setCurrentIndex(dialog.stage.findData("enterprise"))
    dialog.industry.setText("telecom")
    dialog.note.setPlainText("Pilot only: two regions, never rolled out.")
    check = dialog.values()
    assert (check.company, check.confirmed_production, check.stage, check.industry, check.by) == (
        "Telvia", False, "enterprise", "telecom", MAYA)

    def contradicted() -> bool:
        live = page.live
        return live is not None and any(f.rule == "reference_contradicts" for f in live.results.flags.get(VECTOR, []))

    assert not contradicted()
    assert checks.record(check)
    settle(qtbot, page)
    assert sql(ws, "SELECT r.company, r.confirmed_production, r.note FROM reference_check r "
                   "JOIN vendor v ON v.id = r.vendor_id WHERE v.name = ?", VECTOR) == [
        ("Telvia", 0, "Pilot only: two regions, never rolled out.")]
    qtbot.waitUntil(lambda: checks.model.rowCount() == 1)
    assert checks.model.index(0, 1).data() == "Not confirmed"
    assert checks.status.text() == "1 check recorded; 1 did not confirm a production deployment."
    qtbot.waitUntil(contradicted)

    page.ctx.undo_stack.undo()
    settle(qtbot, page)
    assert sql(ws, "SELECT count(*) FROM reference_check r JOIN vendor v ON v.id = r.vendor_id "
                   "WHERE v.name = ?", VECTOR) == [(0,)]
    qtbot.waitUntil(lambda: checks.model.rowCount() == 0)
    qtbot.waitUntil(lambda: not contradicted())
    assert isinstance(check, ReferenceCheck)

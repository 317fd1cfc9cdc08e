"""Removing a vendor's document on the Evidence tab is undoable like every other edit: undo puts
back the document in its place with its details and citations, its file and its search index;
redo removes it again. Checked in the database, on disk, through search and on the tab."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from app.domain.evidence import DocumentKind
from app.services import evidence
from app.ui.evaluate.page import Page
from tests.conftest import DEMO_EVALUATION
from tests.evidence_files import make_pdf
from tests.ui import test_evidence_gui as gui
from tests.ui.test_evidence_gui import MAYA, OMNI, settle, sql

page, proposal = gui.page, gui.proposal  # the Evidence tests' fixtures

DOCUMENTS = ("SELECT d.name, d.sha256, d.kind, d.valid_until, d.added_at, d.added_by, d.position "
             "FROM evidence_document d JOIN vendor v ON v.id = d.vendor_id WHERE v.name = ? ORDER BY d.position")
CITATIONS = "SELECT qid, evaluator, page, quote, cited_at, cited_by FROM evidence_citation ORDER BY id"


def _listed(page: Page) -> list[str]:
    return [d.name for d in page.documents.model.documents]


def _found(page: Page, words: str) -> list[tuple[str, int]]:
    hits = evidence.search(page.ctx.workspace, DEMO_EVALUATION, OMNI, words)
    return [(p.document.name, p.page) for p in hits]


def test_removing_a_document_is_undone_with_its_citations_file_and_index(
        qtbot, page: Page, proposal: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    doc = evidence.add_document(ws, DEMO_EVALUATION, OMNI, proposal, DocumentKind.PROPOSAL, date(2027, 3, 31))
    other = make_pdf(tmp_path / "case-study.pdf", [["Retail case study", "Twelve stores went live."]])
    evidence.add_document(ws, DEMO_EVALUATION, OMNI, other, DocumentKind.CASE_STUDY)
    evidence.cite(ws, DEMO_EVALUATION, OMNI, "SO01", doc, 2, "SOC 2 Type II report", evaluator=MAYA)
    page.reload()
    page.tabs.setCurrentWidget(page.documents)
    page.documents.show_vendor(OMNI)
    settle(qtbot, page)
    documents, citations = sql(ws, DOCUMENTS, OMNI), sql(ws, CITATIONS)
    assert [d[0] for d in documents] == ["omni-proposal.pdf", "case-study.pdf"] and len(citations) == 1
    assert _found(page, "SOC") == [("omni-proposal.pdf", 2)]
    digest = hashlib.sha256(proposal.read_bytes()).hexdigest()

    assert page.documents.select("omni-proposal.pdf")
    assert page.documents.remove_current(confirm=False)
    settle(qtbot, page)
    assert [d[0] for d in sql(ws, DOCUMENTS, OMNI)] == ["case-study.pdf"]
    assert sql(ws, CITATIONS) == []
    assert _found(page, "SOC") == []
    qtbot.waitUntil(lambda: _listed(page) == ["case-study.pdf"])
    assert page.ctx.undo_stack.undoText() == "Remove omni-proposal.pdf"

    page.ctx.undo_stack.undo()
    settle(qtbot, page)
    assert sql(ws, DOCUMENTS, OMNI) == documents  # in its place, kind, end date, who added it and when
    assert sql(ws, CITATIONS) == citations  # the quote, its page, who cited it and when
    assert _found(page, "SOC") == [("omni-proposal.pdf", 2)]  # searchable again
    restored = evidence.find_document(ws, DEMO_EVALUATION, OMNI, "omni-proposal.pdf")
    assert hashlib.sha256(evidence.document_file(ws, restored).read_bytes()).hexdigest() == digest
    qtbot.waitUntil(lambda: _listed(page) == ["omni-proposal.pdf", "case-study.pdf"])
    assert page.documents.selected() is not None and page.documents.selected().name == "omni-proposal.pdf"

    page.ctx.undo_stack.redo()  # removes the document that came back (it has a new id)
    settle(qtbot, page)
    assert [d[0] for d in sql(ws, DOCUMENTS, OMNI)] == ["case-study.pdf"] and sql(ws, CITATIONS) == []
    page.ctx.undo_stack.undo()
    settle(qtbot, page)
    assert sql(ws, DOCUMENTS, OMNI) == documents and sql(ws, CITATIONS) == citations


def test_removing_a_document_from_the_command_line_still_deletes_its_file(demo, proposal: Path) -> None:  # type: ignore[no-untyped-def]
    doc = evidence.add_document(demo, DEMO_EVALUATION, OMNI, proposal)
    path = evidence.document_file(demo, doc)
    evidence.remove_document(demo, doc)
    assert not path.exists()
    assert sql(demo, "SELECT count(*) FROM evidence_blob") == [(0,)]

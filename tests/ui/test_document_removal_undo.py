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


def _remove_on_the_tab(qtbot, page: Page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.reload()
    page.tabs.setCurrentWidget(page.documents)
    page.documents.show_vendor(OMNI)
    settle(qtbot, page)
    assert page.documents.select(name)
    assert page.documents.remove_current(confirm=False)
    settle(qtbot, page)


def test_a_removed_document_s_file_goes_when_the_window_opens_another_workspace(  # type: ignore[no-untyped-def]
        qtbot, page: Page, proposal: Path, tmp_path: Path) -> None:
    import sqlite3

    from app.store.workspace import open_workspace

    ws = page.ctx.workspace
    doc = evidence.add_document(ws, DEMO_EVALUATION, OMNI, proposal)
    stored = evidence.document_file(ws, doc)
    _remove_on_the_tab(qtbot, page, "omni-proposal.pdf")
    assert stored.exists()  # kept while undo can bring it back
    page.ctx.set_workspace(open_workspace(tmp_path / "another"))  # File ▸ Open: the undo history goes
    qtbot.waitUntil(lambda: not page.busy)
    assert not stored.exists() and not stored.parent.exists()
    con = sqlite3.connect(ws.db)
    try:
        assert con.execute("SELECT count(*) FROM evidence_blob").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM evidence_page").fetchone() == (0,)
    finally:
        con.close()


def test_a_removed_document_s_file_goes_when_the_app_quits_before_the_closing_backup(  # type: ignore[no-untyped-def]
        qtbot, page: Page, proposal: Path, tmp_path: Path) -> None:
    import sqlite3

    from PySide6.QtWidgets import QWidget

    from app.services import backups
    from app.ui.audit_view import Backups

    ws = page.ctx.workspace
    kept = evidence.add_document(ws, DEMO_EVALUATION, OMNI, make_pdf(tmp_path / "kept.pdf", [["Still attached"]]))
    doc = evidence.add_document(ws, DEMO_EVALUATION, OMNI, proposal)
    stored = evidence.document_file(ws, doc)
    _remove_on_the_tab(qtbot, page, "omni-proposal.pdf")
    page.ctx.undo_stack.undo()  # undo before the app quits still brings everything back
    settle(qtbot, page)
    assert stored.exists() and [d.name for d in evidence.list_documents(ws, DEMO_EVALUATION, OMNI)] == [
        "kept.pdf", "omni-proposal.pdf"]
    page.ctx.undo_stack.redo()
    settle(qtbot, page)
    window = QWidget()
    qtbot.addWidget(window)
    window.ctx = page.ctx  # type: ignore[attr-defined]
    Backups(window).on_quit()  # type: ignore[arg-type]  # what the app does at aboutToQuit
    assert not stored.exists() and evidence.document_file(ws, kept).exists()
    (closing,) = [b for b in backups.list_backups(ws) if b.kind == backups.AUTO]
    con = sqlite3.connect(closing.path)
    try:  # the closing backup holds nothing of the removed document, not even its text
        assert con.execute("SELECT sha256 FROM evidence_blob").fetchall() == [(kept.sha256,)]
        assert con.execute("SELECT count(*) FROM evidence_page WHERE text LIKE '%SOC 2%'").fetchone() == (0,)
    finally:
        con.close()


def test_the_app_deletes_what_a_session_that_died_left_as_soon_as_it_opens_the_workspace(  # type: ignore[no-untyped-def]
        demo_path: Path, proposal: Path, tmp_path: Path) -> None:
    """A window killed before quitting leaves the file of a document it removed: the next app to
    open the workspace for writing deletes it while it starts (not only when it quits)."""
    import signal
    import subprocess
    import time

    from app.store.workspace import open_workspace
    from tests.reliability.crash import _env, cli

    ws = open_workspace(demo_path)
    try:
        doc = evidence.add_document(ws, DEMO_EVALUATION, OMNI, proposal)
        stored = evidence.document_file(ws, doc)
        evidence.remove_document(ws, doc, keep_bytes=True)  # the dead window's removal
    finally:
        ws.close()
    assert stored.exists()
    env = {**_env(), "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    app = subprocess.Popen(cli("gui", "--workspace", str(demo_path)), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60  # a limit for a slow machine, not a measured time
        while stored.exists() and app.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        running = app.poll() is None  # the clean-up came while the app runs, not from its quit
        gone = not stored.exists()
    finally:
        app.send_signal(signal.SIGTERM)  # quits normally
        _out, err = app.communicate(timeout=120)
    assert running and gone, err[-800:]
    assert app.returncode == 0 and "Traceback" not in err, err[-800:]

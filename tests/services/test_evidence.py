"""Evidence: documents stored once by content, text read page by page, searched and cited."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.domain.evidence import DocumentKind
from app.services import evidence
from app.services.errors import InputError, NotFound
from app.store.workspace import open_workspace
from tests.conftest import DEMO_EVALUATION
from tests.evidence_files import make_docx, make_pdf, make_png, make_pptx, make_xlsx

SIGNAL = "Signal & Scale Partners"
FRESH = "Fresh Ridge Labs"


def rows(ws, sql: str, *params: object) -> list[tuple]:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(ws.db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def blob_files(ws) -> list[str]:  # type: ignore[no-untyped-def]
    folder = evidence.documents_folder(ws)
    return sorted(p.name for p in folder.glob("??/*")) if folder.exists() else []


@pytest.fixture
def proposal(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "proposal.pdf", [
        ["Signal & Scale proposal", "Executive summary"],
        ["Delivery plan", "Kickoff to production in 8 weeks, ASAP.", "We can do anything you need."],
        ["Integrations", "We integrate with Salesforce and HubSpot through certified connectors."],
    ])


def test_add_pdf_extracts_each_page_and_stores_the_blob_by_hash(demo, proposal: Path) -> None:  # type: ignore[no-untyped-def]
    doc = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, proposal, DocumentKind.PROPOSAL, date(2027, 6, 30))
    assert (doc.name, doc.format, doc.pages, doc.kind, doc.valid_until) == (
        "proposal.pdf", "pdf", 3, DocumentKind.PROPOSAL, date(2027, 6, 30))
    import hashlib

    assert doc.sha256 == hashlib.sha256(proposal.read_bytes()).hexdigest()
    assert evidence.document_file(demo, doc).read_bytes() == proposal.read_bytes()
    texts = [p.text for p in evidence.pages(demo, doc)]
    assert "Executive summary" in texts[0] and "Salesforce" not in texts[0]
    assert "8 weeks" in texts[1]
    assert "Salesforce and HubSpot" in texts[2]
    assert evidence.page_text(demo, doc.id, 3) == texts[2]
    assert rows(demo, "select count(*) from evidence_page") == [(3,)]
    assert blob_files(demo) == [doc.sha256]
    assert rows(demo, "select action from audit_log where entity='evidence_document'") == [("document added",)]


def test_same_bytes_for_two_vendors_is_one_blob_and_twice_for_one_vendor_is_refused(demo, proposal: Path) -> None:  # type: ignore[no-untyped-def]
    a = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, proposal)
    copy = proposal.with_name("same-content.pdf")
    copy.write_bytes(proposal.read_bytes())
    b = evidence.add_document(demo, DEMO_EVALUATION, FRESH, copy, "case-study")
    assert a.sha256 == b.sha256 and a.id != b.id and b.name == "same-content.pdf"
    assert rows(demo, "select count(*) from evidence_blob") == [(1,)]
    assert rows(demo, "select count(*) from evidence_page") == [(3,)]
    assert blob_files(demo) == [a.sha256]
    with pytest.raises(InputError, match=r"already has this document.*'proposal.pdf'"):
        evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, copy)
    assert rows(demo, "select count(*) from evidence_document") == [(2,)]
    # Removing one vendor's copy keeps the bytes the other still refers to; removing both deletes them.
    evidence.remove_document(demo, a)
    assert blob_files(demo) == [a.sha256]
    assert [p.page for p in evidence.search(demo, DEMO_EVALUATION, FRESH, "Salesforce")] == [3]
    evidence.remove_document(demo, b.id)
    assert blob_files(demo) == []
    assert rows(demo, "select count(*) from evidence_blob") == [(0,)]
    assert rows(demo, "select count(*) from evidence_page") == [(0,)]
    assert rows(demo, "select count(*) from evidence_fts where evidence_fts match 'Salesforce'") == [(0,)]


def test_office_files_images_and_text_are_read_page_by_page(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docx = make_docx(tmp_path / "soc2.docx", [["SOC 2 Type II report", "Period: 2025"], ["Exceptions noted: none"]])
    pptx = make_pptx(tmp_path / "pitch.pptx", [["Why us"], ["Case study: Acme bank", "Live in production"], ["Pricing"]])
    xlsx = make_xlsx(tmp_path / "costs.xlsx", {"Summary": [["Item", "Cost"], ["Licence", 12000]],
                                               "Assumptions": [["Growth", "5 % a year"]]})
    png = make_png(tmp_path / "diagram.png")
    txt = tmp_path / "notes.md"
    txt.write_text("# Notes\nFirst page\fSecond page mentions Snowflake\n", encoding="utf-8")
    got = {p.name: evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, p) for p in (docx, pptx, xlsx, png, txt)}
    assert {n: (d.format, d.pages) for n, d in got.items()} == {
        "soc2.docx": ("docx", 2), "pitch.pptx": ("pptx", 3), "costs.xlsx": ("xlsx", 2),
        "diagram.png": ("png", 1), "notes.md": ("md", 2)}
    assert [p.text for p in evidence.pages(demo, got["soc2.docx"])] == [
        "SOC 2 Type II report\nPeriod: 2025", "Exceptions noted: none"]
    assert evidence.page_text(demo, got["pitch.pptx"], 2) == "Case study: Acme bank\nLive in production"
    assert evidence.page_text(demo, got["costs.xlsx"], 1) == "Item\tCost\nLicence\t12000"
    assert evidence.page_text(demo, got["costs.xlsx"], 2) == "Growth\t5 % a year"
    assert evidence.page_text(demo, got["diagram.png"], 1) == ""
    hit = evidence.search(demo, DEMO_EVALUATION, SIGNAL, "snowflake")
    assert [(p.document.name, p.page) for p in hit] == [("notes.md", 2)]


def test_search_ranks_the_page_that_answers_first_and_stays_within_the_vendor(demo, proposal: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, proposal)
    other = make_pdf(tmp_path / "other.pdf", [["Salesforce connectors, Salesforce support, Salesforce everything"]])
    evidence.add_document(demo, DEMO_EVALUATION, FRESH, other)
    passages = evidence.search(demo, DEMO_EVALUATION, SIGNAL, "Which CRM integrations (Salesforce, HubSpot) do you support?")
    assert passages[0].document.name == "proposal.pdf" and passages[0].page == 3
    assert {p.document.vendor for p in passages} == {SIGNAL}
    assert passages == sorted(passages, key=lambda p: p.rank)
    assert "[Salesforce]" in passages[0].excerpt() and "[HubSpot]" in passages[0].excerpt()
    assert "<b>Salesforce</b>" in passages[0].excerpt("<b>", "</b>")
    # FTS syntax typed by a person is searched for as words, never run as a query.
    assert evidence.search(demo, DEMO_EVALUATION, SIGNAL, 'NEAR(" OR * ^') == []
    assert evidence.search(demo, DEMO_EVALUATION, SIGNAL, "") == []
    # "AND" is not an operator, and too common a word to say where something is answered.
    assert [p.page for p in evidence.search(demo, DEMO_EVALUATION, SIGNAL, "weeks AND ASAP")] == [2]
    assert [p.page for p in evidence.search(demo, DEMO_EVALUATION, SIGNAL, "and")] == [3]  # only common words: kept


def test_cite_keeps_a_quote_that_is_on_the_page_and_refuses_one_that_is_not(demo, proposal: Path) -> None:  # type: ignore[no-untyped-def]
    doc = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, proposal)
    c = evidence.cite(demo, DEMO_EVALUATION, SIGNAL, "TR01", doc.short_hash, 2, "kickoff  to\nproduction in 8 WEEKS")
    assert (c.question, c.page, c.quote, c.document.id, c.evaluator) == ("TR01", 2, "kickoff to production in 8 WEEKS", doc.id, "")
    with pytest.raises(InputError, match=r"the quote 'Salesforce' is not on page 2 of proposal.pdf"):
        evidence.cite(demo, DEMO_EVALUATION, SIGNAL, "TR01", "proposal.pdf", 2, "Salesforce")
    with pytest.raises(InputError, match="proposal.pdf has 3 pages; there is no page 4"):
        evidence.cite(demo, DEMO_EVALUATION, SIGNAL, "TR01", "proposal.pdf", 4, "Salesforce")
    with pytest.raises(NotFound, match="no question 'XX99'"):
        evidence.cite(demo, DEMO_EVALUATION, SIGNAL, "XX99", "proposal.pdf", 3, "Salesforce")
    with pytest.raises(NotFound, match="has no document named 'nope.pdf'.*proposal.pdf"):
        evidence.cite(demo, DEMO_EVALUATION, SIGNAL, "TR01", "nope.pdf", 3, "Salesforce")
    with pytest.raises(NotFound, match="no evaluator 'Nobody'"):
        evidence.cite(demo, DEMO_EVALUATION, SIGNAL, "TR01", "proposal.pdf", 3, "Salesforce", evaluator="Nobody")
    assert rows(demo, "select count(*) from evidence_citation") == [(1,)]
    assert evidence.citations_for(demo, DEMO_EVALUATION, SIGNAL, "TR01") == [c]
    assert evidence.citations_for(demo, DEMO_EVALUATION, FRESH) == []
    loaded = evidence.load_evidence(demo, DEMO_EVALUATION, with_text=True)
    assert loaded.citations == (c,) and [p.number for p in loaded.pages_of(doc)] == [1, 2, 3]
    evidence.remove_citation(demo, c)
    assert evidence.citations_for(demo, DEMO_EVALUATION) == []


def test_document_names_are_file_names_or_hash_prefixes_and_ambiguity_is_refused(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = make_pdf(tmp_path / "a" / "proposal.pdf", [["Version one"]]) if (tmp_path / "a").mkdir() is None else None
    second = make_pdf(tmp_path / "b" / "proposal.pdf", [["Version two"]]) if (tmp_path / "b").mkdir() is None else None
    assert first is not None and second is not None
    one = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, first)
    two = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, second)
    with pytest.raises(InputError, match="names more than one.*give a longer SHA-256 prefix"):
        evidence.find_document(demo, DEMO_EVALUATION, SIGNAL, "proposal.pdf")
    assert evidence.find_document(demo, DEMO_EVALUATION, SIGNAL, two.sha256[:8]) == two
    assert evidence.find_document(demo, DEMO_EVALUATION, SIGNAL, one.sha256.upper()[:10]) == one


def test_a_workspace_folder_with_hash_spaces_and_accents_keeps_its_documents(tmp_path: Path, proposal: Path) -> None:
    from app.services import transfer
    from app.services.banks import ensure_default_bank

    folder = tmp_path / "Évaluations #2 ?x% (copy)"
    ws = open_workspace(folder)
    try:
        ensure_default_bank(ws)
        transfer.load_demo(ws)
        doc = evidence.add_document(ws, DEMO_EVALUATION, SIGNAL, proposal)
        assert evidence.document_file(ws, doc) == folder / "documents" / doc.sha256[:2] / doc.sha256
        assert evidence.document_file(ws, doc).read_bytes() == proposal.read_bytes()
        assert [p.page for p in evidence.search(ws, DEMO_EVALUATION, SIGNAL, "HubSpot")] == [3]
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([folder.name, "proposal.pdf"])
    finally:
        ws.close()


def test_progress_is_reported_and_cancel_leaves_nothing(demo, proposal: Path) -> None:  # type: ignore[no-untyped-def]
    seen: list[float] = []
    evidence.add_document(demo, DEMO_EVALUATION, FRESH, proposal, progress=lambda f, _m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    other = proposal.with_name("late.pdf")
    make_pdf(other, [["Another"], ["document"]])
    for stop_after in (1, 3, 6):
        calls = iter(range(100))
        with pytest.raises(evidence.AddCancelled):
            evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, other, cancel=lambda calls=calls, stop=stop_after: next(calls) >= stop)
    assert [d.name for d in evidence.list_documents(demo, DEMO_EVALUATION)] == ["proposal.pdf"]
    assert len(blob_files(demo)) == 1
    assert list((evidence.documents_folder(demo) / ".incoming").iterdir()) == []


def test_undoing_remove_vendor_brings_its_documents_and_citations_back(demo, proposal: Path) -> None:  # type: ignore[no-untyped-def]
    from app.services import evaluations

    doc = evidence.add_document(demo, DEMO_EVALUATION, FRESH, proposal, "proposal", date(2027, 1, 31))
    cited = evidence.cite(demo, DEMO_EVALUATION, FRESH, "TR01", doc, 3, "Salesforce and HubSpot")
    other = make_pdf(proposal.with_name("other.pdf"), [["Unrelated"]])
    mine = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, other)
    deleted = evaluations.delete_vendor(demo, DEMO_EVALUATION, FRESH)
    assert evidence.load_evidence(demo, DEMO_EVALUATION).documents_of(FRESH) == ()
    # Removing another vendor's document does not sweep the removed vendor's bytes away.
    evidence.remove_document(demo, mine)
    assert blob_files(demo) == [doc.sha256]
    evaluations.restore_vendor(demo, DEMO_EVALUATION, deleted)
    back = evidence.load_evidence(demo, DEMO_EVALUATION)
    (restored,) = back.documents_of(FRESH)
    assert (restored.name, restored.kind, restored.valid_until, restored.added_at, restored.pages) == (
        doc.name, doc.kind, doc.valid_until, doc.added_at, 3)
    (again,) = back.citations_of(FRESH, "TR01")
    assert (again.page, again.quote, again.cited_at) == (3, cited.quote, cited.cited_at)
    assert [p.page for p in evidence.search(demo, DEMO_EVALUATION, FRESH, "HubSpot")] == [3]


def test_a_page_s_own_brackets_are_never_taken_for_highlight_marks(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.domain.evidence import HIGHLIGHT

    pdf = make_pdf(tmp_path / "refs.pdf", [["See [1] and [Appendix B] for the uptime SLA figures."]])
    evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, pdf)
    (hit,) = evidence.search(demo, DEMO_EVALUATION, SIGNAL, "uptime")
    opening, closing = HIGHLIGHT
    assert hit.snippet.count(opening) == hit.snippet.count(closing) == 1
    assert f"{opening}uptime{closing}" in hit.snippet and "[Appendix B]" in hit.snippet
    assert "[1] and [Appendix B] for the [uptime] SLA" in hit.excerpt()


def test_copies_left_by_a_killed_add_are_cleared_after_an_hour(demo, proposal: Path) -> None:  # type: ignore[no-untyped-def]
    import os
    import time

    incoming = evidence.documents_folder(demo) / ".incoming"
    incoming.mkdir(parents=True)
    old, fresh = incoming / "killed.part", incoming / "another-process-copying.part"
    for part in (old, fresh):
        part.write_bytes(b"%PDF-1.7 half a copy")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, proposal)
    assert sorted(p.name for p in incoming.iterdir()) == [fresh.name]


def test_a_hash_prefix_made_only_of_digits_names_the_document_not_an_id(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    for n in range(400):  # about one file in 17 has a SHA-256 starting with six digits
        pdf = make_pdf(tmp_path / "digits.pdf", [[f"Variant {n}: kickoff in 8 weeks"]])
        sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
        if sha[:6].isdigit():
            break
    else:
        pytest.fail("no generated file had a digit-only hash prefix")  # (16/17)**400: practically never
    doc = evidence.add_document(demo, DEMO_EVALUATION, SIGNAL, pdf)
    cited = evidence.cite(demo, DEMO_EVALUATION, SIGNAL, "TR01", sha[:6], 1, "kickoff in 8 weeks")
    assert cited.document == doc

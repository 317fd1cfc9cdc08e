"""The report's evidence: page 1 says how many of the leader's scores cite a document; the appendix
lists documents, citations and reference checks (#17). Read back with pdfplumber."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.evaluation import evidence_backing
from app.services import evaluations, evidence, references
from app.services.reports import evaluation_report
from app.services.transfer import add_demo_documents
from tests.conftest import DEMO_EVALUATION
from tests.report.helpers import flat, page_texts, render_all

LEADER = "Signal & Scale Partners"


@pytest.fixture
def demo(demo: object) -> object:
    """The demo as `diligence demo` makes it: with the two proposals, cited by a few answers."""
    add_demo_documents(demo, DEMO_EVALUATION)  # type: ignore[arg-type]
    return demo


@pytest.fixture
def demo_pdf(demo: object, tmp_path: Path) -> Path:
    out = tmp_path / "report.pdf"
    evaluation_report(demo, DEMO_EVALUATION, out)  # type: ignore[arg-type]
    return out


def appendix(texts: list[str]) -> str:
    found = [t for t in texts if "Evidence: documents, citations and reference checks" in t]
    assert found, "no evidence appendix"
    start = texts.index(found[0])
    return flat(" ".join(t for t in texts[start:] if "How this evaluation was scored" not in t))


def test_page_one_counts_the_leaders_scores_that_cite_evidence(demo: object, demo_pdf: Path) -> None:
    backing = evidence_backing(evaluations.score(demo, DEMO_EVALUATION).snapshot, LEADER)  # type: ignore[arg-type]
    # The demo's four citations of Signal & Scale's proposal back the answer as a whole: both evaluators' scores.
    assert (backing.backed, backing.scores) == (8, 86)
    first = flat(page_texts(demo_pdf)[0])
    assert f"Evidence · 8 of 86 scores cite evidence for {LEADER}" in first


def test_the_appendix_lists_documents_citations_and_reference_checks(demo: object, demo_pdf: Path) -> None:
    text = appendix(page_texts(demo_pdf))
    for d in evidence.list_documents(demo, DEMO_EVALUATION):  # type: ignore[arg-type]
        assert d.name in text and d.short_hash in text
    assert "2026-05-31 expired" in text  # the lapsed proposal, as of the evaluation's day
    for fragment in ("DT01", "How many months from", "We go live ASAP, as soon as the model is", "Brightloop",
                     "confirmed", "Maya Chen", "2026-06-04", "Quotient Cloud", "not in", "Pilot only, not in production"):
        assert fragment in text, fragment


def test_many_long_citations_wrap_and_split_across_pages_with_the_header_repeated(
        demo: object, tmp_path: Path) -> None:
    ws = demo
    long_quote = "Month 5: production for all 12 SDRs."
    for qid in ("TR01", "TR02", "TR03", "TR04", "TR05", "TR07", "DR02", "DR03", "DR04", "DR05", "DR06", "IN02",
                "IN03", "IN04", "IN05", "IN06", "SO01", "SO02", "SO04", "SO05", "SO06", "DT03", "DT04", "DT05",
                "AC01", "AC02", "AC03", "AC04", "AC05", "CL01", "CL03", "CL04", "CL05", "CL06", "CM02", "CM03"):
        evidence.cite(ws, DEMO_EVALUATION, LEADER, qid, "Signal & Scale proposal.pdf", 2, long_quote)  # type: ignore[arg-type]
    references.record_check(ws, DEMO_EVALUATION, LEADER, "Ledgerly", True, note="word " * 400)  # type: ignore[arg-type]
    out = tmp_path / "many.pdf"
    evaluation_report(ws, DEMO_EVALUATION, out)  # type: ignore[arg-type]
    texts = page_texts(out)
    start = next(i for i, t in enumerate(texts) if "Evidence: documents, citations and reference checks" in t)
    pages = [t for t in texts[start:] if "EXCERPT" in t or "NOTE" in t]
    assert len([t for t in pages if "VENDOR QUESTION DOCUMENT · PAGE EXCERPT" in flat(t)]) >= 2  # header repeated
    backing = evidence_backing(evaluations.score(ws, DEMO_EVALUATION).snapshot, LEADER)  # type: ignore[arg-type]
    assert backing.backed > 40 and backing.words() in flat(texts[0])
    # Every page renders; nothing runs off the page (pdfplumber finds no characters outside it).
    import pdfplumber

    with pdfplumber.open(out) as pdf:
        for page in pdf.pages[start:]:
            assert all(0 <= c["x0"] and c["x1"] <= page.width + 0.5 for c in page.chars)
    assert len(render_all(out, tmp_path / "png")) == len(texts)


def test_diligence_demo_makes_a_report_with_the_evidence_appendix(tmp_path: Path) -> None:
    from tests.cli.test_commands import run

    ws = tmp_path / "ws"
    assert run("demo", workspace=ws).returncode == 0
    out = tmp_path / "demo.pdf"
    r = run("report", DEMO_EVALUATION, "--out", str(out), workspace=ws)
    assert r.returncode == 0, r.stderr
    texts = page_texts(out)
    text = appendix(texts)
    assert "Signal & Scale proposal.pdf" in text and "OmniAI proposal.pdf" in text and "Reference checks" in text
    assert "8 of 86 scores cite evidence" in flat(texts[0])
    score = run("score", DEMO_EVALUATION, workspace=ws).stdout
    assert "document \u201cOmniAI proposal.pdf\u201d, page 2: \u201cWe go live ASAP" in score
    assert "MEDIUM   OmniAI Solutions: 1 document of OmniAI Solutions was no longer valid" in score

"""Screenshots of evidence in the Evaluate page on the demo, light and dark (run under Xvfb):
a vendor's documents, an answer's citations, "Where is this answered?" and the document viewer.

A proposal and an expired certification are generated for OmniAI Solutions (ReportLab) when the
demo has no documents for it, and one passage is cited, so every view has something to show.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from screenshots import OUT, SIZE, each_demo, settle  # noqa: E402 - shared with scripts/screenshots.py

DEMO_EVALUATION = "Lead scoring partner 2026"
VENDOR = "OmniAI Solutions"
EVALUATOR = "Daniel Okafor (Data)"
PROPOSAL = [
    ["OmniAI Solutions — Proposal for lead scoring", "Executive summary",
     "We can do anything you need, in any industry, with no limits."],
    ["Security and compliance", "Our SOC 2 Type II report covers the twelve months to March 2025.",
     "We complete your security review before we receive any of your data."],
    ["Delivery plan", "Kickoff as soon as the contract is signed.",
     "We deploy to production in eight weeks, ASAP, depending on your data.",
     "Milestones are agreed in the first workshop."],
    ["Integrations", "We integrate with Salesforce and write predictions back to lead records."],
]


def prepare(ws: object, folder: Path) -> None:
    from app.domain.evidence import DocumentKind
    from app.services import evidence
    from tests.evidence_files import make_pdf

    if evidence.list_documents(ws, DEMO_EVALUATION, VENDOR):  # type: ignore[arg-type]
        return
    proposal = make_pdf(folder / "OmniAI proposal.pdf", PROPOSAL)
    soc2 = make_pdf(folder / "OmniAI SOC 2 report.pdf", [["SOC 2 Type II report", "Period: April 2024 to March 2025"]])
    doc = evidence.add_document(ws, DEMO_EVALUATION, VENDOR, proposal, DocumentKind.PROPOSAL, None)  # type: ignore[arg-type]
    evidence.add_document(ws, DEMO_EVALUATION, VENDOR, soc2, DocumentKind.CERTIFICATION, date(2025, 3, 31))  # type: ignore[arg-type]
    evidence.cite(ws, DEMO_EVALUATION, VENDOR, "DT01", doc, 3,  # type: ignore[arg-type]
                  "We deploy to production in eight weeks, ASAP, depending on your data.", evaluator=EVALUATOR)


def main(out: Path = OUT) -> None:
    each_demo(shoot, out)


def shoot(ws: object, out: Path, suffix: str) -> None:
    from PySide6.QtCore import QPointF

    from app.services import evaluations
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        prepare(ws, Path(tmp))
    ctx = AppContext(ws)  # type: ignore[arg-type]
    ctx.current_evaluation = evaluations.evaluation_id(ws, DEMO_EVALUATION)  # type: ignore[arg-type]
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()

    def save(widget: object, name: str) -> None:
        settle()
        widget.grab().save(str(out / f"{name}{suffix}.png"))  # type: ignore[attr-defined]

    page = window.show_page("evaluations")
    settle(page)
    tab = page.answers_tab
    for combo, value in ((tab.evaluator, EVALUATOR), (tab.answer_vendor, VENDOR)):
        combo.setCurrentIndex(combo.findData(value))
        combo.activated.emit(combo.currentIndex())
    settle(page)
    tab.answers.go_to("DT01")
    tab.below.setCurrentWidget(tab.evidence.citations)
    save(window, "evaluate-citations")
    tab.answers.go_to("SO01")
    tab.below.setCurrentWidget(tab.evidence.passages)
    settle(page)
    save(window, "evaluate-where-answered")
    page.tabs.setCurrentWidget(page.documents)
    settle(page)
    save(window, "evaluate-documents")

    page.tabs.setCurrentWidget(tab)
    tab.answers.go_to("DT01")
    settle(page)
    tab.evidence.open_citation(tab.evidence.citations.citations()[0])
    viewer_window = tab.evidence.window
    assert viewer_window is not None
    viewer_window.resize(min(SIZE[0] - 100, 1000), SIZE[1] - 80)
    settle()
    viewer = viewer_window.viewer
    viewer.pdf.fit_width()
    viewer.show_excerpt(2, "We deploy to production in eight weeks, ASAP, depending on your data.")
    line = viewer.pdf.lines(2)[-1]
    viewer.pdf.select(2, QPointF(line.left(), line.center().y()), QPointF(line.right(), line.center().y()))
    save(viewer_window, "evidence-viewer")
    viewer_window.close()
    window.close()


if __name__ == "__main__":
    main()

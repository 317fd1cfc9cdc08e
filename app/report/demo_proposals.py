"""The demo's proposal PDFs, written with ReportLab when the demo is loaded (never shipped as files).

Two short proposals with known text on known pages: Signal & Scale's is a dated plan; OmniAI's
says it can do anything, goes live "ASAP", assumes a data platform we do not run and has lapsed.
The demo cites them from a few answers (app/services/transfer.py, `load_demo`).
"""

from __future__ import annotations

from pathlib import Path

# (file name, vendor, valid until, pages: each a list of paragraphs; the first is the page's heading)
PROPOSALS: tuple[tuple[str, str, str | None, tuple[tuple[str, ...], ...]], ...] = (
    (
        "Signal & Scale proposal.pdf",
        "Signal & Scale Partners",
        None,
        (
            (
                "Lead scoring for Northwind Analytics: proposal",
                "Prepared for the Northwind Analytics revenue operations team by Signal & Scale Partners, June 2026.",
                "We will score every inbound lead inside Salesforce within five minutes of its arrival, with the "
                "three reasons behind each score shown to the SDR who calls it.",
                "The model is trained on 24 months of Salesforce opportunities and HubSpot engagement, read from "
                "your Snowflake warehouse. Duplicate companies are merged by domain and legal name before training.",
            ),
            (
                "Plan, milestones and price",
                "Month 1: data assessment and deduplication rules signed off by RevOps.",
                "Month 3: the first model scores leads in shadow mode beside the SDRs' own choices.",
                "Month 4: pilot with two SDR pods. Month 5: production for all 12 SDRs.",
                "Price: a fixed fee of 145,000 USD paid per milestone, monitoring included for twelve months. "
                "The plan assumes read access to your cloud data warehouse.",
            ),
        ),
    ),
    (
        "OmniAI proposal.pdf",
        "OmniAI Solutions",
        "2026-05-31",
        (
            (
                "OmniAI Solutions: your AI partner",
                "We can do anything with AI, for any industry and any use case: a one-stop shop from strategy "
                "to models in production.",
                "Our platform is GDPR-ready and hosted in ISO 27001 data centres.",
            ),
            (
                "Timeline and commercial terms",
                "We go live ASAP, as soon as the model is ready; the exact dates depend on your data.",
                "Our price assumes Databricks SQL on your side as the data platform, plus a one-off setup fee.",
                "This proposal is valid until 31 May 2026.",
            ),
        ),
    ),
)

# (file name, question id, page, quote): the answers the demo backs with these proposals.
CITATIONS: tuple[tuple[str, str, int, str], ...] = (
    ("Signal & Scale proposal.pdf", "DT01", 2, "Month 5: production for all 12 SDRs."),
    ("Signal & Scale proposal.pdf", "DT02", 2, "Month 3: the first model scores leads in shadow mode"),
    ("Signal & Scale proposal.pdf", "IN01", 1, "We will score every inbound lead inside Salesforce"),
    ("Signal & Scale proposal.pdf", "DR01", 1, "Duplicate companies are merged by domain and legal name"),
    ("OmniAI proposal.pdf", "DT01", 2, "We go live ASAP, as soon as the model is ready"),
    ("OmniAI proposal.pdf", "CM01", 2, "Our price assumes Databricks SQL on your side"),
)


def write_proposal(path: Path, pages: tuple[tuple[str, ...], ...], vendor: str) -> None:
    """A small, plain PDF: one heading and a few paragraphs per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    ss = getSampleStyleSheet()
    story: list[object] = []
    for i, (heading, *paragraphs) in enumerate(pages):
        if i:
            story.append(PageBreak())
        story.append(Paragraph(heading, ss["Heading1"]))
        for text in paragraphs:
            story.append(Paragraph(text.replace("&", "&amp;"), ss["BodyText"]))
            story.append(Spacer(1, 6))
    doc = SimpleDocTemplate(str(path), pagesize=A4, title=pages[0][0], author=vendor, invariant=1)
    doc.build(story)

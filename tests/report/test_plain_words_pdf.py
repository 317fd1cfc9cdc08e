"""The PDFs speak plainly: no rule ids or rule syntax, correct plurals, the method's jargon only in
its appendix, the tolerance in the metric's own unit, and long Cyrillic names that never overlap."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pdfplumber

from app.services import evaluations
from app.services.reports import evaluation_report, review_report
from tests.conftest import DEMO_EVALUATION
from tests.plain_words import jargon
from tests.report.helpers import flat, page_texts

DEMO_ENGAGEMENT = "Lead scoring rollout"
LONG_NAMES = {
    "Signal & Scale Partners": "Signal & Scale Partners «Логистические решения для севера»",
    "Vectorworks Platform": "ВекторворксПлатформИнтеграцияДанныхИМоделейДляПродажСевернаяГруппа",
}


def overlapping_characters(path: Path) -> list[tuple[int, str, str]]:
    """Pairs of visible characters whose boxes overlap on a page: text drawn over text."""
    found = []
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = sorted((c for c in page.chars if c["text"].strip()), key=lambda c: (c["top"], c["x0"]))
            for i, a in enumerate(chars):
                for b in chars[i + 1 :]:
                    if b["top"] > a["bottom"]:
                        break
                    dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                    dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                    if dx > 1.0 and dy > 1.0:
                        found.append((number, a["text"], b["text"]))
    return found


def test_evaluation_pdf_has_no_rule_ids_syntax_or_lazy_plurals(demo: object, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    evaluation_report(demo, DEMO_EVALUATION, out)
    pages = page_texts(out)
    for number, text in enumerate(pages, start=1):
        assert jargon(text) == [], f"page {number}"
    # The question flags' thresholds in words ("flagged at less than 2 of 5", not "rule <2").
    assert "flagged at less than 2 of 5" in flat(" ".join(pages))


def test_sensitivity_is_one_plain_sentence_and_dirichlet_only_in_the_method(demo: object, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    evaluation_report(demo, DEMO_EVALUATION, out)
    pages = [flat(t) for t in page_texts(out)]
    method = [i for i, t in enumerate(pages) if "How this evaluation was scored" in t]
    assert method, "the method appendix is missing"
    assert [i for i, t in enumerate(pages) if "Dirichlet" in t] == method
    robustness = next(t for t in pages if "How robust is the ranking?" in t)
    assert "We re-ran the ranking 10,000 times with section weights shuffled at random" in robustness
    assert "concentration" not in robustness


def test_review_pdf_explains_the_tolerance_in_the_metrics_unit(demo: object, tmp_path: Path) -> None:
    out = tmp_path / "review.pdf"
    review_report(demo, DEMO_ENGAGEMENT, out)
    text = flat(page_texts(out)[0])
    assert jargon(text) == []
    assert "Lead-to-meeting conversion within 0.4 percentage points of the expected value" in text
    assert "Time to first touch within 1.6 hours of the expected value" in text
    assert "(10 % of the way from baseline to target)" in text
    assert "10 % of the baseline-to-target distance" not in text


def test_long_cyrillic_names_never_overlap_in_the_pdf(demo: object, tmp_path: Path) -> None:
    snap = evaluations.load_snapshot(demo, DEMO_EVALUATION)
    for old, new in LONG_NAMES.items():
        evaluations.save_vendor(demo, DEMO_EVALUATION, replace(snap.vendor(old), name=new), old_name=old)
    out = tmp_path / "long.pdf"
    evaluation_report(demo, DEMO_EVALUATION, out)
    assert overlapping_characters(out) == []

"""The one-page monthly review PDF of the demo engagement, read back with pdfplumber and pypdf."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services import engagements
from app.services.errors import InputError
from app.services.reports import review_report
from tests.conftest import DEMO_ENGAGEMENT
from tests.report.helpers import flat, font_files, page_texts, render_all, stream_text


@pytest.fixture
def review_pdf(demo: object, tmp_path: Path) -> Path:
    out = tmp_path / "review.pdf"
    review_report(demo, DEMO_ENGAGEMENT, out)
    return out


def test_latest_month_on_one_page(demo: object, review_pdf: Path) -> None:
    pages = page_texts(review_pdf)
    assert len(pages) == 1
    text = flat(pages[0])
    snap = engagements.load(demo, DEMO_ENGAGEMENT)
    latest = max(r.month for r in snap.reviews)
    assert latest == "2026-11"
    assert "MONTHLY REVIEW · NOVEMBER 2026" in text
    assert DEMO_ENGAGEMENT in text and snap.vendor in text
    for m in snap.metrics:
        assert m.name in text
    assert "off track" in text and "on track" in text
    assert "Are we hitting the metrics?" in text
    stream = stream_text(review_pdf)
    assert "What is blocking progress?" in stream and "What decisions are needed?" in stream
    assert "Promise against delivery" in text
    assert "Page 1 of 1" in text


def test_review_texts_flags_and_milestones_appear(demo: object, review_pdf: Path) -> None:
    text = stream_text(review_pdf)
    snap = engagements.load(demo, DEMO_ENGAGEMENT)
    review = next(r for r in snap.reviews if r.month == "2026-11")
    assert flat(review.blockers) in text
    assert flat(review.decisions_needed) in text
    o = engagements.oversight(demo, DEMO_ENGAGEMENT)
    assert o.flags
    for f in o.flags:
        assert flat(f.message) in text
        for e in f.evidence:
            assert flat(e) in text
    for m, _reached in snap.milestones:
        assert flat(m.name) in text
    assert "Promised production in 5 months" in text
    assert all(font_files(review_pdf).values())


def test_earlier_month_is_as_of_that_month(demo: object, tmp_path: Path) -> None:
    out = tmp_path / "aug.pdf"
    review_report(demo, DEMO_ENGAGEMENT, out, month="2026-08")
    text = stream_text(out)
    assert "MONTHLY REVIEW · AUGUST 2026" in text
    # In August nothing had been off track twice yet: no flag, both metrics on track.
    assert "time for a different conversation" not in text
    assert "2 of 2" in text


def test_unknown_month_is_refused_and_nothing_written(demo: object, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(InputError, match="no review for '2027-01'"):
        review_report(demo, DEMO_ENGAGEMENT, folder / "nope.pdf", month="2027-01")
    assert list(folder.iterdir()) == []


def test_deterministic_and_rendered_by_poppler(demo: object, tmp_path: Path) -> None:
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    review_report(demo, DEMO_ENGAGEMENT, a)
    review_report(demo, DEMO_ENGAGEMENT, b)
    assert a.read_bytes() == b.read_bytes()
    assert len(render_all(a, tmp_path / "png")) == 1


def test_markup_in_review_text_prints_literally(demo: object, tmp_path: Path) -> None:
    from app.domain.oversight import Review

    snap = engagements.load(demo, DEMO_ENGAGEMENT)
    actuals = {m.name: 9.0 if m.unit == "%" else 7.0 for m in snap.metrics}
    engagements.save_review(demo, DEMO_ENGAGEMENT, Review("2026-12", actuals, "<b>Data & access</b> " + "z " * 5000,
                                                          "Approve <i>budget</i>", "Plan: 🚀 שלום"))
    out = tmp_path / "nov.pdf"
    review_report(demo, DEMO_ENGAGEMENT, out, month="2026-12")
    pages = page_texts(out)
    assert len(pages) == 1  # ten thousand characters still fit: shortened, never a second page
    text = stream_text(out)
    assert "<b>Data & access</b>" in text
    assert "Approve <i>budget</i>" in text


def test_first_line_names_the_conversation_and_the_page_holds_time_spend_and_decisions(
    demo: object, review_pdf: Path, tmp_path: Path
) -> None:
    pages = page_texts(review_pdf)
    assert len(pages) == 1
    first = pages[0].splitlines()[0]
    assert first.startswith("Milestones met, value not materialising")
    text = stream_text(review_pdf)
    assert "The review took 30 minutes; progress explained clearly." in text
    assert "Spend this month 34,000 USD; 123,000 to date against" in text
    assert "Still waiting on us: Fund a near-real-time usage feed" in text and "(CFO, raised 2026-10)" in text
    assert "LOW" in text and "the review took 42 minutes (the limit is 30)" in text
    # September reads as it did then: on track, nothing waiting.
    out = tmp_path / "sep.pdf"
    review_report(demo, DEMO_ENGAGEMENT, out, month="2026-09")
    assert page_texts(out)[0].splitlines()[0].startswith("On track: milestones met and value arriving")

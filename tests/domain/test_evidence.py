"""The evidence rules that need no workspace: where a quote matches, when a document expires."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain.evidence import Document, DocumentKind, quote_on_page, tidy_quote

PAGE = "We go live in eight weeks with certi\ufb01ed con-\nnectors for Salesforce\u00a0and  HubSpot."


@pytest.mark.parametrize("quote", [
    "eight weeks",
    "EIGHT   WEEKS",
    "certified connectors",  # the ligature ﬁ and the word broken at the line end
    "con-\nnectors",  # copied as printed
    "Salesforce and HubSpot",  # a no-break space and a double space on the page
    "forSalesforce",  # whitespace is ignored altogether
])
def test_a_quote_matches_whatever_the_extraction_did_to_spacing_case_and_line_ends(quote: str) -> None:
    assert quote_on_page(PAGE, quote)


@pytest.mark.parametrize("quote", ["six weeks", "Salesforce or HubSpot", "", "   ", "eight weeks!"])
def test_words_that_are_not_on_the_page_do_not_match(quote: str) -> None:
    assert not quote_on_page(PAGE, quote)


def test_a_quote_is_stored_with_single_spaces() -> None:
    assert tidy_quote("  eight\n weeks\twith  ") == "eight weeks with"


def _doc(valid_until: date | None) -> Document:
    return Document(1, "E", "V", "soc2.pdf", "ab" * 32, "pdf", DocumentKind.CERTIFICATION, 10, 3, valid_until,
                    datetime(2026, 1, 1, tzinfo=UTC), "maya")


def test_a_document_is_valid_through_its_valid_until_day_and_expired_after() -> None:
    doc = _doc(date(2026, 6, 30))
    assert not doc.expired(date(2026, 6, 30))
    assert doc.expired(date(2026, 7, 1))
    assert not _doc(None).expired(date(2099, 1, 1))
    assert doc.short_hash == "abababababab"
    assert DocumentKind.CASE_STUDY.label == "case study"

"""Flags that read the vendor's documents (their pages' text, extracted beforehand) and expiry (#17)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.domain.document_claims import VendorDocument, sentences
from app.domain.evidence import Document, DocumentKind, Page
from app.domain.flags import check_expired, vendor_flags
from app.domain.models import Severity
from app.domain.text import Synonyms
from tests.domain.test_flags import CONFIRMED, LEX, ORG, _no_internal_words, good_vendor

SYN = Synonyms.from_rows([
    ("industry", "b2b saas", "saas|software as a service"),
    ("stage", "scale-up", "scaleup|growth"),
    ("capability", "cloud data warehouse", "snowflake|data warehouse"),
    ("capability", "gpu cluster", "gpus|gpu"),
    ("capability", "crm", ""),
])


def doc(*pages: str, name: str = "Proposal.pdf", valid_until: date | None = None) -> VendorDocument:
    d = Document(7, "E", "Good", name, "ab" * 32, "pdf", DocumentKind.PROPOSAL, 100, len(pages), valid_until,
                 datetime(2026, 1, 1, tzinfo=UTC), "me")
    return VendorDocument(d, tuple(Page(7, i, text) for i, text in enumerate(pages, start=1)))


def flags(*docs: VendorDocument, as_of: date | None = None) -> dict[str, object]:
    return {f.rule: f for f in vendor_flags(ORG, good_vendor(), None, LEX, SYN, checks=CONFIRMED, documents=docs,
                                            as_of=as_of)}


def test_a_clean_proposal_raises_nothing() -> None:
    clean = doc("Plan\nMonth 2: pilot. Month 6: production for all teams.\nThe plan assumes read access to your CRM.")
    assert flags(clean, as_of=date(2026, 6, 1)) == {}


def test_asap_in_a_sentence_about_delivery_quotes_document_page_and_excerpt() -> None:
    proposal = doc("Summary\nWe care about quality.", "Timeline\nWe go live ASAP once the model is ready.")
    f = flags(proposal)["vague_timeline"]
    assert f.severity is Severity.CRITICAL  # the good vendor's demo was rated 4: impressive demo, vague timeline
    assert "\u201cProposal.pdf\u201d says \u201casap\u201d (page 2)" in f.message
    assert f.evidence[0] == "document \u201cProposal.pdf\u201d, page 2: \u201cWe go live ASAP once the model is ready.\u201d"
    _no_internal_words(f.message)


def test_a_vague_word_outside_delivery_talk_is_not_a_timeline() -> None:
    assert "vague_timeline" not in flags(doc("Contact\nWe will reply soon to any question."))


def test_we_can_do_anything_in_a_document_makes_a_generalist() -> None:
    f = flags(doc("About us", "Honestly, we can do anything you need with AI."))["generalist"]
    assert "in its documents, \u201cProposal.pdf\u201d says \u201cwe can do anything\u201d (page 2)" in f.message
    assert "document \u201cProposal.pdf\u201d, page 2: \u201cHonestly, we can do anything you need with AI.\u201d" in f.evidence


def test_a_document_assuming_infrastructure_we_lack_raises_the_mismatch() -> None:
    f = flags(doc("Price\nOur price assumes a GPU cluster on your side."))["infrastructure_mismatch"]
    assert f.severity is Severity.HIGH
    assert "Good's documents assume infrastructure we do not have: gpu cluster" in f.message
    assert f.evidence == ("a document assumes: gpu cluster (we do not have it)",
                          "document \u201cProposal.pdf\u201d, page 1: \u201cOur price assumes a GPU cluster on your side.\u201d")


def test_a_mention_that_is_no_assumption_is_not_one() -> None:
    assert "infrastructure_mismatch" not in flags(doc("Case study\nAt Acme we trained the model on a GPU cluster."))


class TestExpiry:
    def test_a_document_past_its_valid_until_day_at_decision_time_is_flagged(self) -> None:
        soc2 = doc("SOC 2 report", name="SOC 2 Type II.pdf", valid_until=date(2026, 3, 31))
        f = flags(soc2, as_of=date(2026, 6, 12))["evidence_expired"]
        assert f.severity is Severity.MEDIUM
        assert f.message == ("1 document of Good was no longer valid on 2026-06-12, the day the evaluation stands at: "
                             "\u201cSOC 2 Type II.pdf\u201d (proposal, valid until 2026-03-31). Ask for a current one "
                             "before relying on it.")
        _no_internal_words(f.message)

    def test_valid_on_the_day_itself_or_without_a_date_is_not_expired(self) -> None:
        docs = [doc("x", valid_until=date(2026, 6, 12)), doc("y")]
        assert check_expired(good_vendor(), docs, date(2026, 6, 12)) is None
        assert check_expired(good_vendor(), [doc("x", valid_until=date(2020, 1, 1))], None) is None


def test_a_heading_is_a_sentence_of_its_own() -> None:
    assert sentences("Timeline and terms\nWe go live in\nmonth 5. Then we\nscale.") == [
        "Timeline and terms", "We go live in month 5.", "Then we scale."]

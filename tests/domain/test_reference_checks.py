"""Claimed versus confirmed references: the reference rules read our reference checks (#17)."""

from __future__ import annotations

from app.domain.flags import check_reference_contradictions, check_references, checked_references
from app.domain.models import Reference, ReferenceCheck, Severity, Vendor
from app.domain.wording import rule_title
from tests.domain.test_flags import LEX, ORG, SYN, _no_internal_words, good_vendor, rules

BRIGHT = Reference("Brightloop", "B2B SaaS", "scale-up", True, True)
QUOTIENT = Reference("Quotient Cloud", "SaaS", "growth", True, True)


def vendor(*refs: Reference) -> Vendor:
    return good_vendor(references=list(refs))


def check(company: str, production: bool, at: str = "2026-06-04T10:00:00+00:00", **kw: str) -> ReferenceCheck:
    return ReferenceCheck(company, production, by=kw.pop("by", "Maya Chen"), at=at, **kw)


class TestClaimedVersusConfirmed:
    def test_relevant_references_nobody_called_raise_a_medium_flag_that_says_so(self) -> None:
        f = check_references(ORG, vendor(BRIGHT, QUOTIENT), SYN)
        assert f is not None and f.rule == "no_relevant_references" and f.severity is Severity.MEDIUM
        assert "claims 2 references in production" in f.message
        assert "nobody has confirmed them" in f.message and "Brightloop and Quotient Cloud" in f.message
        assert all(e.endswith("claimed, not checked yet") for e in f.evidence)
        _no_internal_words(f.message)

    def test_one_confirmed_relevant_reference_clears_it(self) -> None:
        assert check_references(ORG, vendor(BRIGHT, QUOTIENT), SYN, [check(" brightloop ", True)]) is None

    def test_a_confirmation_of_an_irrelevant_reference_does_not_clear_it(self) -> None:
        other = Reference("Bank", "banking", "enterprise", True, True)
        f = check_references(ORG, vendor(BRIGHT, other), SYN, [check("Bank", True)])
        assert f is not None and f.severity is Severity.MEDIUM and "Brightloop" in f.message

    def test_a_check_of_a_company_the_vendor_does_not_list_counts_for_nothing(self) -> None:
        f = check_references(ORG, vendor(BRIGHT), SYN, [check("Someone Else", True)])
        assert f is not None and "nobody has confirmed it" in f.message

    def test_what_the_check_found_wins_over_the_claim(self) -> None:
        # Confirmed in production, but at an enterprise: not our stage after all.
        f = check_references(ORG, vendor(BRIGHT), SYN, [check("Brightloop", True, stage="enterprise")])
        assert f is not None and f.severity is Severity.MEDIUM
        assert "Brightloop (enterprise stage)" in f.message

    def test_the_latest_check_of_a_reference_counts(self) -> None:
        early = check("Brightloop", False, at="2026-05-01T10:00:00+00:00")
        late = check("Brightloop", True, at="2026-06-01T10:00:00+00:00")
        assert check_references(ORG, vendor(BRIGHT), SYN, [late, early]) is None
        assert [r.check for r in checked_references(vendor(BRIGHT), [late, early])] == [late]

    def test_no_references_at_all_is_still_critical(self) -> None:
        f = check_references(ORG, vendor(), SYN, [check("Brightloop", True)])
        assert f is not None and f.severity is Severity.CRITICAL


class TestContradiction:
    def test_pilot_only_contradicts_a_production_claim(self) -> None:
        c = check("Quotient Cloud", False, note="Pilot only, not in production", by="Daniel")
        f = check_reference_contradictions(vendor(BRIGHT, QUOTIENT), SYN, [c])
        assert f is not None and f.rule == "reference_contradicts" and f.severity is Severity.HIGH
        assert "Quotient Cloud is not in production (\u201cPilot only, not in production\u201d)" in f.message
        assert f.evidence == (
            "reference Quotient Cloud: SaaS, growth, in production (reference check by Daniel on 2026-06-04: "
            "not in production, \u201cPilot only, not in production\u201d)",
        )
        _no_internal_words(f.message)
        assert rule_title(f.rule) == "Reference contradicts a claim"

    def test_a_different_stage_or_industry_contradicts(self) -> None:
        c = check("Brightloop", True, stage="enterprise", industry="retail")
        f = check_reference_contradictions(vendor(BRIGHT), SYN, [c])
        assert f is not None
        assert "Brightloop is in retail (claimed: B2B SaaS) and at the enterprise stage (claimed: scale-up)." in f.message

    def test_a_check_that_confirms_the_claim_in_other_words_does_not_contradict(self) -> None:
        # "growth" and "scale-up" are synonyms; "SaaS" and "B2B SaaS" too.
        c = check("Quotient Cloud", True, stage="scale-up", industry="B2B SaaS")
        assert check_reference_contradictions(vendor(QUOTIENT), SYN, [c]) is None

    def test_a_vendor_that_undersold_a_reference_is_not_contradicted(self) -> None:
        pilot = Reference("Pilot Co", "SaaS", "scale-up", False, True)
        assert check_reference_contradictions(vendor(pilot), SYN, [check("Pilot Co", True)]) is None

    def test_no_checks_no_contradiction(self) -> None:
        assert check_reference_contradictions(vendor(BRIGHT, QUOTIENT), SYN) is None


def test_vendor_flags_carries_both_reference_flags() -> None:
    c = check("Quotient Cloud", False, note="pilot only")
    found = rules(vendor(QUOTIENT), checks=(c,))
    assert found["reference_contradicts"].severity is Severity.HIGH  # type: ignore[attr-defined]
    assert found["no_relevant_references"].severity is Severity.MEDIUM  # type: ignore[attr-defined]
    assert "not in production, says our check" in found["no_relevant_references"].message  # type: ignore[attr-defined]
    assert LEX is not None

"""The red-flag rules of docs/method.md, each with severity, message and evidence."""

from __future__ import annotations

import re

import pytest

from app.domain.flags import (
    Acknowledgement,
    Lexicons,
    check_infrastructure,
    check_timeline,
    vendor_flags,
)
from app.domain.models import (
    Milestone,
    Organization,
    Pricing,
    Reference,
    ReferenceCheck,
    Severity,
    Stage,
    Timeline,
    Vendor,
)
from app.domain.scoring import ScoreBoard
from app.domain.text import Synonyms, find_phrases
from tests.domain.helpers import bank, q

LEX = Lexicons(
    vague_timeline=("asap", "a few weeks", "depends", "tbd", "flexible", "soon"),
    generalist_claims=("we can do anything", "any industry", "whatever you need"),
)
SYN = Synonyms.from_rows([
    ("industry", "b2b saas", "saas|software as a service"),
    ("stage", "scale-up", "scaleup|growth"),
    ("capability", "cloud data warehouse", "snowflake|data warehouse"),
    ("capability", "mlops platform", "mlops"),
])
ORG = Organization("Us", "B2B SaaS", Stage.SCALE_UP, ["Salesforce"], ["Cloud data warehouse", "CRM"], [])


def good_vendor(**changes: object) -> Vendor:
    v = Vendor(
        name="Good",
        industries=["B2B SaaS"],
        references=[Reference("Ref Co", "SaaS", "Scaleup", True, True)],
        production_deployments_in_industry=4,
        timeline=Timeline(6, [Milestone("Pilot", 2), Milestone("Production", 6)], "Pilot in month 2, production in month 6."),
        pricing=Pricing("fixed", 100000, "USD", ["snowflake"]),
        assumed_infrastructure=["CRM"],
        demo_rating=4,
    )
    for k, val in changes.items():
        setattr(v, k, val)
    return v


def rules(v: Vendor, board: ScoreBoard | None = None, acks=None, checks=()) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {f.rule: f for f in vendor_flags(ORG, v, board, LEX, SYN, acks, checks=checks)}


# A call to the good vendor's reference that confirmed production (reference checks, #17).
CONFIRMED = (ReferenceCheck("ref co", True, by="Maya", at="2026-06-01T10:00:00+00:00"),)


def test_a_good_vendor_raises_no_flag_thanks_to_synonyms() -> None:
    assert rules(good_vendor(), checks=CONFIRMED) == {}


class TestReferences:
    def test_no_references_at_all_is_critical(self) -> None:
        f = rules(good_vendor(references=[]))["no_relevant_references"]
        assert f.severity is Severity.CRITICAL and f.evidence == ("references: none",)

    def test_none_in_our_industry_is_high(self) -> None:
        f = rules(good_vendor(references=[Reference("Bank", "banking", "scale-up", True, True)]))["no_relevant_references"]
        assert f.severity is Severity.HIGH and "Bank" in f.evidence[0]

    def test_in_industry_but_wrong_stage_is_medium(self) -> None:
        f = rules(good_vendor(references=[Reference("Big", " b2b  SAAS ", "enterprise", True, True)]))["no_relevant_references"]
        assert f.severity is Severity.MEDIUM

    def test_matching_reference_not_in_production_still_fires(self) -> None:
        assert "no_relevant_references" in rules(good_vendor(references=[Reference("Pilot", "SaaS", "scale-up", False, True)]))


class TestTimeline:
    def test_missing_months_is_high(self) -> None:
        v = good_vendor(timeline=Timeline(None, [Milestone("Pilot", 2)], "Pilot in month 2"), demo_rating=3)
        f = rules(v)["vague_timeline"]
        assert f.severity is Severity.HIGH and "kickoff to production: not given" in f.evidence

    def test_no_milestone_with_a_month(self) -> None:
        v = good_vendor(timeline=Timeline(6, [Milestone("Pilot", None)], ""), demo_rating=None)
        assert "milestones with a month: none" in rules(v)["vague_timeline"].evidence

    @pytest.mark.parametrize("text", ["ASAP", "It depends on data", "Go-live soon", "dates TBD"])
    def test_vague_language(self, text: str) -> None:
        v = good_vendor(timeline=Timeline(6, [Milestone("Pilot", 2)], text), demo_rating=2)
        assert rules(v)["vague_timeline"].severity is Severity.HIGH

    def test_vague_word_inside_another_word_does_not_fire(self) -> None:
        v = good_vendor(timeline=Timeline(6, [Milestone("Pilot", 2)], "Dependable delivery, production in month 6"))
        assert "vague_timeline" not in rules(v)

    def test_impressive_demo_makes_it_critical(self) -> None:
        v = good_vendor(timeline=Timeline(None, [], "asap"), demo_rating=4.5)
        f = rules(v)["vague_timeline"]
        assert f.severity is Severity.CRITICAL and "Impressive demo" in f.message


def test_infrastructure_mismatch_lists_missing_capabilities() -> None:
    v = good_vendor(assumed_infrastructure=["MLOps", "CRM"], pricing=Pricing("usage", 1, "USD", ["GPU cluster"]))
    f = rules(v)["infrastructure_mismatch"]
    assert f.severity is Severity.HIGH
    assert any("MLOps" in e for e in f.evidence) and any("GPU cluster" in e for e in f.evidence)
    assert not any("CRM" in e for e in f.evidence)


class TestNamedSystems:
    """With the shipped synonyms file: named systems are compared by name, kind only as fallback."""

    ORG = Organization("Us", "Logistics", Stage.ENTERPRISE, ["Salesforce", "Snowflake"], ["Data engineering team"], [])

    def flag(self, *assumed: str):  # type: ignore[no-untyped-def]
        from app.services.knowledge import synonyms

        return check_infrastructure(self.ORG, good_vendor(assumed_infrastructure=list(assumed), pricing=Pricing()), synonyms())

    def test_the_same_named_system_fits(self) -> None:
        assert self.flag("salesforce", "Snowflake") is None

    def test_another_product_of_a_kind_we_have_is_a_lower_severity_flag(self) -> None:
        f = self.flag("HubSpot", "BigQuery")
        assert f is not None and f.severity is Severity.MEDIUM
        assert "HubSpot (we use Salesforce instead)" in " ".join(f.evidence)
        assert "BigQuery (we use Snowflake instead)" in " ".join(f.evidence)

    def test_a_kind_we_lack_is_high_and_named(self) -> None:
        f = self.flag("HubSpot", "Kubernetes")
        assert f is not None and f.severity is Severity.HIGH
        assert "Kubernetes" in f.message and "HubSpot" not in f.message

    def test_a_kind_we_declared_covers_its_generic_wording(self) -> None:
        assert self.flag("data engineers", "cloud data warehouse", "CRM") is None


class TestGeneralist:
    def test_any_industry(self) -> None:
        assert rules(good_vendor(industries=["Any"]))["generalist"].severity is Severity.MEDIUM

    def test_six_distinct_industries(self) -> None:
        six = ["retail", "banking", "health", "energy", "telecom", "media"]
        assert "generalist" in rules(good_vendor(industries=six))
        assert "generalist" not in rules(good_vendor(industries=six[:5]))

    def test_synonyms_do_not_count_twice(self) -> None:
        v = good_vendor(industries=["SaaS", "software as a service", "B2B SaaS", "retail", "banking", "energy"])
        assert "generalist" not in rules(v)

    def test_claims_lexicon(self) -> None:
        f = rules(good_vendor(claims="Honestly, we can do anything you need."))["generalist"]
        assert "we can do anything" in f.evidence[0]


def test_no_production_track_record() -> None:
    assert rules(good_vendor(production_deployments_in_industry=0))["no_production_track_record"].severity is Severity.HIGH
    assert "no_production_track_record" in rules(good_vendor(production_deployments_in_industry=None))


def test_question_flag_rules_on_scores_and_text() -> None:
    b = bank(q("R1", flag_rule="<2:high:Weak rollback procedures"), q("T1", type_="text", weight=0, flag_rule="contains=we handle everything:medium:Unrealistic"))
    sb = ScoreBoard(b, ["Good"], ["e1", "e2"])
    sb.set_answer("Good", "e1", "R1", "1")
    sb.set_answer("Good", "e2", "R1", "2")  # mean 1.5 < 2
    sb.set_answer("Good", "e1", "T1", "After kickoff We Handle Everything.")
    found = rules(good_vendor(), sb)
    assert found["question:R1"].severity is Severity.HIGH
    assert found["question:R1"].message == "Weak rollback procedures. R1 scored 1.5 of 5 (flagged at less than 2 of 5)."
    assert "1.5" in found["question:R1"].evidence[0]
    assert found["question:T1"].severity is Severity.MEDIUM
    sb.set_answer("Good", "e2", "R1", "4")  # mean 2.5: no longer below 2
    assert "question:R1" not in rules(good_vendor(), sb)


def test_acknowledged_flag_stays_visible_with_rationale() -> None:
    ack = Acknowledgement("They will use our Snowflake", "maya", "2026-11-01T10:00:00")
    found = rules(good_vendor(production_deployments_in_industry=0), acks={("Good", "no_production_track_record"): ack})
    f = found["no_production_track_record"]
    assert f.acknowledged and f.acknowledgement == ack


def test_flags_sorted_by_severity() -> None:
    v = good_vendor(references=[], production_deployments_in_industry=0, claims="we can do anything")
    severities = [f.severity for f in vendor_flags(ORG, v, None, LEX, SYN)]
    assert severities == sorted(severities, key=lambda s: s.rank)


# Realistic phrasings from proposals, matched with the shipped lexicons (inflections included).
VAGUE_TIMELINES = [
    "Go-live subject to the outcome of discovery.",
    "Production is contingent on data availability.",
    "Timeline to be agreed after discovery.",
    "We usually need a few sprints to get there.",
    "Weeks, not months.",
    "ASAP once we start.",
    "It depends on your data.",
    "Dates TBD after kickoff.",
    "We move fast; you will be live soon.",
    "Delivery in the coming months.",
    "A couple of sprints for the MVP, then we'll see.",
    "Indicative timeline only, no firm date.",
    "We'll fast-track it.",
    "Roughly a quarter, ballpark.",
    "As quickly as possible.",
    "Phased, with dates to follow.",
    "Flexible; we adapt to you.",
    "Production in short order.",
    "Eventually everything will be automated.",
]
GENERALIST_CLAIMS = [
    "We are industry-agnostic.",
    "Our platform serves every vertical.",
    "We've done it all.",
    "We can do anything with AI.",
    "No matter the industry, we deliver.",
    "Cross-industry expertise.",
    "We work across all industries.",
    "A one-size-fits-all solution for any business.",
    "From retail to healthcare and beyond.",
    "Whatever your industry, whatever you need.",
    "We are domain-agnostic by design.",
    "Any domain, any data, any scale.",
    "We have done it all before.",
    "A universal solution for any challenge.",
    "Sector-agnostic AI.",
    "We serve all verticals.",
]


def test_the_timeline_lexicon_catches_realistic_hedges() -> None:
    from app.services.knowledge import lexicons

    lex = lexicons()
    missed = [t for t in VAGUE_TIMELINES if not find_phrases(t, (*lex.vague_timeline, *lex.dependency_hedges))]
    assert missed == []


def test_the_generalist_lexicon_catches_realistic_claims() -> None:
    from app.services.knowledge import lexicons

    missed = [c for c in GENERALIST_CLAIMS if not find_phrases(c, lexicons().generalist_claims)]
    assert missed == []


def test_specific_claims_are_not_generalist() -> None:
    from app.services.knowledge import lexicons

    for claim in ("We build demand forecasting for grocery retailers.", "Twelve hospital deployments since 2021."):
        assert find_phrases(claim, lexicons().generalist_claims) == []


class TestDatedPlanWithADependency:
    def flag(self, description: str, months: int | None = 5):  # type: ignore[no-untyped-def]
        from app.services.knowledge import lexicons

        v = good_vendor(timeline=Timeline(months, [Milestone("Pilot", 2), Milestone("Production", 5)], description),
                        demo_rating=4.5)
        return check_timeline(v, lexicons())

    def test_an_honest_dated_plan_naming_its_dependency_is_not_flagged(self) -> None:
        assert self.flag("Pilot in month 2, production in month 5, depending on read access in week 1.") is None

    def test_a_dependency_with_no_date_is_still_vague(self) -> None:
        f = self.flag("Production in month 5, depending on your data.")
        assert f is not None and f.severity is Severity.CRITICAL

    def test_two_hedges_outweigh_the_dates(self) -> None:
        assert self.flag("Month 5, subject to discovery and depending on access in week 1.") is not None

    def test_the_same_words_without_a_dated_plan_are_flagged(self) -> None:
        assert self.flag("Depending on read access in week 1.", months=None) is not None


# ----- every trigger branch names itself ------------------------------------------------------
#
# (case, vendor changes, rule, severity, words the message must hold — the trigger that fired and
# the vendor's own figures —, words it must not hold: what the data contradicts).
SIX = ["retail", "banking", "health", "energy", "telecom", "media"]
BRANCHES = [
    ("no references at all", {"references": []}, "no_relevant_references", Severity.CRITICAL,
     ["gave no customer references"], []),
    ("no reference in our industry", {"references": [Reference("Bank", "banking", "scale-up", True, True),
                                                     Reference("Shop", "retail", "scale-up", True, True)]},
     "no_relevant_references", Severity.HIGH,
     ["None of Good's 2 references is in our industry (B2B SaaS)", "banking and retail"], []),
    ("in our industry, wrong stage", {"references": [Reference("Big", "SaaS", "enterprise", True, True)]},
     "no_relevant_references", Severity.MEDIUM,
     ["1 reference in B2B SaaS", "Big (enterprise stage)"], ["not in production"]),
    ("in our industry and stage, not in production", {"references": [Reference("Pilot", "SaaS", "scale-up", False, True)]},
     "no_relevant_references", Severity.MEDIUM, ["Pilot (not in production)"], ["enterprise"]),
    # The issue's own case: 6 months given, no milestones at all.
    ("months given, no milestones", {"timeline": Timeline(6, [], "Production in month 6."), "demo_rating": 3},
     "vague_timeline", Severity.HIGH,
     ["committed to 6 months from kickoff to production", "but gave no milestones with a month"],
     ["has not committed", "no time from kickoff"]),
    ("milestones without a month", {"timeline": Timeline(6, [Milestone("Pilot", None), Milestone("Live", None)], ""),
                                    "demo_rating": None},
     "vague_timeline", Severity.HIGH, ["committed to 6 months", "gave 2 milestones but no month for any of them"],
     ["has not committed"]),
    ("months missing", {"timeline": Timeline(None, [Milestone("Pilot", 2)], "Pilot in month 2."), "demo_rating": 3},
     "vague_timeline", Severity.HIGH, ["dated 1 milestone, but gave no time from kickoff to production"],
     ["no milestones with a month"]),
    ("vague words only", {"timeline": Timeline(6, [Milestone("Pilot", 2)], "It depends, ASAP"), "demo_rating": 3},
     "vague_timeline", Severity.HIGH,
     ["committed to 6 months from kickoff to production and dated 1 milestone, but describes the timeline in vague terms",
      "\u201casap\u201d", "\u201cdepends\u201d"], ["gave no"]),
    ("nothing committed", {"timeline": Timeline(None, [], "tbd"), "demo_rating": 3}, "vague_timeline", Severity.HIGH,
     ["gave no time from kickoff to production, gave no milestones with a month and describes the timeline in vague terms (\u201ctbd\u201d)"],
     ["committed to"]),
    ("impressive demo", {"timeline": Timeline(6, [], ""), "demo_rating": 4.5}, "vague_timeline", Severity.CRITICAL,
     ["Impressive demo, vague timeline: Good rated 4.5 of 5 in the demo, committed to 6 months",
      "but gave no milestones with a month"], ["has not committed"]),
    ("plan assumes what we lack", {"assumed_infrastructure": ["MLOps"]}, "infrastructure_mismatch", Severity.HIGH,
     ["Good's plan assumes infrastructure we do not have: MLOps"], ["price"]),
    ("price assumes what we lack", {"pricing": Pricing("fixed", 1, "USD", ["GPU cluster"])}, "infrastructure_mismatch",
     Severity.HIGH, ["Good's price assumes infrastructure we do not have: GPU cluster"], ["plan"]),
    ("plan and price assume what we lack", {"assumed_infrastructure": ["MLOps"], "pricing": Pricing("fixed", 1, "USD", ["GPU cluster"])},
     "infrastructure_mismatch", Severity.HIGH, ["plan and price assume", "MLOps and GPU cluster"], []),
    ("industries: any", {"industries": ["Any"]}, "generalist", Severity.MEDIUM,
     ["lists the industries it serves as \u201cAny\u201d"], ["different industries", "claims"]),
    ("six industries", {"industries": SIX}, "generalist", Severity.MEDIUM, ["says it serves 6 different industries"],
     ["\u201cAny\u201d", "claims"]),
    ("claims lexicon", {"claims": "Honestly, we can do anything you need."}, "generalist", Severity.MEDIUM,
     ["claims \u201cwe can do anything\u201d"], ["different industries"]),
    ("deployments not given", {"production_deployments_in_industry": None}, "no_production_track_record", Severity.HIGH,
     ["did not say how many production deployments it has in B2B SaaS"], ["has no production", "reports 0"]),
    ("zero deployments", {"production_deployments_in_industry": 0}, "no_production_track_record", Severity.HIGH,
     ["reports 0 production deployments in B2B SaaS"], ["did not say"]),
]


def _no_internal_words(message: str) -> None:
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", message), message  # no snake_case rule ids
    assert not re.search(r"(<=|>=|[<>=])\s?\d|contains=|:high:|:medium:|:critical:", message), message  # no rule syntax


@pytest.mark.parametrize(("case", "changes", "rule", "severity", "says", "never"), BRANCHES, ids=[b[0] for b in BRANCHES])
def test_each_branch_names_its_trigger(case: str, changes: dict[str, object], rule: str, severity: Severity,
                                       says: list[str], never: list[str]) -> None:
    found = rules(good_vendor(**changes), checks=CONFIRMED)
    assert set(found) == {rule}, case
    f = found[rule]
    assert f.severity is severity
    for words in says:
        assert words in f.message, (case, f.message)
    for words in never:
        assert words not in f.message, (case, f.message)
    _no_internal_words(f.message)


@pytest.mark.parametrize(
    ("flag_rule", "answers", "says"),
    [
        ("<2:high:Weak rollback procedures", ["1", "2"], "Weak rollback procedures. R1 scored 1.5 of 5 (flagged at less than 2 of 5)."),
        ("<=2:medium:Thin monitoring", ["2"], "Thin monitoring. R1 scored 2.0 of 5 (flagged at 2 or less of 5)."),
        (">=5:medium:Too good to be true", ["5"], "Too good to be true. R1 scored 5.0 of 5 (flagged at 5 or more of 5)."),
    ],
)
def test_question_score_flags_say_the_score_in_words(flag_rule: str, answers: list[str], says: str) -> None:
    sb = ScoreBoard(bank(q("R1", flag_rule=flag_rule)), ["Good"], [f"e{i}" for i in range(len(answers))])
    for i, value in enumerate(answers):
        sb.set_answer("Good", f"e{i}", "R1", value)
    f = rules(good_vendor(), sb)["question:R1"]
    assert f.message == says
    assert "rule" not in f.evidence[0]
    _no_internal_words(f.message)


def test_question_text_flags_quote_the_phrase_found() -> None:
    b = bank(q("T1", type_="text", weight=0, flag_rule="contains=we handle everything|no failures:medium:Unrealistic"))
    sb = ScoreBoard(b, ["Good"], ["e1"])
    sb.set_answer("Good", "e1", "T1", "After kickoff We Handle Everything.")
    f = rules(good_vendor(), sb)["question:T1"]
    assert f.message == "Unrealistic. The answer to T1 says \u201cwe handle everything\u201d."
    _no_internal_words(f.message)

"""The shipped default bank: neutral for any industry, filled from the profile, scored the way
its own guidance says, and every text flag tested on a good and a bad answer."""

from __future__ import annotations

import re

import pytest

from app.domain.bank import QuestionType
from app.domain.models import Layer, Organization, Stage
from app.domain.placeholders import filled_bank, has_placeholders, spoken_list
from app.services.banks import default_bank

BANK = default_bank()


def test_no_demo_flavour_reaches_other_industries() -> None:
    text = " ".join(f"{q.question} {q.guidance} {q.options}" for q in BANK.questions)
    for word in ("Salesforce", "HubSpot", "Zendesk", "Snowflake", "SDR", "inbound lead", "lead scoring", "SaaS", "CRM"):
        assert not re.search(rf"\b{word}s?\b", text), word


def test_questions_about_our_specifics_are_filled_from_the_profile() -> None:
    org = Organization("Hafenlog", industry="logistics", stage=Stage.ENTERPRISE,
                       systems=["SAP S/4HANA", "ServiceNow"], regulations=["GDPR", "EU AI Act"])
    assert has_placeholders(BANK)
    filled = filled_bank(BANK, org)
    assert not has_placeholders(filled)
    in01 = filled.question("IN01").question
    assert "(SAP S/4HANA and ServiceNow)" in in01 and "{" not in in01
    assert "logistics" in filled.question("TR01").question
    assert "enterprise" in filled.question("TR02").question
    assert "(GDPR and EU AI Act)" in filled.question("CL01").question
    # the template itself is untouched: the next organization gets its own words
    assert "{systems}" in BANK.question("IN01").question


def test_an_empty_profile_still_reads_as_english() -> None:
    filled = filled_bank(BANK, Organization())
    assert "(our systems)" in filled.question("IN01").question
    assert all("{" not in q.question and "{" not in q.guidance for q in filled.questions)


def test_spoken_list() -> None:
    assert spoken_list(["A"]) == "A"
    assert spoken_list(["A", " ", "B"]) == "A and B"
    assert spoken_list(["A", "B", "C"]) == "A, B and C"


def test_every_question_says_what_good_and_bad_answers_sound_like() -> None:
    for q in BANK.questions:
        assert "Good:" in q.guidance and "Bad:" in q.guidance, q.id


def test_no_yes_no_promises() -> None:
    """Every vendor answers 'yes' to 'Will you …?': the bank asks for evidence instead."""
    assert not [q.id for q in BANK.questions if q.type is QuestionType.YES_NO]
    assert not [q.id for q in BANK.questions if re.match(r"(Will|Are|Do|Can|Have) you\b", q.question)]


def test_the_data_layer_carries_the_most_weight() -> None:
    by_layer: dict[Layer, float] = {}
    for q in BANK.questions:
        by_layer[q.layer] = by_layer.get(q.layer, 0) + q.weight
    assert max(by_layer, key=by_layer.__getitem__) is Layer.DATA
    sections = BANK.section_weights()
    assert max(sections, key=sections.__getitem__) == "Data readiness"


def test_scoring_rules_reward_the_answer_the_guidance_calls_good() -> None:
    # kickoff to production: a 3-month promise is not the best answer, a planned 8 months is
    dt01 = BANK.question("DT01").number_scoring
    assert dt01 is not None and dt01.points(3) < dt01.points(8) == 5
    # success rate is judged on the evidence (counts and reasons), not on a claimed 100 %
    tr04 = BANK.question("TR04")
    assert tr04.type is QuestionType.SCALE and "100 %" in tr04.rubric[1]
    # cost growth: an honest itemised estimate scores, 'no extra costs' does not
    assert BANK.question("CM02").type is QuestionType.SCALE
    # integrations: judged on our named systems, not on a count that caps a two-system buyer
    assert BANK.question("IN01").type is QuestionType.SCALE and "{systems}" in BANK.question("IN01").question
    # ownership: vendor's background IP with a perpetual licence is legitimate and not knocked out
    ct02 = BANK.question("CT02")
    background = dict(ct02.choices)["We own data and deliverables; perpetual licence to vendor's background IP"]
    assert background == 5 and ct02.knockout_min is not None and background >= ct02.knockout_min


def test_references_and_deployments_are_scored_once() -> None:
    # references are asked for once (TR02); elsewhere a reference only confirms evidence
    asking = [q.id for q in BANK.questions if q.scored and re.search(r"\breferences\b.*\b(call|contact)", q.question)]
    assert asking == ["TR02"]
    deployments = [q for q in BANK.questions if "production deployments" in q.question]
    assert [q.id for q in deployments] == ["TR01"] and deployments[0].type is QuestionType.SCALE
    assert "vendor's profile" in deployments[0].question  # the count lives in one place


@pytest.mark.parametrize(
    "topic",
    ["Art. 26", "Art. 25", "GOVERN 6.1", "MAP 4", "42001", "train or improve models", "transition",
     "switch to another vendor", "background IP", "subcontractors", "key person", "security incident",
     "performance measures"],
)
def test_a_buyer_of_ai_services_gets_the_current_questions(topic: str) -> None:
    assert any(topic.casefold() in q.question.casefold() for q in BANK.questions), topic


def test_optional_packs_allow_na() -> None:
    for prefix in ("Generative AI", "Regulation: GDPR", "Regulation: HIPAA", "Regulation: SOX"):
        pack = [q for q in BANK.questions if q.section.startswith(prefix)]
        assert pack and all(q.allow_na for q in pack), prefix
    genai = " ".join(q.question for q in BANK.questions if q.section.startswith("Generative AI"))
    for concern in ("hallucination", "tokens", "prompt injection", "upstream model"):
        assert concern in genai


# Every text flag: (question, a bad answer that must fire, a good answer that must not).
FLAG_CASES = [
    ("TR05", "Honestly, we have never failed on a project.", "A 2024 project stopped when the client's data never arrived; we now run a paid data assessment first."),
    ("TR05", "All our projects succeed.", "Our hardest project failed in month 4: users ignored the outputs."),
    ("DT04", "Nothing from you, we handle everything.", "Your data owner 4 h/week, a system administrator 2 h/week, read access in week 1."),
    ("AC05", "Nobody has to change anything.", "Dispatchers change how they pick exceptions; training is two sessions per shift."),
    ("CL06", "Compliance is the customer’s responsibility.", "Our DPO owns compliance; we provide the DPIA and the processing agreement."),
    ("CL06", "That is up to the customer.", "We delivered under GDPR and HIPAA, with signed BAAs and DPIAs."),
    ("CM03", "Everything is included.", "Not included: your cloud compute, billed separately (about 2,000 a month); extra environments; new use cases by change request."),
    ("CM03", "It's all-inclusive, no hidden costs.", "Excluded: model-provider usage fees, which we estimate at 300 a month at your volume."),
]


@pytest.mark.parametrize(("qid", "bad", "good"), FLAG_CASES)
def test_text_flags_fire_on_bad_answers_only(qid: str, bad: str, good: str) -> None:
    flag = BANK.question(qid).flag
    assert flag is not None
    assert flag.fires_on_text(bad), bad
    assert flag.fires_on_text(good) is None, good


def test_every_text_flag_is_covered_above() -> None:
    flagged = {q.id for q in BANK.questions if q.flag is not None and q.flag.phrases}
    assert flagged == {qid for qid, _, _ in FLAG_CASES}

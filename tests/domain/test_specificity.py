"""The specificity check on titles and whole use cases, with the lexicons from data/."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.models import DataSource, SuccessMetric, UseCase
from app.domain.specificity import Verdict, check_title, check_use_case
from app.services.knowledge import lexicons

SPECIFIC = [
    "Prioritizing which inbound leads our SDRs should call first",
    "Identifying which support tickets need urgent escalation before they become churn risks",
    "Forecasting inventory needs by SKU by region to reduce stockouts and overstock",
    "Flag invoices likely to be paid late",
    "Route insurance claims to the right adjuster",
]
SLOGANS = [
    "Implementing AI across the organization",
    "Building an AI-powered platform",
    "Using AI to improve efficiency",
    "Digital transformation",
    "Our AI strategy",
]


@pytest.mark.parametrize("title", SPECIFIC)
def test_specific_titles(title: str) -> None:
    r = check_title(title, lexicons())
    assert r.verdict is Verdict.SPECIFIC, r.reasons
    assert r.score >= 70


@pytest.mark.parametrize("title", SLOGANS)
def test_slogans(title: str) -> None:
    r = check_title(title, lexicons())
    assert r.verdict is Verdict.SLOGAN, r.reasons
    assert r.score < 40
    assert any("countable things" in reason for reason in r.reasons)


def test_object_without_decision_needs_work() -> None:
    r = check_title("Something about our support tickets", lexicons())
    assert r.verdict is Verdict.NEEDS_WORK
    assert any("names no action" in reason for reason in r.reasons)


@pytest.mark.parametrize(
    "title",
    [
        # the three titles from outside sales, judged needs work or slogan before
        "Prioritize which late-shipment exceptions our dispatchers handle first",
        "Predicting no-show risk for each outpatient MRI slot two days ahead",
        "Grading weld-seam X-ray images as pass, rework or scrap on line 2",
        # possessives, British spellings, accented letters, typographic apostrophes
        "Flag each patient\u2019s discharge summary that lacks a follow-up appointment",
        "Prioritising which overdue invoices our collectors chase first",
        "Forecast croissant demand for each café by hour of the day",
        # energy, retail, HR and manufacturing: words no list would have held
        "Classify drone photos of power-line poles as sound, monitor or replace",
        "Set markdown prices for end-of-season items in each store every Monday",
        "Match internal candidates to open vacancies by skills each month",
        "Predict bearing failures on each CNC spindle two weeks before breakdown",
        # a noun made from the verb, with what it is about
        "No-show prediction for each outpatient clinic two days ahead",
    ],
)
def test_shape_not_vocabulary(title: str) -> None:
    assert check_title(title, lexicons()).verdict is Verdict.SPECIFIC


def test_the_old_false_passes_are_caught() -> None:
    assert check_title("Which AI use cases should we pursue?", lexicons()).verdict is Verdict.SLOGAN
    copilot = check_title("An AI copilot for every employee", lexicons())
    assert copilot.verdict is Verdict.SLOGAN
    assert any("“for every employee”" in r for r in copilot.reasons)


@pytest.mark.parametrize(
    ("title", "verdict", "reason"),
    [
        # a question about concrete things says how to restate it
        ("Which invoices are likely to be paid late?", Verdict.NEEDS_WORK, "It is a question"),
        # a missing detail is named, with examples of each kind
        ("Classify documents", Verdict.NEEDS_WORK, "for whom or by whom (“for our dispatchers”), a scope"),
        # a vague verb is quoted back
        ("Improving discharge letters", Verdict.NEEDS_WORK, "“improving” says what you hope for"),
        # inflected buzzwords count as generic language
        ("Transforming finance by leveraging AI", Verdict.SLOGAN, "generic language (“leverage ai”, “transform”)"),
    ],
)
def test_reasons_are_concrete_and_actionable(title: str, verdict: Verdict, reason: str) -> None:
    r = check_title(title, lexicons())
    assert r.verdict is verdict
    assert any(reason in given for given in r.reasons), r.reasons


@pytest.mark.parametrize(
    "title",
    [
        "Prévoir les retards de livraison par entrepôt",
        "Vorhersage der Lieferzeiten pro Lager",
        "Классификация обращений граждан по срочности",
        "顧客の解約を予測する",
    ],
)
def test_other_languages_are_not_judged(title: str) -> None:
    r = check_title(title, lexicons())
    assert r.verdict is Verdict.NOT_JUDGED
    assert r.reasons and r.reasons[0].startswith("Can't judge this language yet")


def test_english_titles_with_foreign_names_are_judged() -> None:
    r = check_title("Prioritising which São Paulo depot orders ship first when trucks are short", lexicons())
    assert r.verdict is Verdict.SPECIFIC


def test_empty_title_is_a_slogan() -> None:
    assert check_title("   ", lexicons()).verdict is Verdict.SLOGAN


def full(**changes: object) -> UseCase:
    uc = UseCase(
        title=SPECIFIC[0],
        decision="Rank new inbound leads by likelihood to book a meeting",
        actors="SDR team",
        data_sources=[DataSource("Salesforce")],
        success_metrics=[SuccessMetric("Conversion", "%", 8, 12, target_date=date(2027, 6, 30), method="CRM report", owner="RevOps")],
    )
    uc.impact.amount = 1_000_000
    for k, v in changes.items():
        setattr(uc, k, v)
    return uc


def test_full_use_case_specific() -> None:
    r = check_use_case(full(), lexicons())
    assert r.verdict is Verdict.SPECIFIC and r.score >= 90


def test_full_use_case_without_data_sources_needs_work() -> None:
    r = check_use_case(full(data_sources=[]), lexicons())
    assert r.verdict is Verdict.NEEDS_WORK
    assert any("data sources" in reason for reason in r.reasons)


def test_full_use_case_metric_needs_baseline_and_target() -> None:
    r = check_use_case(full(success_metrics=[SuccessMetric("Conversion")]), lexicons())
    assert r.verdict is Verdict.NEEDS_WORK
    assert any("baseline" in reason for reason in r.reasons)


def test_slogan_use_case_stays_a_slogan() -> None:
    assert check_use_case(full(title=SLOGANS[0]), lexicons()).verdict is Verdict.SLOGAN


def test_use_case_in_another_language_is_not_judged_even_when_complete() -> None:
    r = check_use_case(full(title="Voorspellen welke facturen te laat worden betaald"), lexicons())
    assert r.verdict is Verdict.NOT_JUDGED


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("<script>alert(1)</script>", "markup"),
        ("<b>Flag invoices likely to be paid late, for the collections team</b>", "markup"),
        ("Rank orders &amp; returns by value every morning", "markup"),
        ("Flag invoices " + "x" * 300 + " paid late for the collections team", "not a word"),
    ],
)
def test_markup_and_run_on_letters_are_not_read_as_words(title: str, reason: str) -> None:
    """Pasted markup or a run of letters is named, and never makes a title specific: before this,
    "<script>alert(1)</script>" scored 95/100, 'script' being both the action and its object."""
    r = check_title(title, lexicons())
    assert r.verdict is not Verdict.SPECIFIC
    assert r.score < 70
    assert reason in r.reasons[0]


def test_a_title_of_only_markup_or_letters_is_a_slogan_and_says_why() -> None:
    for title in ("<div></div>", "x" * 20_000):
        r = check_title(title, lexicons())
        assert r.verdict is Verdict.SLOGAN and r.score == 0
        assert "20,000 letters" in r.reasons[0] if title.startswith("x") else "markup" in r.reasons[0]


def test_invisible_format_characters_do_not_change_the_verdict() -> None:
    plain = check_title("Flag invoices likely to be paid late", lexicons())
    hidden = check_title("Flag\u202e inv\u200boices likely to be paid late", lexicons())
    assert (hidden.verdict, hidden.score) == (plain.verdict, plain.score)

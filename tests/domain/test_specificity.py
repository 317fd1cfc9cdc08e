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
    assert any("concrete object" in reason for reason in r.reasons)


def test_object_without_decision_needs_work() -> None:
    r = check_title("Something about our support tickets", lexicons())
    assert r.verdict is Verdict.NEEDS_WORK
    assert any("decision" in reason for reason in r.reasons)


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

"""Placeholders in a question bank, filled from the organization profile.

A bank written for any organization says "How will you integrate with {systems}?"; when an
evaluation is created the question becomes "How will you integrate with SAP S/4HANA and
ServiceNow?". The names are {systems}, {industry}, {stage} and {regulations}; they may appear in
a question and in its guidance. A profile field left empty reads as "our systems", "our
industry" … so a question never shows a bare brace.
"""

from __future__ import annotations

import re
from dataclasses import replace

from app.domain.bank import Bank
from app.domain.models import Organization

PLACEHOLDERS = ("systems", "industry", "stage", "regulations")
_PATTERN = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def spoken_list(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = [i.strip() for i in items if i.strip()]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def values(org: Organization) -> dict[str, str]:
    return {
        "systems": spoken_list(org.systems) or "our systems",
        "industry": org.industry.strip() or "our industry",
        "stage": org.stage.value,
        "regulations": spoken_list(org.regulations) or "the regulations that apply to us",
    }


def has_placeholders(bank: Bank) -> bool:
    return any(_PATTERN.search(q.question) or _PATTERN.search(q.guidance) for q in bank.questions)


def fill(text: str, org: Organization) -> str:
    v = values(org)
    return _PATTERN.sub(lambda m: v[m.group(1)], text)


def filled_bank(bank: Bank, org: Organization) -> Bank:
    """The bank with every placeholder replaced by the organization's own words."""
    questions = tuple(
        replace(q, question=fill(q.question, org), guidance=fill(q.guidance, org)) for q in bank.questions
    )
    return replace(bank, questions=questions)

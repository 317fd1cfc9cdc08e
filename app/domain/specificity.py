"""The specificity check: is a use case a concrete decision, or a slogan?

A title is specific when it names what is decided or predicted (a decision word) and for
what (a concrete object: leads, tickets, SKUs, invoices …). It is a slogan when it names no
concrete object and leans on generic language or names no decision. Word lists live in
`data/lexicons/` so analysts can extend them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.flags import Lexicons, _outermost
from app.domain.models import Access, UseCase
from app.domain.text import contains_phrase, words


class Verdict(StrEnum):
    SPECIFIC = "specific"
    NEEDS_WORK = "needs work"
    SLOGAN = "slogan"


@dataclass(frozen=True)
class SpecificityResult:
    verdict: Verdict
    score: int
    reasons: tuple[str, ...]


GOOD_EXAMPLE = "Prioritizing which inbound leads our SDRs should call first"
BAD_EXAMPLE = "Implementing AI across the organization"

_QUALIFIERS = {"which", "by", "before", "per", "so", "whether", "when", "first", "within", "to"}


def _plural_forms(word: str) -> set[str]:
    forms = {word, word + "s", word + "es"}
    if word.endswith("y"):
        forms.add(word[:-1] + "ies")
    return forms


def _found_objects(text: str, lex: Lexicons) -> list[str]:
    tokens = set(words(text))
    found = []
    for obj in lex.concrete_objects:
        if " " in obj or "-" in obj:
            if any(contains_phrase(text, form) for form in _plural_forms(obj)):
                found.append(obj)
        elif tokens & _plural_forms(obj):
            found.append(obj)
    return found


def _found(text: str, phrases: tuple[str, ...]) -> list[str]:
    return [p for p in phrases if contains_phrase(text, p)]


def check_title(title: str, lex: Lexicons) -> SpecificityResult:
    text = title.strip()
    reasons: list[str] = []
    if not text:
        return SpecificityResult(
            Verdict.SLOGAN, 0, ("The title is empty: name the decision or process this improves.",)
        )
    objects = _found_objects(text, lex)
    verbs = _found(text, lex.decision_verbs)
    generic = _outermost(_found(text, lex.generic_phrases))
    tokens = words(text)
    qualifiers = [t for t in tokens if t in _QUALIFIERS]
    score = 20
    if objects:
        score += 35
    else:
        reasons.append(
            "It names no concrete object: say what is decided or predicted for "
            "(leads, tickets, SKUs, invoices, claims …)."
        )
    if verbs:
        score += 30
    else:
        reasons.append(
            "It names no decision or prediction: say what changes (prioritize, forecast, "
            "detect, route, approve …)."
        )
    if qualifiers and objects:
        score += 15
    if generic:
        score -= min(60, 30 * len(generic))
        reasons.append(
            "It leans on generic language (" + ", ".join(repr(g) for g in generic) + ") "
            "that could describe any project."
        )
    if len(tokens) < 4:
        score -= 15
        reasons.append("It is too short to say who decides what, for which objects.")
    score = max(0, min(100, score))
    if objects and verbs:
        verdict = Verdict.SPECIFIC
    elif not objects and (generic or not verbs):
        verdict = Verdict.SLOGAN
    else:
        verdict = Verdict.NEEDS_WORK
    if verdict is Verdict.SPECIFIC and not reasons:
        reasons.append(
            f"It names the decision ({', '.join(verbs)}) and what it is about ({', '.join(objects)})."
        )
    return SpecificityResult(verdict, score, tuple(reasons))


def check_use_case(uc: UseCase, lex: Lexicons) -> SpecificityResult:
    """The whole use case: the title's specificity plus data, actors, impact and metrics."""
    title = check_title(uc.title, lex)
    reasons = [r for r in title.reasons if not r.startswith("It names the decision")]
    decision_ok = bool(uc.decision.strip())
    if title.verdict is not Verdict.SPECIFIC and decision_ok:
        decision = check_title(uc.decision, lex)
        if decision.verdict is Verdict.SPECIFIC:
            reasons.append("The decision field is concrete; make the title say it too.")
    score = title.score * 0.4
    if decision_ok:
        score += 10
    else:
        reasons.append("Describe the decision or process this improves.")
    if uc.actors.strip():
        score += 10
    else:
        reasons.append("Say who acts on the output (which team, which role).")
    if uc.impact.amount and uc.impact.amount > 0:
        score += 10
    else:
        reasons.append("Estimate the annual impact (an amount and unit).")
    has_sources = any(d.system.strip() for d in uc.data_sources)
    if has_sources:
        score += 15
        blocked = [d.system for d in uc.data_sources if d.access is Access.NO]
        if blocked:
            reasons.append(f"We have no access yet to: {', '.join(blocked)}.")
    else:
        reasons.append("Name the data sources it needs and whether we have access to them.")
    metrics = [
        m
        for m in uc.success_metrics
        if m.name.strip() and m.baseline is not None and m.target is not None and m.target != m.baseline
    ]
    if metrics:
        score += 15
        incomplete = [
            m.name for m in metrics if m.target_date is None or not m.method.strip() or not m.owner.strip()
        ]
        if incomplete:
            reasons.append(
                "Give every success metric a target date, a measurement method and an owner: "
                + ", ".join(incomplete)
                + "."
            )
    elif uc.success_metrics:
        reasons.append("Give at least one success metric a baseline and a different target.")
    else:
        reasons.append("Add at least one success metric with a baseline and a target.")
    points = int(round(max(0.0, min(100.0, score))))
    if title.verdict is Verdict.SPECIFIC and has_sources and metrics:
        verdict = Verdict.SPECIFIC
    elif title.verdict is Verdict.SLOGAN:
        verdict = Verdict.SLOGAN
    else:
        verdict = Verdict.NEEDS_WORK
    if verdict is Verdict.SPECIFIC and not reasons:
        reasons.append("It names the decision, who acts, the data it needs and how success is measured.")
    return SpecificityResult(verdict, points, tuple(reasons))

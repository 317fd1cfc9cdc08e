"""A vendor's own questionnaire answers are evidence for evaluators, never a score."""

from __future__ import annotations

from app.domain.evaluation import SELF_ASSESSMENT, EvaluationSnapshot, EvaluatorInfo, evaluate
from app.domain.flags import Lexicons
from app.domain.models import Answer, Organization, Vendor
from app.domain.text import Synonyms
from tests.domain.helpers import bank, q

BANK = bank(q("Q1"), q("T1", type_="text", weight=0, flag_rule="contains=we handle everything:medium:Unrealistic"))


def snapshot(*answers: Answer) -> EvaluationSnapshot:
    return EvaluationSnapshot(
        name="E",
        organization=Organization(),
        bank=BANK,
        evaluators=[EvaluatorInfo("Maya", "2027-01-04T09:00:00+00:00"), EvaluatorInfo(SELF_ASSESSMENT)],
        vendors=[Vendor("Acme")],
        answers=list(answers),
    )


def total(snap: EvaluationSnapshot) -> float | None:
    return evaluate(snap, Lexicons(), Synonyms(), with_sensitivity=False).ranking[0].total


def test_self_assessment_alone_gives_no_total() -> None:
    assert total(snapshot(Answer("Acme", SELF_ASSESSMENT, "Q1", "5"))) is None


def test_self_assessment_does_not_move_the_evaluators_score() -> None:
    maya = Answer("Acme", "Maya", "Q1", "2")
    assert total(snapshot(maya)) == total(snapshot(maya, Answer("Acme", SELF_ASSESSMENT, "Q1", "5"))) == 40.0


def test_self_assessment_text_still_feeds_red_flags() -> None:
    snap = snapshot(Answer("Acme", "Maya", "Q1", "3"), Answer("Acme", SELF_ASSESSMENT, "T1", "After kickoff we handle everything."))
    flags = evaluate(snap, Lexicons(), Synonyms(), with_sensitivity=False).flags["Acme"]
    assert any(f.rule == "question:T1" for f in flags)

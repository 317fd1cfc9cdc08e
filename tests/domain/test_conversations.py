"""The other oversight conversations: each rule, with its boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.conversations import (
    Conversation,
    Promises,
    cost_flag,
    decision_flags,
    open_decisions,
    retrospective,
    review_overrun_flags,
    situation,
    spend_series,
    stalled_metrics,
)
from app.domain.models import Direction, Milestone, Severity, SuccessMetric
from app.domain.oversight import Decision, Money, Review

KICKOFF = date(2027, 1, 1)
# Baseline 10 → target 22 over a year: about one point a month expected.
UP = SuccessMetric("Conversion", "%", 10.0, 22.0, Direction.UP, date(2027, 12, 31))
MILESTONES = [(Milestone("Data signed off", 1), date(2027, 1, 25)), (Milestone("Pilot live", 3), None)]


def reviews(*values: float, **extra: object) -> list[Review]:
    return [Review(f"2027-{i:02d}", {"Conversion": v}, **extra) for i, v in enumerate(values, start=1)]  # type: ignore[arg-type]


def rules(s: object) -> list[str]:
    return [f.rule for f in s.flags]  # type: ignore[attr-defined]


# ----- milestones met, value not materialising ----------------------------------------------


def test_milestones_met_but_value_flat_two_reviews_running() -> None:
    # Milestone 1 reached on time; conversion stuck at 10.5 in February and March while the line climbs.
    s = situation(KICKOFF, [UP], reviews(10.5, 10.5, 10.5), MILESTONES, 5, Promises())
    assert s.conversation is Conversation.VALUE_NOT_MATERIALIZING
    (flag,) = [f for f in s.flags if f.rule == "value_not_materializing"]
    assert flag.severity is Severity.HIGH
    assert "Milestone reached: Data signed off on 2027-01-25" in flag.evidence
    assert any(e.startswith("Conversion: 2027-02 10.5 % against") and "2027-03 10.5 % against" in e for e in flag.evidence)
    assert "milestones met, value not materialising" in flag.message


def test_one_flat_review_is_not_yet_a_pattern_and_improving_value_is_on_track() -> None:
    assert stalled_metrics(KICKOFF, [UP], reviews(11.0, 11.0)) == []  # January moved from the baseline
    assert situation(KICKOFF, [UP], reviews(11.0, 12.0), MILESTONES, 5, Promises()).conversation is Conversation.ON_TRACK


def test_a_metric_standing_at_its_target_is_not_stalled() -> None:
    assert stalled_metrics(KICKOFF, [UP], reviews(22.0, 22.0, 22.0)) == []


def test_milestones_missed_in_the_month_after_it_falls_due_with_months_late() -> None:
    # "Pilot live" is month 3: due 1 April. As of 31 March it is not due; as of 30 April it is overdue.
    march = situation(KICKOFF, [UP], reviews(11, 12, 13), MILESTONES, 5, Promises())
    assert "milestones_missed" not in rules(march) and march.conversation is Conversation.ON_TRACK
    april = situation(KICKOFF, [UP], reviews(11, 12, 13, 14), MILESTONES, 5, Promises())
    (flag,) = [f for f in april.flags if f.rule == "milestones_missed"]
    assert flag.severity is Severity.HIGH
    assert flag.evidence == ("Pilot live: due 2027-04-01 (month 3), not reached, 1 month late",)
    assert april.conversation is Conversation.MILESTONES_MISSED


def test_both_conversations_at_once() -> None:
    s = situation(KICKOFF, [UP], reviews(11, 12, 12, 12), MILESTONES, 5, Promises())
    assert s.conversation is Conversation.BOTH
    assert "milestones_missed" in rules(s)
    assert "value_not_materializing" not in rules(s)  # that flag is for milestones met


# ----- the 30-minute rule --------------------------------------------------------------------


def test_exactly_thirty_minutes_is_fine_thirty_one_is_a_yellow_flag() -> None:
    assert review_overrun_flags([Review("2027-01", {}, minutes=30)]) == []
    (flag,) = review_overrun_flags([Review("2027-01", {}, minutes=31)])
    assert flag.severity is Severity.LOW
    assert flag.evidence == ("2027-01: the review took 31 minutes (the limit is 30)",)


def test_progress_not_explained_is_an_overrun_and_two_in_a_row_escalate() -> None:
    flags = review_overrun_flags([
        Review("2027-01", {}, minutes=20, explained=False),
        Review("2027-02", {}, minutes=45),
        Review("2027-03", {}, minutes=25),
        Review("2027-04", {}, minutes=50),
    ])
    assert [(f.subject, f.severity) for f in flags] == [
        ("2027-01", Severity.LOW), ("2027-02", Severity.HIGH), ("2027-04", Severity.LOW),
    ]
    assert "2027-01: the partner did not explain progress clearly" in flags[0].evidence


# ----- costs ---------------------------------------------------------------------------------


QUOTE = Promises(quote=Money(120_000, "USD"), cost_growth_pct=20)


def spend(*amounts: float) -> list[Review]:
    return [Review(f"2027-{i:02d}", {}, spend=Money(a, "USD")) for i, a in enumerate(amounts, start=1)]


def test_spend_exactly_at_the_threshold_raises_nothing_one_more_raises_cost_overrun() -> None:
    # Kickoff 1 January, production promised in 12 months: by 31 January (30 days) the quote pro rata
    # is 120,000 × 30 / (12 × 30.4375) and the limit 25 % above it.
    pro_rata = 120_000 * (30 / 30.4375) / 12
    at = pro_rata * 1.25
    flag, spent, quoted = cost_flag(KICKOFF, 12, spend(at), Promises(quote=Money(120_000, "USD")))
    assert flag is None and spent == at and quoted == pro_rata
    flag, _, _ = cost_flag(KICKOFF, 12, spend(at + 1), Promises(quote=Money(120_000, "USD")))
    assert flag is not None and flag.rule == "cost_overrun" and flag.severity is Severity.HIGH
    assert "25 % over, the limit is 25 %" in flag.evidence[0]


def test_a_configurable_threshold() -> None:
    strict = Promises(quote=Money(120_000, "USD"), cost_threshold=0.10)
    flag, _, _ = cost_flag(KICKOFF, 12, spend(11_500), strict)  # pro rata ~9,856: 17 % over
    assert flag is not None and "the limit is 10 %" in flag.evidence[0]
    assert cost_flag(KICKOFF, 12, spend(11_500), Promises(quote=Money(120_000, "USD")))[0] is None


def test_running_cost_growing_faster_than_promised() -> None:
    ok, _, _ = cost_flag(KICKOFF, 12, spend(5_000, 6_000), QUOTE)  # +20 %: as promised
    assert ok is None
    flag, spent, _ = cost_flag(KICKOFF, 12, spend(5_000, 6_100), QUOTE)  # +22 %
    assert flag is not None and spent == 11_100
    assert flag.evidence == (
        "Monthly spend grew 22 % from 2027-01 (5,000 USD) to 2027-02 (6,100 USD); the partner promised "
        "running costs would grow 20 % at most",
    )


def test_spend_series_is_cumulative_against_the_quote_pro_rata() -> None:
    series = spend_series(KICKOFF, 12, spend(5_000, 6_000), QUOTE)
    assert [(m, total) for m, total, _ in series] == [("2027-01", 5_000), ("2027-02", 11_000)]
    assert series[1][2] == 120_000 * (58 / 30.4375) / 12  # 58 days to 28 February


def test_spend_in_another_currency_is_not_added_to_the_quote() -> None:
    _, spent, _ = cost_flag(KICKOFF, 12, [Review("2027-01", {}, spend=Money(50_000, "EUR"))], QUOTE)
    assert spent is None


# ----- decisions -----------------------------------------------------------------------------


def test_decision_open_two_reviews_after_it_was_raised_is_overdue() -> None:
    ask = Decision("Fund the usage feed", "CFO", date(2027, 2, 15))
    raised = [Review("2027-01", {}, decisions=(ask,)), Review("2027-02", {})]
    assert decision_flags(raised) == []  # one review later: still in time
    (flag,) = decision_flags([*raised, Review("2027-03", {})])
    assert flag.rule == "decision_overdue" and flag.severity is Severity.MEDIUM
    assert flag.evidence == ("Raised in the 2027-01 review (owner: CFO), due 2027-02-15", "Still open at the 2027-03 review")
    assert open_decisions([*raised, Review("2027-03", {})]) == [("2027-01", ask)]


def test_decided_on_the_last_day_of_the_second_review_month_is_not_overdue() -> None:
    ask = Decision("Fund the usage feed", "CFO", None, date(2027, 3, 31))
    later = [Review("2027-01", {}, decisions=(ask,)), Review("2027-02", {}), Review("2027-03", {})]
    assert decision_flags(later) == []
    assert open_decisions(later) == []
    # …but as of February it was still open.
    assert open_decisions(later[:2]) == [("2027-01", ask)]


def test_retrospective_sets_each_promise_beside_what_happened() -> None:
    rs = [Review("2027-01", {"Conversion": 10.5}, spend=Money(10_000, "USD")),
          Review("2027-02", {"Conversion": 10.5}, spend=Money(13_000, "USD")),
          Review("2027-03", {"Conversion": 10.5}, spend=Money(12_000, "USD"))]
    promises = Promises(Money(120_000, "USD"), 20, (("Is training included?", "yes"),))
    now = situation(KICKOFF, [UP], rs, MILESTONES, 12, promises)
    retro = retrospective(KICKOFF, 12, None, date(2027, 3, 31), rs, now, promises, [("Adoption", 80.0)])
    lines = {p.promise: p for p in retro.promises}
    assert lines["Milestone: Data signed off"].kept is True
    assert lines["Milestone: Pilot live"].kept is None  # due 1 April: too early to say on 31 March
    assert lines["Running-cost growth"].delivered == "20 % so far" and lines["Running-cost growth"].kept is True
    assert lines["Is training included?"].delivered == "value not materialising"
    assert lines["Is training included?"].kept is False
    assert lines["Time to production"].kept is None
    assert retro.to_json()["sections"] == [{"section": "Adoption", "score": 80.0}]
    assert retro.to_json()["conversation"] == "value_not_materializing"


def test_selection_copies_a_cost_growth_percentage_but_never_a_rubric_score() -> None:
    """The default bank asks for an itemised cost estimate on a 0–5 rubric: a '4' there is a
    score, not a promise of 4 % growth; a number question in % is the promise."""
    from app.domain.bank import make_question
    from app.domain.conversations import promises_from
    from app.domain.models import Answer, Pricing, Vendor

    rubric = make_question({"id": "CM02", "section": "Commercials", "layer": "commercial", "type": "scale",
                            "weight": "4", "question": "Estimate the running cost at our volumes and how it grows "
                            "from the pilot."})
    percent = make_question({"id": "CG01", "section": "Commercials", "layer": "commercial", "type": "number",
                             "weight": "1", "question": "By how much (in %) will running costs grow from pilot "
                             "to production?", "scoring": "<=20:5; else:0"})
    vendor = Vendor("Acme", pricing=Pricing("fixed", 100_000, "EUR"))
    answers = [Answer("Acme", "Ann", "CM02", "4"), Answer("Acme", "Ann", "CG01", "15")]
    assert promises_from(vendor, answers[:1], [rubric]).cost_growth_pct is None
    assert promises_from(vendor, answers, [rubric, percent]).cost_growth_pct == 15.0


def test_a_cost_threshold_is_read_as_whole_percent_in_the_dashboards_range() -> None:
    from app.domain.conversations import parse_cost_threshold
    from app.domain.errors import DomainError

    assert [parse_cost_threshold(t) for t in ("30", " 30 % ", "0", "500%", "7")] == [0.3, 0.3, 0.0, 5.0, 0.07]
    for bad in ("", "%", "-1", "501", "2.5", "thirty", "1e2"):
        with pytest.raises(DomainError, match="whole percentage from 0 to 500"):
            parse_cost_threshold(bad)

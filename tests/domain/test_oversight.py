"""The oversight rules: straight-line trajectory status and the metrics_off_track red flag."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import DomainError
from app.domain.models import Direction, Milestone, Severity, SuccessMetric
from app.domain.oversight import (
    MilestoneState,
    Review,
    Status,
    add_months,
    compare_timeline,
    default_review_month,
    expected_value,
    has_plan,
    milestone_progress,
    milestones_as_of,
    month_end,
    next_month,
    off_track_flags,
    parse_actual,
    plan_required,
    progress,
    status,
    track,
    trajectory,
    validate_reviews,
)

KICKOFF = date(2027, 1, 1)
# 2027-01-01 → 2027-12-31 is 364 days: f for a month is (month end − kickoff) / 364.
UP = SuccessMetric("Conversion", "%", 10.0, 20.0, Direction.UP, date(2027, 12, 31))
DOWN = SuccessMetric("Handle time", "min", 20.0, 10.0, Direction.DOWN, date(2027, 12, 31))


# ----- trajectory ------------------------------------------------------------------------


def test_month_end_is_the_last_day_of_the_month() -> None:
    assert month_end("2027-02") == date(2027, 2, 28)
    assert month_end("2028-02") == date(2028, 2, 29)
    assert month_end("2027-12") == date(2027, 12, 31)


@pytest.mark.parametrize("bad", ["2027-13", "2027-1", "27-01", "January", "", "2027-00"])
def test_a_malformed_month_is_refused(bad: str) -> None:
    with pytest.raises(DomainError, match="YYYY-MM"):
        month_end(bad)


def test_first_month_expects_a_thirtieth_of_the_way() -> None:
    assert expected_value(UP, KICKOFF, "2027-01") == pytest.approx(10 + 10 * 30 / 364)


def test_review_in_the_kickoff_month_is_measured_to_that_months_last_day() -> None:
    kickoff = date(2027, 1, 15)
    metric = SuccessMetric("m", "", 0.0, 100.0, Direction.UP, date(2027, 7, 15))
    days = (date(2027, 7, 15) - kickoff).days
    assert expected_value(metric, kickoff, "2027-01") == pytest.approx(100 * 16 / days)
    validate_reviews(kickoff, [metric], [Review("2027-01", {"m": 1.0})])  # allowed


def test_kickoff_on_the_last_day_of_a_month_expects_the_baseline_that_month() -> None:
    kickoff = date(2027, 1, 31)
    assert progress(kickoff, UP.target_date, month_end("2027-01")) == 0.0
    assert expected_value(UP, kickoff, "2027-01") == 10.0


def test_after_the_target_date_the_target_itself_is_expected() -> None:
    assert progress(KICKOFF, UP.target_date, month_end("2028-06")) == 1.0
    assert expected_value(UP, KICKOFF, "2028-06") == 20.0
    assert expected_value(UP, KICKOFF, "2027-12") == 20.0  # exactly the target date: f = 1
    assert expected_value(DOWN, KICKOFF, "2029-01") == 10.0


def test_direction_down_expects_the_value_to_fall() -> None:
    assert expected_value(DOWN, KICKOFF, "2027-06") == pytest.approx(20 - 10 * 180 / 364)
    _, good = status(DOWN, KICKOFF, "2027-06", 14.0)
    _, bad = status(DOWN, KICKOFF, "2027-06", 18.0)
    assert good is Status.ON_TRACK
    assert bad is Status.OFF_TRACK


def test_direction_down_beating_the_target_is_on_track() -> None:
    assert status(DOWN, KICKOFF, "2027-02", 2.0)[1] is Status.ON_TRACK
    assert status(UP, KICKOFF, "2027-02", 99.0)[1] is Status.ON_TRACK


# At the target date expected = target, tolerance = 10 % of |target − baseline| = 1.
@pytest.mark.parametrize(
    ("metric", "actual", "expected_status"),
    [
        (UP, 19.0, Status.ON_TRACK),  # exactly at the edge: on track
        (UP, 18.999, Status.OFF_TRACK),  # just past it
        (UP, 19.001, Status.ON_TRACK),
        (DOWN, 11.0, Status.ON_TRACK),
        (DOWN, 11.001, Status.OFF_TRACK),
        (DOWN, 10.999, Status.ON_TRACK),
    ],
)
def test_tolerance_edge_both_sides(
    metric: SuccessMetric, actual: float, expected_status: Status
) -> None:
    expected, result = status(metric, KICKOFF, "2028-01", actual)
    assert expected == metric.target
    assert result is expected_status


def test_tolerance_edge_mid_way_uses_the_expected_value_not_the_target() -> None:
    expected = expected_value(UP, KICKOFF, "2027-06")
    assert status(UP, KICKOFF, "2027-06", expected - 1.0)[1] is Status.ON_TRACK
    assert status(UP, KICKOFF, "2027-06", expected - 1.01)[1] is Status.OFF_TRACK


def test_target_date_before_kickoff_expects_the_target_from_the_start() -> None:
    late = SuccessMetric("m", "", 10.0, 20.0, Direction.UP, date(2026, 6, 30))
    assert progress(KICKOFF, late.target_date, month_end("2027-01")) == 1.0
    assert expected_value(late, KICKOFF, "2027-01") == 20.0
    assert status(late, KICKOFF, "2027-01", 15.0)[1] is Status.OFF_TRACK


def test_no_target_date_expects_the_target_from_the_start() -> None:
    undated = SuccessMetric("m", "", 10.0, 20.0, Direction.UP, None)
    assert expected_value(undated, KICKOFF, "2027-01") == 20.0


def test_a_missing_actual_has_no_status_but_an_expected_value() -> None:
    expected, result = status(UP, KICKOFF, "2027-06", None)
    assert result is Status.NO_DATA
    assert expected == pytest.approx(expected_value(UP, KICKOFF, "2027-06"))


def test_a_metric_without_baseline_cannot_be_tracked() -> None:
    with pytest.raises(DomainError, match="baseline and a target"):
        expected_value(SuccessMetric("m", target=3.0), KICKOFF, "2027-03")


def test_the_trajectory_runs_from_baseline_at_kickoff_to_target_at_the_target_date() -> None:
    assert trajectory(UP, KICKOFF) == [(KICKOFF, 10.0), (date(2027, 12, 31), 20.0)]
    assert trajectory(
        SuccessMetric("m", "", 1.0, 2.0, Direction.UP, date(2026, 1, 1)), KICKOFF
    ) == [(KICKOFF, 2.0)]
    assert trajectory(SuccessMetric("m"), KICKOFF) == []


@given(
    st.floats(-1e6, 1e6),
    st.floats(-1e6, 1e6),
    st.floats(-1e6, 1e6),
    st.floats(0, 1e5),
    st.integers(0, 36),
)
def test_a_better_actual_never_turns_on_track_into_off_track(
    baseline: float, target: float, actual: float, better: float, months: int
) -> None:
    month = f"{2027 + months // 12}-{months % 12 + 1:02d}"
    for direction, sign in ((Direction.UP, 1), (Direction.DOWN, -1)):
        m = SuccessMetric("m", "", baseline, target, direction, date(2028, 6, 30))
        if status(m, KICKOFF, month, actual)[1] is Status.ON_TRACK:
            assert status(m, KICKOFF, month, actual + sign * better)[1] is Status.ON_TRACK


# ----- validating reviews ----------------------------------------------------------------


def test_a_review_before_kickoff_is_refused() -> None:
    with pytest.raises(DomainError, match="before kickoff"):
        validate_reviews(KICKOFF, [UP], [Review("2026-12", {"Conversion": 11.0})])


def test_two_reviews_for_one_month_are_refused() -> None:
    with pytest.raises(DomainError, match="already a review for 2027-02"):
        validate_reviews(KICKOFF, [UP], [Review("2027-02", {}), Review("2027-02", {})])


def test_an_actual_for_an_unknown_metric_is_refused() -> None:
    with pytest.raises(DomainError, match="'Revenue', which is not a metric"):
        validate_reviews(KICKOFF, [UP], [Review("2027-02", {"Revenue": 1.0})])


@pytest.mark.parametrize("bad", ["8.4", True, float("nan"), float("inf")])
def test_a_non_numeric_actual_is_refused(bad: object) -> None:
    with pytest.raises(DomainError, match="not a number"):
        validate_reviews(KICKOFF, [UP], [Review("2027-02", {"Conversion": bad})])  # type: ignore[dict-item]


def test_parse_actual() -> None:
    assert parse_actual(" 8.4 ") == 8.4
    assert parse_actual("") is None
    assert parse_actual("   ") is None
    assert parse_actual("-3") == -3.0
    for bad in ("eight", "8,4%", "nan", "inf", "1e999"):
        with pytest.raises(DomainError, match="not a"):
            parse_actual(bad)


def test_default_review_month() -> None:
    assert default_review_month(date(2027, 1, 20), []) == "2027-01"
    assert default_review_month(KICKOFF, ["2027-02", "2027-04", "2027-03"]) == "2027-05"
    assert default_review_month(KICKOFF, ["2027-12"]) == "2028-01"
    assert next_month("2027-12") == "2028-01"


# ----- the off-track rule ----------------------------------------------------------------

OFF = 10.0  # far below every expected value of UP after the first month
ON = 30.0


def reviews(*actuals: float | None, plans: tuple[str, ...] = ()) -> list[Review]:
    out = []
    for i, a in enumerate(actuals):
        plan = plans[i] if i < len(plans) else ""
        out.append(Review(f"2027-{i + 3:02d}", {"Conversion": a}, recovery_plan=plan))
    return out


def flagged_months(rs: list[Review]) -> list[str]:
    return [f.evidence[1][:7] for f in off_track_flags(KICKOFF, [UP], rs, "Acme")]


def test_two_off_track_in_a_row_without_a_plan_raise_the_flag() -> None:
    flags = off_track_flags(KICKOFF, [UP], reviews(OFF, OFF), "Acme")
    assert len(flags) == 1
    f = flags[0]
    assert f.rule == "metrics_off_track"
    assert f.severity is Severity.HIGH
    assert f.vendor == "Acme"
    assert "Conversion" in f.message and "2027-03" in f.message and "2027-04" in f.message
    # The message names the trigger and quotes the figures, not only the months.
    assert f.message.startswith("Conversion has been off track two months running: 10 % against ")
    assert " expected in 2027-03, 10 % against " in f.message
    assert "in 2027-04, and the 2027-04 review has no recovery plan" in f.message
    assert "_" not in f.message
    assert f.evidence[0].startswith("2027-03: actual 10 %")
    assert f.evidence[1].startswith("2027-04: actual 10 %")
    assert f.evidence[2] == "2027-04: no recovery plan recorded"


def test_two_off_track_in_a_row_with_a_plan_do_not() -> None:
    assert (
        off_track_flags(KICKOFF, [UP], reviews(OFF, OFF, plans=("", "Add two SDR pods")), "") == []
    )


def test_a_plan_only_in_the_earlier_review_does_not_count() -> None:
    assert flagged_months(reviews(OFF, OFF, plans=("Add two SDR pods", ""))) == ["2027-04"]


def test_off_on_off_is_not_consecutive() -> None:
    assert flagged_months(reviews(OFF, ON, OFF)) == []


def test_three_in_a_row_flag_months_two_and_three() -> None:
    assert flagged_months(reviews(OFF, OFF, OFF)) == ["2027-04", "2027-05"]


def test_three_in_a_row_with_plans_flag_only_the_months_without() -> None:
    assert flagged_months(reviews(OFF, OFF, OFF, plans=("", "Retrain", ""))) == ["2027-05"]
    assert flagged_months(reviews(OFF, OFF, OFF, plans=("", "", "Retrain"))) == ["2027-04"]
    assert flagged_months(reviews(OFF, OFF, OFF, plans=("", "Retrain", "Retrain"))) == []


@pytest.mark.parametrize(
    "plan", ["   ", "\n\t", "TBD", "tbd", " TBD. ", "n/a", "-", "None", "TODO"]
)
def test_a_blank_or_placeholder_plan_counts_as_no_plan(plan: str) -> None:
    assert not has_plan(plan)
    assert flagged_months(reviews(OFF, OFF, plans=("", plan))) == ["2027-04"]


def test_a_short_real_plan_counts() -> None:
    assert has_plan("Retrain weekly")
    assert has_plan("TBD by Friday: retrain weekly")


def test_the_order_reviews_are_given_in_does_not_matter() -> None:
    assert flagged_months(list(reversed(reviews(OFF, OFF)))) == ["2027-04"]


def test_a_month_without_a_measurement_breaks_the_run() -> None:
    assert flagged_months(reviews(OFF, None, OFF)) == []


def test_a_skipped_review_month_does_not_hide_a_slipping_metric() -> None:
    rs = [Review("2027-03", {"Conversion": OFF}), Review("2027-05", {"Conversion": OFF})]
    assert flagged_months(rs) == ["2027-05"]


def test_each_metric_is_judged_on_its_own() -> None:
    rs = [
        Review("2027-03", {"Conversion": OFF, "Handle time": 40.0}),
        Review("2027-04", {"Conversion": ON, "Handle time": 40.0}),
    ]
    flags = off_track_flags(KICKOFF, [UP, DOWN], rs)
    assert [f.message.split(" has been")[0] for f in flags] == ["Handle time"]


def test_the_first_month_alone_never_flags() -> None:
    assert flagged_months(reviews(OFF)) == []


def test_track_lists_every_metric_month_by_month() -> None:
    tracks = track(KICKOFF, [UP, DOWN], reviews(OFF, ON))
    assert [t.metric.name for t in tracks] == ["Conversion", "Handle time"]
    assert [(p.month, p.status) for p in tracks[0].points] == [
        ("2027-03", Status.OFF_TRACK),
        ("2027-04", Status.ON_TRACK),
    ]
    assert [p.status for p in tracks[1].points] == [Status.NO_DATA, Status.NO_DATA]


def test_plan_required_matches_the_flag_the_review_would_raise() -> None:
    earlier = reviews(OFF)
    assert plan_required(KICKOFF, [UP], earlier, Review("2027-04", {"Conversion": OFF})) == [
        "Conversion"
    ]
    assert plan_required(KICKOFF, [UP], earlier, Review("2027-04", {"Conversion": ON})) == []
    assert plan_required(KICKOFF, [UP], [], Review("2027-04", {"Conversion": OFF})) == []
    # A later review does not count as "the one before".
    assert (
        plan_required(KICKOFF, [UP], reviews(ON, OFF), Review("2027-02", {"Conversion": OFF})) == []
    )


# ----- timeline --------------------------------------------------------------------------


def test_add_months_clamps_to_the_end_of_a_shorter_month() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 15), 3) == date(2028, 2, 15)


def test_milestones_promised_against_reached() -> None:
    today = date(2027, 5, 1)
    assert (
        milestone_progress(KICKOFF, "a", 3, date(2027, 3, 20), today).state
        is MilestoneState.REACHED
    )
    assert (
        milestone_progress(KICKOFF, "b", 3, date(2027, 4, 2), today).state
        is MilestoneState.REACHED_LATE
    )
    assert milestone_progress(KICKOFF, "c", 3, None, today).state is MilestoneState.OVERDUE
    assert milestone_progress(KICKOFF, "d", 6, None, today).state is MilestoneState.DUE
    assert milestone_progress(KICKOFF, "e", None, None, today).state is MilestoneState.NOT_SCHEDULED
    assert milestone_progress(KICKOFF, "c", 3, None, today).due == date(2027, 4, 1)


def test_milestone_due_on_the_last_day_of_the_month_is_not_overdue_that_day() -> None:
    kickoff = date(2027, 1, 31)  # month 1 falls due on 28 February, the month's last day
    on_the_day = milestone_progress(kickoff, "Pilot", 1, None, month_end("2027-02"))
    assert on_the_day.due == date(2027, 2, 28)
    assert on_the_day.state is MilestoneState.DUE
    assert on_the_day.months_late == 0
    next_day = milestone_progress(kickoff, "Pilot", 1, None, date(2027, 3, 1))
    assert next_day.state is MilestoneState.OVERDUE
    a_month_on = milestone_progress(kickoff, "Pilot", 1, None, month_end("2027-03"))
    assert a_month_on.months_late == 1.0


def test_milestone_reached_after_the_day_asked_about_is_not_reached_yet() -> None:
    ms = [(Milestone("Shadow scoring", 3), date(2027, 4, 20))]
    early, later = milestones_as_of(KICKOFF, ms, date(2027, 4, 10)), milestones_as_of(KICKOFF, ms, date(2027, 4, 30))
    assert early[0].state is MilestoneState.OVERDUE and early[0].reached_on is None
    assert later[0].state is MilestoneState.REACHED_LATE and later[0].reached_on == date(2027, 4, 20)
    assert later[0].months_late == 0.6  # 19 days after 1 April


def test_promised_against_actual_timeline() -> None:
    running = compare_timeline(KICKOFF, 5, None, date(2027, 7, 1))
    assert running.actual_months is None
    assert running.elapsed_months == pytest.approx(5.9, abs=0.05)
    assert running.late
    done = compare_timeline(KICKOFF, 5, date(2027, 5, 1), date(2028, 1, 1))
    assert done.actual_months == pytest.approx(3.94, abs=0.05)
    assert not done.late
    assert not compare_timeline(KICKOFF, None, None, date(2030, 1, 1)).late

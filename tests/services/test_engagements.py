"""Engagement services: select the partner, record reviews, change locked metrics, acknowledge flags."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from app.domain.oversight import Review, Status
from app.paths import data_dir
from app.services import engagements, transfer
from app.services.errors import InputError, NotFound
from app.store.workspace import Workspace
from tests.conftest import DEMO_ENGAGEMENT, DEMO_EVALUATION

CONVERSION = "Lead-to-meeting conversion"
FIRST_TOUCH = "Time to first touch"
VENDOR = "Signal & Scale Partners"


def demo_json() -> dict[str, Any]:
    return json.loads((data_dir() / "demo.json").read_text(encoding="utf-8"))


def import_fresh_evaluation(
    ws: Workspace, name: str = "Partner pick", metrics_patch: dict[str, Any] | None = None
) -> str:
    """The demo's evaluation, under a new name and without its engagement: ready for "Select this partner"."""
    from app.exchange.evaluation_json import parse_document

    doc = demo_json()
    doc.pop("engagement")
    doc["evaluation"]["name"] = name
    if metrics_patch:
        doc["use_case"]["success_metrics"][0].update(metrics_patch)
    transfer.import_document(ws, parse_document(doc), "test")
    return name


def count(ws: Workspace, table: str) -> int:
    with ws.engine.connect() as con:
        return int(con.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar_one())


def counts(ws: Workspace) -> tuple[int, ...]:
    return tuple(
        count(ws, t)
        for t in ("monthly_review", "review_actual", "audit_log", "flag_ack", "engagement")
    )


# ----- selecting the partner -----------------------------------------------------------------


def test_select_partner_copies_and_locks_the_use_case_metrics(workspace: Workspace) -> None:
    ev = import_fresh_evaluation(workspace)
    proposal = engagements.partner_proposal(workspace, ev, VENDOR)
    assert proposal.problems == []
    assert proposal.promised_months == 5
    assert [m.month for m in proposal.milestones] == [1, 3, 4, 5]
    eid = engagements.select_partner(workspace, ev, VENDOR, "Rollout", date(2026, 7, 1))
    snap = engagements.load(workspace, eid)
    assert snap.vendor == VENDOR
    assert snap.use_case_title == "Prioritizing which inbound leads our SDRs should call first"
    m = snap.metrics[0]
    assert (m.name, m.unit, m.baseline, m.target, m.direction.value, m.target_date) == (
        CONVERSION,
        "%",
        8.0,
        12.0,
        "up",
        date(2027, 6, 30),
    )
    assert m.owner == "Maya Chen (RevOps)"
    assert m.method.startswith("Meetings booked within 14 days")
    assert [ms.name for ms, _ in snap.milestones][
        0
    ] == "Data assessment and deduplication rules signed off"
    with workspace.engine.connect() as con:
        row = con.exec_driver_sql(
            "SELECT evaluation_id, promised_months FROM engagement WHERE id = ?", (eid,)
        ).one()
        audit = con.exec_driver_sql(
            "SELECT action FROM audit_log WHERE entity = 'engagement' AND entity_id = ?",
            (str(eid),),
        ).all()
    assert row.promised_months == 5
    assert row.evaluation_id is not None
    assert ("engagement created (metrics locked)",) in audit


def test_select_partner_refuses_metrics_without_baseline_or_target(workspace: Workspace) -> None:
    ev = import_fresh_evaluation(workspace, metrics_patch={"baseline": None})
    proposal = engagements.partner_proposal(workspace, ev, VENDOR)
    assert any("has no baseline" in p and CONVERSION in p for p in proposal.problems)
    before = counts(workspace)
    with pytest.raises(InputError, match="has no baseline"):
        engagements.select_partner(workspace, ev, VENDOR, "Rollout", date(2026, 7, 1))
    assert counts(workspace) == before


def test_select_partner_refuses_a_duplicate_name_and_an_unknown_vendor(demo: Workspace) -> None:
    with pytest.raises(InputError, match="already exists"):
        engagements.select_partner(demo, DEMO_EVALUATION, VENDOR, DEMO_ENGAGEMENT, date(2026, 7, 1))
    with pytest.raises(NotFound):
        engagements.select_partner(demo, DEMO_EVALUATION, "Nobody Ltd", "x", date(2026, 7, 1))
    with pytest.raises(InputError, match="needs a name"):
        engagements.select_partner(demo, DEMO_EVALUATION, VENDOR, "  ", date(2026, 7, 1))


def test_delete_engagement_removes_its_reviews(demo: Workspace) -> None:
    engagements.delete_engagement(demo, DEMO_ENGAGEMENT)
    assert count(demo, "engagement") == 0
    assert count(demo, "monthly_review") == 0
    assert count(demo, "engagement_metric") == 0


# ----- the demo --------------------------------------------------------------------------


def test_the_demo_flags_conversion_off_track_without_a_plan(demo: Workspace) -> None:
    o = engagements.oversight(demo, DEMO_ENGAGEMENT, today=date(2026, 11, 30))
    assert [f.rule for f in o.flags] == ["metrics_off_track", "value_not_materializing", "review_overrun"]
    assert CONVERSION in o.flags[0].message
    conv = next(t for t in o.tracks if t.metric.name == CONVERSION)
    assert [p.status for p in conv.points] == [Status.ON_TRACK, Status.OFF_TRACK, Status.OFF_TRACK, Status.OFF_TRACK]
    assert o.timeline.promised_months == 5
    assert o.timeline.actual_months is None
    assert [m.state.value for m in o.milestones] == ["reached", "reached", "reached", "not due yet"]


def test_the_demos_fourth_month_is_milestones_met_value_not_materialising(demo: Workspace) -> None:
    o = engagements.oversight(demo, DEMO_ENGAGEMENT, today=date(2026, 11, 30))
    assert o.conversation.value == "value_not_materializing"
    assert o.to_json()["conversation"] == "value_not_materializing"
    # In October the pilot milestone was not yet due and one off-track month does not make a pattern.
    assert engagements.oversight(demo, DEMO_ENGAGEMENT, month="2026-09").conversation.value == "on_track"
    assert o.situation is not None
    assert [d.owner for _, d in o.situation.open_decisions] == ["CFO", "VP Sales"]
    assert o.situation.spend_to_date == 123_000
    assert o.engagement.promises.quote is not None and o.engagement.promises.quote.amount == 145_000
    assert o.engagement.promises.cost_growth_pct == 30
    assert any("training" in q.casefold() for q, _ in o.engagement.promises.adoption)


# ----- saving reviews --------------------------------------------------------------------


def test_save_review_records_actuals_and_texts(demo: Workspace) -> None:
    engagements.save_review(
        demo,
        DEMO_ENGAGEMENT,
        Review("2026-12", {CONVERSION: 9.5, FIRST_TOUCH: None}, "b", "d", "p"),
    )
    r = engagements.get_review(demo, DEMO_ENGAGEMENT, "2026-12")
    assert r == Review("2026-12", {CONVERSION: 9.5}, "b", "d", "p")
    with demo.engine.connect() as con:
        assert (
            con.exec_driver_sql(
                "SELECT recovery_plan FROM monthly_review WHERE month = '2026-12'"
            ).scalar_one()
            == "p"
        )


@pytest.mark.parametrize(
    ("review", "message"),
    [
        (Review("2026-06", {CONVERSION: 8.0}), "before kickoff"),
        (Review("2026-09", {CONVERSION: 9.0}), "already a review for 2026-09"),
        (Review("2026-12", {"Revenue": 9.0}), "'Revenue', which is not a metric"),
        (Review("2026-12", {CONVERSION: "9,5"}), "not a number"),  # type: ignore[dict-item]
        (Review("2026-12", {CONVERSION: float("nan")}), "not a number"),
        (Review("2026-13", {CONVERSION: 9.0}), "YYYY-MM"),
    ],
)
def test_a_refused_review_changes_nothing(demo: Workspace, review: Review, message: str) -> None:
    before = counts(demo)
    with pytest.raises(InputError, match=message):
        engagements.save_review(demo, DEMO_ENGAGEMENT, review)
    with pytest.raises(InputError, match=message):
        engagements.check_review(demo, DEMO_ENGAGEMENT, review)
    assert counts(demo) == before


def test_a_second_review_with_the_same_actual_is_still_refused(demo: Workspace) -> None:
    engagements.save_review(demo, DEMO_ENGAGEMENT, Review("2026-12", {CONVERSION: 9.0}))
    before = counts(demo)
    with pytest.raises(InputError, match="already a review for 2026-12"):
        engagements.save_review(demo, DEMO_ENGAGEMENT, Review("2026-12", {CONVERSION: 9.0}))
    assert counts(demo) == before


def test_replace_and_delete_restore_a_review(demo: Workspace) -> None:
    old = engagements.get_review(demo, DEMO_ENGAGEMENT, "2026-10")
    assert old is not None
    engagements.save_review(
        demo,
        DEMO_ENGAGEMENT,
        Review("2026-10", {CONVERSION: 11.0}, recovery_plan="x"),
        replace=True,
    )
    assert engagements.get_review(demo, DEMO_ENGAGEMENT, "2026-10") == Review(
        "2026-10", {CONVERSION: 11.0}, recovery_plan="x"
    )
    removed = engagements.delete_review(demo, DEMO_ENGAGEMENT, "2026-10")
    assert removed is not None and removed.actuals == {CONVERSION: 11.0}
    assert engagements.get_review(demo, DEMO_ENGAGEMENT, "2026-10") is None
    engagements.save_review(demo, DEMO_ENGAGEMENT, old)
    assert engagements.get_review(demo, DEMO_ENGAGEMENT, "2026-10") == old
    assert engagements.delete_review(demo, DEMO_ENGAGEMENT, "2031-01") is None


def test_a_recovery_plan_clears_the_flag(demo: Workspace) -> None:
    old = engagements.get_review(demo, DEMO_ENGAGEMENT, "2026-10")
    assert old is not None
    fixed = Review(
        old.month,
        old.actuals,
        old.blockers,
        old.decisions_needed,
        "Weekly ride-alongs with each pod",
    )
    engagements.save_review(demo, DEMO_ENGAGEMENT, fixed, replace=True)
    assert "metrics_off_track" not in [f.rule for f in engagements.oversight(demo, DEMO_ENGAGEMENT).flags]


def test_read_actuals_checks_what_a_person_typed(demo: Workspace) -> None:
    metrics = engagements.load(demo, DEMO_ENGAGEMENT).metrics
    assert engagements.read_actuals(metrics, {CONVERSION: " 9.1 ", FIRST_TOUCH: ""}) == {
        CONVERSION: 9.1,
        FIRST_TOUCH: None,
    }
    with pytest.raises(InputError, match="actual for 'Lead-to-meeting conversion'.*not a number"):
        engagements.read_actuals(metrics, {CONVERSION: "nine"})
    with pytest.raises(InputError, match="no metric 'Revenue'"):
        engagements.read_actuals(metrics, {"Revenue": "1"})


def test_preview_review_computes_status_and_the_plan_requirement(demo: Workspace) -> None:
    snap = engagements.load(demo, DEMO_ENGAGEMENT)
    assert engagements.default_month(snap) == "2026-12"
    p = engagements.preview_review(snap, Review("2026-12", {CONVERSION: 8.0, FIRST_TOUCH: 7.0}))
    assert p.problem == ""
    conv = p.metrics[0]
    assert conv.status is Status.OFF_TRACK
    assert conv.expected == pytest.approx(8 + 4 * (183 / 364))
    assert conv.history == [("2026-08", 8.4), ("2026-09", 8.3), ("2026-10", 8.5), ("2026-11", 8.5)]
    assert p.metrics[1].status is Status.ON_TRACK
    assert p.plan_required_for == [CONVERSION]
    ok = engagements.preview_review(snap, Review("2026-12", {CONVERSION: 10.0}))
    assert ok.plan_required_for == []
    assert ok.metrics[1].status is Status.NO_DATA
    dup = engagements.preview_review(snap, Review("2026-10", {}))
    assert "already a review" in dup.problem
    assert engagements.preview_review(snap, Review("2026-10", {}), replace=True).problem == ""
    bad = engagements.preview_review(snap, Review("20xx", {}))
    assert "YYYY-MM" in bad.problem and bad.metrics == []


# ----- locked metrics --------------------------------------------------------------------


def test_change_metric_needs_a_reason_and_is_audited(demo: Workspace) -> None:
    before = counts(demo)
    with pytest.raises(InputError, match="needs a reason"):
        engagements.change_metric(demo, DEMO_ENGAGEMENT, CONVERSION, {"target": 11.0}, "  ")
    assert counts(demo) == before
    engagements.change_metric(
        demo,
        DEMO_ENGAGEMENT,
        CONVERSION,
        {"target": "11", "target_date": "2027-09-30"},
        "Board agreed a later date",
    )
    m = engagements.load(demo, DEMO_ENGAGEMENT).metrics[0]
    assert (m.target, m.target_date) == (11.0, date(2027, 9, 30))
    with demo.engine.connect() as con:
        row = con.exec_driver_sql(
            "SELECT action, reason, before, after FROM audit_log WHERE entity = 'engagement_metric' ORDER BY id DESC"
        ).first()
    assert row is not None
    assert row.action == "metric changed after kickoff"
    assert row.reason == "Board agreed a later date"
    assert json.loads(row.before) == {"target": 12.0, "target_date": "2027-06-30"}
    assert json.loads(row.after) == {"target": 11.0, "target_date": "2027-09-30"}
    history = engagements.metric_changes(demo, DEMO_ENGAGEMENT)
    assert [(h[2], h[5]) for h in history] == [(CONVERSION, "Board agreed a later date")]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target": "twelve"}, "not a number"),
        ({"baseline": None}, "must be a number"),
        ({"direction": "sideways"}, "'up' or 'down'"),
        ({"target_date": "next year"}, "not a date"),
        ({"name": "Other"}, "cannot be changed"),
    ],
)
def test_change_metric_refuses_bad_values(
    demo: Workspace, changes: dict[str, object], message: str
) -> None:
    before = counts(demo)
    with pytest.raises(InputError, match=message):
        engagements.change_metric(demo, DEMO_ENGAGEMENT, CONVERSION, changes, "why not")
    assert counts(demo) == before


def test_change_metric_of_an_unknown_metric(demo: Workspace) -> None:
    with pytest.raises(InputError, match="no metric 'Revenue'"):
        engagements.change_metric(demo, DEMO_ENGAGEMENT, "Revenue", {"target": 1}, "why")


# ----- flags, milestones, production ----------------------------------------------------


ACK = "metrics_off_track:Lead-to-meeting conversion@2026-10"  # one acknowledgement per metric and month


def test_acknowledge_an_oversight_flag(demo: Workspace) -> None:
    with pytest.raises(InputError, match="rationale"):
        engagements.acknowledge_flag(demo, DEMO_ENGAGEMENT, ACK, " ")
    engagements.acknowledge_flag(
        demo, DEMO_ENGAGEMENT, ACK, "Plan agreed by phone", by="Ana"
    )
    with demo.engine.connect() as con:
        row = con.exec_driver_sql(
            "SELECT engagement_id, evaluation_id, vendor, rule, rationale, by FROM flag_ack"
        ).one()
    assert row.evaluation_id is None and row.engagement_id is not None
    assert (row.vendor, row.rule, row.rationale, row.by) == (
        VENDOR,
        ACK,
        "Plan agreed by phone",
        "Ana",
    )
    f = engagements.oversight(demo, DEMO_ENGAGEMENT).flags[0]
    assert f.acknowledged and f.acknowledgement is not None and f.acknowledgement.by == "Ana"
    assert (
        engagements.oversight(demo, DEMO_ENGAGEMENT).to_json()["flags"][0]["acknowledged"] is True
    )  # type: ignore[index]
    engagements.acknowledge_flag(
        demo, DEMO_ENGAGEMENT, ACK, "Changed my mind", by="Ana"
    )
    assert count(demo, "flag_ack") == 1
    engagements.withdraw_acknowledgement(demo, DEMO_ENGAGEMENT, ACK)
    assert count(demo, "flag_ack") == 0
    assert not engagements.oversight(demo, DEMO_ENGAGEMENT).flags[0].acknowledged


def test_milestones_and_production_date(demo: Workspace) -> None:
    first = "Data assessment and deduplication rules signed off"
    engagements.set_milestone_reached(demo, DEMO_ENGAGEMENT, first, date(2026, 7, 28))
    o = engagements.oversight(demo, DEMO_ENGAGEMENT, today=date(2026, 11, 15))
    assert o.milestones[0].state.value == "reached"
    with pytest.raises(InputError, match="no milestone"):
        engagements.set_milestone_reached(demo, DEMO_ENGAGEMENT, "Nope", None)
    with pytest.raises(InputError, match="before kickoff"):
        engagements.set_production_date(demo, DEMO_ENGAGEMENT, date(2026, 1, 1))
    engagements.set_production_date(demo, DEMO_ENGAGEMENT, date(2027, 1, 1))
    o = engagements.oversight(demo, DEMO_ENGAGEMENT, today=date(2027, 3, 1))
    assert o.timeline.actual_months == pytest.approx(6.0, abs=0.1)
    assert o.timeline.late


# ----- the exchange file's engagement block ---------------------------------------------


def test_the_engagement_block_round_trips_losslessly(workspace: Workspace, tmp_path: Any) -> None:
    transfer.import_file(workspace, data_dir() / "demo.json")
    out = tmp_path / "out.json"
    transfer.export_file(workspace, DEMO_EVALUATION, out)
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["engagement"] == demo_json()["engagement"]
    # And the exported file imports again into another workspace, giving the same oversight.
    from app.store.workspace import open_workspace

    other = open_workspace(tmp_path / "other")
    try:
        transfer.import_file(other, out)
        assert (
            engagements.oversight(other, DEMO_ENGAGEMENT).to_json()
            == engagements.oversight(workspace, DEMO_ENGAGEMENT).to_json()
        )
    finally:
        other.close()


def test_an_acknowledgement_covers_only_its_metric_and_month(demo: Workspace) -> None:
    from app.domain.oversight import Review

    engagements.acknowledge_flag(demo, DEMO_ENGAGEMENT, ACK, "Plan agreed by phone", by="Ana")
    # November: conversion off track again, no plan → a new flag, not covered by October's note.
    engagements.save_review(demo, DEMO_ENGAGEMENT, Review("2026-12", {"Lead-to-meeting conversion": 8.5, "Time to first touch": 7.0}))
    flags = {f.subject: f for f in engagements.oversight(demo, DEMO_ENGAGEMENT).flags}
    assert flags["Lead-to-meeting conversion@2026-10"].acknowledged
    assert not flags["Lead-to-meeting conversion@2026-12"].acknowledged


def test_cost_overrun_on_the_demo_and_a_configurable_threshold(demo: Workspace) -> None:
    from app.domain.oversight import Money

    for bad in (-0.1, 5.01, float("nan")):  # the dashboard's range, 0 to 500 %
        with pytest.raises(InputError, match="cost threshold must be a share from 0 to 5"):
            engagements.set_cost_threshold(demo, DEMO_ENGAGEMENT, bad)
    # December: 60,000 more makes 183,000 against the whole quote of 145,000: 26 % over.
    engagements.save_review(demo, DEMO_ENGAGEMENT, Review("2026-12", {CONVERSION: 9.5}, spend=Money(60_000, "USD")))
    o = engagements.oversight(demo, DEMO_ENGAGEMENT, today=date(2026, 12, 31))
    (flag,) = [f for f in o.flags if f.rule == "cost_overrun"]
    assert "183,000 USD by 2026-12" in flag.evidence[0] and "the limit is 25 %" in flag.evidence[0]
    assert "Monthly spend grew 107 % from 2026-08" in flag.evidence[1]  # promised 30 % at most
    engagements.set_cost_threshold(demo, DEMO_ENGAGEMENT, 0.30)
    o = engagements.oversight(demo, DEMO_ENGAGEMENT, today=date(2026, 12, 31))
    (flag,) = [f for f in o.flags if f.rule == "cost_overrun"]
    assert len(flag.evidence) == 1  # within 30 %: only the growth is left

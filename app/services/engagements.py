"""Oversee: engagements with locked metrics, monthly reviews, status and off-track flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from app.domain.errors import DomainError
from app.domain.flags import RedFlag
from app.domain.models import Direction, Milestone, SuccessMetric
from app.domain.oversight import (
    MetricTrack,
    Review,
    TimelineComparison,
    compare_timeline,
    off_track_flags,
    track,
    validate_reviews,
)
from app.services.errors import InputError, NotFound
from app.store import repo
from app.store.tables import (
    EngagementMetricRow,
    EngagementMilestoneRow,
    EngagementRow,
    MonthlyReviewRow,
    ReviewActualRow,
)
from app.store.workspace import Workspace, current_user


@dataclass
class EngagementSnapshot:
    id: int
    name: str
    vendor: str
    use_case_title: str
    kickoff: date
    promised_months: float | None
    production_date: date | None
    metrics: list[SuccessMetric]
    milestones: list[tuple[Milestone, date | None]]
    reviews: list[Review]
    evaluation_id: int | None = None


@dataclass
class Oversight:
    engagement: EngagementSnapshot
    tracks: list[MetricTrack]
    flags: list[RedFlag]
    timeline: TimelineComparison
    acknowledged: dict[tuple[str, str], object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        from app.domain.evaluation import flag_json

        return {
            "engagement": self.engagement.name,
            "metrics": [
                {
                    "name": t.metric.name,
                    "reviews": [
                        {"month": p.month, "actual": p.actual, "expected": p.expected, "status": p.status.value}
                        for p in t.points
                    ],
                }
                for t in self.tracks
            ],
            "flags": [flag_json(f) for f in self.flags],
        }


def _row(s: Session, ref: str | int) -> EngagementRow:
    row = None
    if isinstance(ref, int) or str(ref).isdigit():
        row = s.get(EngagementRow, int(ref))
    if row is None:
        row = s.exec(select(EngagementRow).where(EngagementRow.name == str(ref))).first()
    if row is None:
        raise NotFound(f"there is no engagement named {ref!r}")
    return row


def list_engagements(ws: Workspace) -> list[tuple[int, str, str]]:
    with ws.session() as s:
        return [(e.id or 0, e.name, e.vendor) for e in s.exec(select(EngagementRow).order_by(EngagementRow.id)).all()]


def create_engagement(
    ws: Workspace,
    name: str,
    vendor: str,
    kickoff: date,
    metrics: list[SuccessMetric],
    promised_months: float | None = None,
    milestones: list[Milestone] | None = None,
    use_case_title: str = "",
    evaluation_id: int | None = None,
    actor: str | None = None,
    session: Session | None = None,
) -> int:
    """Lock the metrics at kickoff; they change later only with a reason (audit log)."""
    if not name.strip():
        raise InputError("an engagement needs a name")
    if not metrics:
        raise InputError("an engagement needs at least one success metric agreed before kickoff")
    for m in metrics:
        if m.baseline is None or m.target is None:
            raise InputError(f"metric {m.name!r} needs a baseline and a target before kickoff")

    def work(s: Session) -> int:
        if s.exec(select(EngagementRow).where(EngagementRow.name == name.strip())).first():
            raise InputError(f"an engagement named {name.strip()!r} already exists")
        row = EngagementRow(
            name=name.strip(), vendor=vendor, kickoff=kickoff, promised_months=promised_months,
            use_case_title=use_case_title, evaluation_id=evaluation_id,
        )
        s.add(row)
        s.flush()
        assert row.id is not None
        for i, m in enumerate(metrics):
            assert m.baseline is not None and m.target is not None
            s.add(EngagementMetricRow(
                engagement_id=row.id, name=m.name, unit=m.unit, baseline=m.baseline, target=m.target,
                direction=m.direction.value, target_date=m.target_date, method=m.method, owner=m.owner, position=i,
            ))
        for i, ms in enumerate(milestones or []):
            s.add(EngagementMilestoneRow(engagement_id=row.id, name=ms.name, month=ms.month, position=i))
        repo.audit(s, actor or current_user(), "engagement created (metrics locked)", "engagement", row.id,
                   after={"vendor": vendor, "kickoff": kickoff.isoformat(), "metrics": [m.name for m in metrics]})
        return row.id

    if session is not None:
        return work(session)
    with ws.session() as s:
        return work(s)


def snapshot_in(s: Session, row: EngagementRow) -> EngagementSnapshot:
    metrics = s.exec(select(EngagementMetricRow).where(EngagementMetricRow.engagement_id == row.id).order_by(EngagementMetricRow.position)).all()
    by_id = {m.id: m.name for m in metrics}
    ms = s.exec(select(EngagementMilestoneRow).where(EngagementMilestoneRow.engagement_id == row.id).order_by(EngagementMilestoneRow.position)).all()
    reviews = []
    for r in s.exec(select(MonthlyReviewRow).where(MonthlyReviewRow.engagement_id == row.id).order_by(MonthlyReviewRow.month)).all():
        actuals = {by_id[a.metric_id]: a.value for a in s.exec(select(ReviewActualRow).where(ReviewActualRow.review_id == r.id)).all()}
        reviews.append(Review(r.month, actuals, r.blockers, r.decisions_needed, r.recovery_plan))
    return EngagementSnapshot(
        id=row.id or 0,
        name=row.name,
        vendor=row.vendor,
        use_case_title=row.use_case_title,
        kickoff=row.kickoff,
        promised_months=row.promised_months,
        production_date=row.production_date,
        metrics=[SuccessMetric(m.name, m.unit, m.baseline, m.target, Direction(m.direction), m.target_date, m.method, m.owner) for m in metrics],
        milestones=[(Milestone(m.name, m.month), m.reached_on) for m in ms],
        reviews=reviews,
        evaluation_id=row.evaluation_id,
    )


def load(ws: Workspace, ref: str | int) -> EngagementSnapshot:
    with ws.session() as s:
        return snapshot_in(s, _row(s, ref))


def oversight(ws: Workspace, ref: str | int, today: date | None = None) -> Oversight:
    with ws.session() as s:
        row = _row(s, ref)
        snap = snapshot_in(s, row)
        acks = repo.acknowledgements(s, engagement_id=row.id)
    flags = off_track_flags(snap.kickoff, snap.metrics, snap.reviews, snap.vendor)
    from app.domain.flags import RedFlag as _RF

    flags = [_RF(f.rule, f.severity, f.message, f.evidence, f.vendor, acks.get((f.vendor, f.rule))) for f in flags]
    timeline = compare_timeline(snap.kickoff, snap.promised_months, snap.production_date, today or date.today())
    return Oversight(snap, track(snap.kickoff, snap.metrics, snap.reviews), flags, timeline)


def save_review(ws: Workspace, ref: str | int, review: Review, replace: bool = False, actor: str | None = None) -> None:
    """Record a monthly review; a month before kickoff, a second review of a month, an unknown
    metric or a missing value are refused and nothing is saved."""
    with ws.session() as s:
        row = _row(s, ref)
        snap = snapshot_in(s, row)
        others = [r for r in snap.reviews if not (replace and r.month == review.month)]
        try:
            validate_reviews(snap.kickoff, snap.metrics, [*others, review])
        except DomainError as exc:
            raise InputError(str(exc)) from None
        metric_ids = {
            m.name: m.id
            for m in s.exec(select(EngagementMetricRow).where(EngagementMetricRow.engagement_id == row.id)).all()
        }
        existing = s.exec(select(MonthlyReviewRow).where(MonthlyReviewRow.engagement_id == row.id, MonthlyReviewRow.month == review.month)).first()
        if existing is not None:
            s.delete(existing)
            s.flush()
        r = MonthlyReviewRow(engagement_id=row.id or 0, month=review.month, blockers=review.blockers,
                             decisions_needed=review.decisions_needed, recovery_plan=review.recovery_plan)
        s.add(r)
        s.flush()
        for name, value in review.actuals.items():
            if value is None:
                continue
            s.add(ReviewActualRow(review_id=r.id or 0, metric_id=metric_ids[name] or 0, value=float(value)))
        repo.audit(s, actor or current_user(), "review saved", "engagement", row.id,
                   after={"month": review.month, "actuals": dict(review.actuals)})


def change_metric(ws: Workspace, ref: str | int, metric: str, changes: dict[str, object], reason: str, actor: str | None = None) -> None:
    """Change a locked metric after kickoff: needs a reason, recorded with before and after."""
    if not reason.strip():
        raise InputError("changing a metric after kickoff needs a reason")
    allowed = {"unit", "baseline", "target", "direction", "target_date", "method", "owner"}
    with ws.session() as s:
        row = _row(s, ref)
        m = s.exec(select(EngagementMetricRow).where(EngagementMetricRow.engagement_id == row.id, EngagementMetricRow.name == metric)).first()
        if m is None:
            raise InputError(f"there is no metric {metric!r} in this engagement")
        before = {k: _plain(getattr(m, k)) for k in changes}
        for k, v in changes.items():
            if k not in allowed:
                raise InputError(f"{k!r} cannot be changed")
            setattr(m, k, v)
        s.add(m)
        repo.audit(s, actor or current_user(), "metric changed after kickoff", "engagement_metric", m.id,
                   before=before, after={k: _plain(v) for k, v in changes.items()}, reason=reason.strip())


def set_milestone_reached(ws: Workspace, ref: str | int, milestone: str, reached_on: date | None) -> None:
    with ws.session() as s:
        row = _row(s, ref)
        m = s.exec(select(EngagementMilestoneRow).where(EngagementMilestoneRow.engagement_id == row.id, EngagementMilestoneRow.name == milestone)).first()
        if m is None:
            raise InputError(f"there is no milestone {milestone!r}")
        m.reached_on = reached_on
        s.add(m)
        repo.audit(s, current_user(), "milestone updated", "engagement", row.id, after={"milestone": milestone, "reached_on": _plain(reached_on)})


def _plain(v: object) -> object:
    if isinstance(v, date | datetime):
        return v.isoformat()
    return v

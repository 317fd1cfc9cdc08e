"""Oversee: engagements with locked metrics, monthly reviews, status and off-track flags.

Reading an engagement (`load`, `oversight`, `list_engagements`) goes through app.store.reader,
without SQLAlchemy: `diligence oversight` and `diligence review-report` only read, on a folder and
on a team server alike (docs/performance.md). The functions that write import the ORM where they
run, so importing this module costs none of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from app.domain.conversations import (
    COST_THRESHOLD_MAX_PERCENT,
    Conversation,
    Promises,
    Retrospective,
    Situation,
    promises_from,
    retrospective,
    situation,
)
from app.domain.errors import DomainError
from app.domain.evaluation import Results
from app.domain.flags import Acknowledgement, RedFlag
from app.domain.merge import Conflict
from app.domain.models import Direction, Milestone, Severity, SuccessMetric
from app.domain.oversight import (
    MetricTrack,
    MilestoneProgress,
    Review,
    Status,
    TimelineComparison,
    compare_timeline,
    default_review_month,
    milestones_as_of,
    month_end,
    off_track_flags,
    parse_actual,
    plan_required,
    status,
    track,
    validate_reviews,
)
from app.domain.wording import plural
from app.services.concurrency import conflict, retry_overtaken
from app.services.errors import InputError, NotFound
from app.store.reader import NoSuchEngagement, Reader, promises_of, reading, row_id
from app.store.workspace import Workspace, current_user

if TYPE_CHECKING:
    from sqlmodel import Session

    from app.store.tables import EngagementRow, MonthlyReviewRow


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
    promises: Promises = field(default_factory=Promises)


@dataclass
class Oversight:
    engagement: EngagementSnapshot
    tracks: list[MetricTrack]
    flags: list[RedFlag]
    timeline: TimelineComparison
    acknowledged: dict[tuple[str, str], object] = field(default_factory=dict)
    milestones: list[MilestoneProgress] = field(default_factory=list)
    situation: Situation | None = None
    retrospective: Retrospective | None = None

    @property
    def conversation(self) -> Conversation:
        return self.situation.conversation if self.situation else Conversation.ON_TRACK

    def to_json(self) -> dict[str, object]:
        from app.domain.evaluation import flag_json

        return {
            "engagement": self.engagement.name,
            "conversation": self.conversation.value,
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
            "milestones": [
                {
                    "name": ms.name,
                    "due_month": ms.promised_month,
                    "due": ms.due.isoformat() if ms.due else None,
                    "reached_on": ms.reached_on.isoformat() if ms.reached_on else None,
                    "state": ms.state.value,
                    "months_late": ms.months_late,
                }
                for ms in self.milestones
            ],
            "flags": [flag_json(f) for f in self.flags],
            "retrospective": self.retrospective.to_json() if self.retrospective else None,
        }


def _row(s: Session, ref: str | int) -> EngagementRow:
    from sqlmodel import select

    from app.store.tables import EngagementRow

    number = row_id(ref)
    row = None if number is None else s.get(EngagementRow, number)
    if row is None:
        row = s.exec(select(EngagementRow).where(EngagementRow.name == str(ref))).first()
    if row is None:
        raise NotFound(f"there is no engagement named {ref!r}")
    return row


def list_engagements(ws: Workspace) -> list[tuple[int, str, str]]:
    with reading(ws) as r:
        return r.engagements()


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
    promises: Promises | None = None,
    reached: list[date | None] | None = None,
) -> int:
    """Lock the metrics at kickoff; they change later only with a reason (audit log)."""
    from sqlmodel import select

    from app.store import repo
    from app.store.tables import EngagementMetricRow, EngagementMilestoneRow, EngagementRow

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
        p = promises or Promises()
        row = EngagementRow(
            name=name.strip(), vendor=vendor, kickoff=kickoff, promised_months=promised_months,
            use_case_title=use_case_title, evaluation_id=evaluation_id,
            quote_amount=p.quote.amount if p.quote else None, quote_currency=p.quote.currency if p.quote else "",
            cost_growth_pct=p.cost_growth_pct, cost_threshold=p.cost_threshold,
            adoption_promises=[list(x) for x in p.adoption],
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
            on = reached[i] if reached is not None and i < len(reached) else None
            s.add(EngagementMilestoneRow(engagement_id=row.id, name=ms.name, month=ms.month, reached_on=on, position=i))
        repo.audit(s, actor or current_user(), "engagement created (metrics locked)", "engagement", row.id,
                   after={"vendor": vendor, "kickoff": kickoff.isoformat(), "metrics": [m.name for m in metrics]})
        return row.id

    if session is not None:
        return work(session)
    with ws.session() as s:
        return work(s)


def _snapshot(r: Reader, row: Any) -> EngagementSnapshot:
    """The engagement `row` (a Reader's row, or an ORM row) with its metrics, milestones and reviews."""
    metrics = r.engagement_metrics(row.id)
    return EngagementSnapshot(
        id=row.id,
        name=row.name,
        vendor=row.vendor,
        use_case_title=row.use_case_title,
        kickoff=row.kickoff,
        promised_months=row.promised_months,
        production_date=row.production_date,
        metrics=list(metrics.values()),
        milestones=r.engagement_milestones(row.id),
        reviews=r.monthly_reviews(row.id, {i: m.name for i, m in metrics.items()}),
        evaluation_id=row.evaluation_id,
        promises=promises_of(row),
    )


def _read(r: Reader, ref: str | int) -> EngagementSnapshot:
    try:
        return _snapshot(r, r.engagement(ref))
    except NoSuchEngagement:
        raise NotFound(f"there is no engagement named {ref!r}") from None


def snapshot_in(s: Session, row: EngagementRow) -> EngagementSnapshot:
    """The engagement as the write transaction `s` sees it (the same queries as `load`)."""
    from app.store import repo

    return _snapshot(repo.session_reader(s), row)


def load(ws: Workspace, ref: str | int) -> EngagementSnapshot:
    with reading(ws) as r:
        return _read(r, ref)


def oversight(ws: Workspace, ref: str | int, today: date | None = None, month: str | None = None) -> Oversight:
    """Status, flags and promises of an engagement as of `today`, or, given `month`, as of that
    month's last day with only the reviews up to it (how the month's review read at the time)."""
    with reading(ws) as r:
        snap = _read(r, ref)
        acks = r.acknowledgements(engagement_id=snap.id)
    return oversight_of(ws, snap, acks, today, month)


def oversight_of(ws: Workspace, snap: EngagementSnapshot, acks: dict[tuple[str, str], Acknowledgement],
                 today: date | None = None, month: str | None = None) -> Oversight:
    """`oversight` of an engagement already read, `acks` its acknowledged flags ((vendor, rule) →
    acknowledgement); `ws` is read only for the section scores of the evaluation it came from."""
    if month is not None:
        try:
            today = month_end(month)
        except DomainError as exc:
            raise InputError(str(exc)) from None
        snap = replace(snap, reviews=[r for r in snap.reviews if r.month <= month])
        if snap.production_date is not None and snap.production_date > today:
            snap = replace(snap, production_date=None)
    today = today or date.today()
    now = situation(snap.kickoff, snap.metrics, snap.reviews, snap.milestones, snap.promised_months,
                    snap.promises, snap.vendor, today)
    flags = [
        replace(f, acknowledgement=acks.get(f.key))
        for f in [*off_track_flags(snap.kickoff, snap.metrics, snap.reviews, snap.vendor), *now.flags]
    ]
    flags.sort(key=lambda f: f.severity.rank)
    timeline = compare_timeline(snap.kickoff, snap.promised_months, snap.production_date, today)
    milestones = milestones_as_of(snap.kickoff, snap.milestones, today)
    retro = retrospective(snap.kickoff, snap.promised_months, snap.production_date, today, snap.reviews, now,
                          snap.promises, _section_scores(ws, snap))
    return Oversight(snap, track(snap.kickoff, snap.metrics, snap.reviews), flags, timeline, milestones=milestones,
                     situation=now, retrospective=retro)


def _section_scores(ws: Workspace, snap: EngagementSnapshot) -> list[tuple[str, float | None]]:
    """The chosen vendor's section scores in the evaluation it was selected from (none if gone)."""
    if snap.evaluation_id is None:
        return []
    from app.services.reading import score  # without the ORM, as the rest of `oversight` reads

    try:
        results = score(ws, snap.evaluation_id, with_sensitivity=False)
    except NotFound:
        return []
    mine = next((v for v in results.ranking if v.vendor == snap.vendor), None)
    return list(mine.sections.items()) if mine else []


def save_review(ws: Workspace, ref: str | int, review: Review, replace: bool = False, actor: str | None = None) -> None:
    """Record a monthly review; a month before kickoff, a second review of a month, an unknown
    metric or a missing value are refused and nothing is saved."""
    import dataclasses  # `replace` is this function's flag here

    from sqlmodel import select

    from app.store import repo
    from app.store.tables import EngagementMetricRow, MonthlyReviewRow

    review = dataclasses.replace(review, month=review.month.strip())  # validated stripped, so stored stripped
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
        write_review(s, row.id or 0, review, metric_ids)
        repo.audit(s, actor or current_user(), "review saved", "engagement", row.id,
                   after={"month": review.month, "actuals": dict(review.actuals)})


def write_review(s: Session, engagement_id: int, review: Review, metric_ids: dict[str, int | None]) -> MonthlyReviewRow:
    """The rows of one review: the review, its actuals and its decisions (save and import share this)."""
    from app.store.tables import MonthlyReviewRow, ReviewActualRow, ReviewDecisionRow

    r = MonthlyReviewRow(
        engagement_id=engagement_id, month=review.month, blockers=review.blockers,
        decisions_needed=review.decisions_needed, recovery_plan=review.recovery_plan,
        minutes=review.minutes, explained=review.explained,
        spend_amount=review.spend.amount if review.spend else None,
        spend_currency=review.spend.currency if review.spend else "",
    )
    s.add(r)
    s.flush()
    for name, value in review.actuals.items():
        if value is not None:
            s.add(ReviewActualRow(review_id=r.id or 0, metric_id=metric_ids[name] or 0, value=float(value)))
    for i, d in enumerate(review.decisions):
        s.add(ReviewDecisionRow(review_id=r.id or 0, text=d.text, owner=d.owner, due=d.due, decided_on=d.decided_on, position=i))
    return r


def set_decided(ws: Workspace, ref: str | int, month: str, index: int, decided_on: date | None, actor: str | None = None) -> None:
    """Record that a decision raised in `month`'s review was taken (or, with None, that it is open again)."""
    from sqlmodel import col, select

    from app.store import repo
    from app.store.tables import MonthlyReviewRow, ReviewDecisionRow

    with ws.session() as s:
        row = _row(s, ref)
        review = s.exec(select(MonthlyReviewRow).where(MonthlyReviewRow.engagement_id == row.id, MonthlyReviewRow.month == month)).first()
        if review is None:
            raise InputError(f"there is no review for {month!r}")
        decisions = s.exec(select(ReviewDecisionRow).where(ReviewDecisionRow.review_id == review.id).order_by(col(ReviewDecisionRow.position))).all()
        if not 0 <= index < len(decisions):
            raise InputError(f"the {month} review has no decision number {index + 1}")
        d = decisions[index]
        before = _plain(d.decided_on)
        d.decided_on = decided_on
        s.add(d)
        repo.audit(s, actor or current_user(), "decision updated", "engagement", row.id,
                   before={"decision": d.text, "decided_on": before}, after={"decided_on": _plain(decided_on)})


def _check_field(row: EngagementRow, field: str, words: str, base: object, mine: object) -> None:
    """Refuse a change of one engagement field that someone else changed since `base` was read."""
    theirs = getattr(row, field)
    if base is not _UNSEEN and theirs != base and theirs != mine:
        raise conflict(f"The engagement {row.name!r}", [Conflict(field, theirs, mine)], {field: words},
                       theirs=theirs, merged=mine)


_UNSEEN = object()  # no `base` given: the caller did not say what it read


@retry_overtaken(lambda ws, ref, *_a, **_kw: f"The engagement {ref!r}")
def set_cost_threshold(ws: Workspace, ref: str | int, threshold: float, actor: str | None = None,
                       base: object = _UNSEEN) -> float:
    """How far (a share, 0.25 = 25 %) cumulative spend may run over the quote pro rata before cost_overrun.
    Returns the threshold it replaced.

    `base`: the threshold as the person saw it; one changed meanwhile elsewhere is an EditConflict."""
    from app.store import repo

    if not math.isfinite(threshold) or not 0 <= threshold <= COST_THRESHOLD_MAX_PERCENT / 100:
        raise InputError(f"the cost threshold must be a share from 0 to {COST_THRESHOLD_MAX_PERCENT / 100:g}, "
                         "e.g. 0.25 for 25 %")
    with ws.session() as s:
        row = _row(s, ref)
        repo.claim(s, row)
        _check_field(row, "cost_threshold", "cost threshold", base, threshold)
        before = row.cost_threshold
        row.cost_threshold = threshold
        s.add(row)
        repo.audit(s, actor or current_user(), "cost threshold changed", "engagement", row.id,
                   before={"cost_threshold": before}, after={"cost_threshold": threshold})
    return before


_CHANGEABLE = ("unit", "baseline", "target", "direction", "target_date", "method", "owner")


def _metric_value(key: str, value: object) -> object:
    """Check one changed field of a locked metric; a bad value is refused with a clear message."""
    if key in ("baseline", "target"):
        if isinstance(value, str):
            try:
                parsed = parse_actual(value)
            except DomainError as exc:
                raise InputError(f"the {key}: {exc}") from None
            value = parsed
        if value is None or isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InputError(f"the {key} must be a number")
        return float(value)
    if key == "direction":
        try:
            return Direction(str(value).strip().lower()).value
        except ValueError:
            raise InputError("the direction must be 'up' or 'down'") from None
    if key == "target_date":
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip()) if value.strip() else None
            except ValueError:
                raise InputError(f"{value!r} is not a date (YYYY-MM-DD)") from None
        if value is not None and not isinstance(value, date):
            raise InputError("the target date must be a date")
        return value
    return "" if value is None else str(value)


_METRIC_WORDS = {"unit": "unit", "baseline": "baseline", "target": "target", "direction": "direction",
                 "target_date": "target date", "method": "method", "owner": "owner"}


@retry_overtaken(lambda ws, ref, metric, *_a, **_kw: f"The metric {metric!r}")
def change_metric(ws: Workspace, ref: str | int, metric: str, changes: dict[str, object], reason: str,
                  actor: str | None = None, base: dict[str, object] | None = None) -> None:
    """Change a locked metric after kickoff: needs a reason, recorded with before and after.

    With `base` (each changed field as the person saw it) a field saved meanwhile by someone
    else with another value is refused with an EditConflict showing both values.
    """
    from sqlmodel import select

    from app.store import repo
    from app.store.tables import EngagementMetricRow

    if not reason.strip():
        raise InputError("changing a metric after kickoff needs a reason")
    for k in changes:
        if k not in _CHANGEABLE:
            raise InputError(f"{k!r} cannot be changed")
    clean = {k: _metric_value(k, v) for k, v in changes.items()}
    with ws.session() as s:
        row = _row(s, ref)
        m = s.exec(select(EngagementMetricRow).where(EngagementMetricRow.engagement_id == row.id, EngagementMetricRow.name == metric)).first()
        if m is None:
            raise InputError(f"there is no metric {metric!r} in this engagement")
        repo.claim(s, m)
        before = {k: _plain(getattr(m, k)) for k in clean}
        if base is not None:
            seen = {k: _plain(_metric_value(k, base[k])) for k in clean if k in base}
            clashes = [Conflict(k, before[k], _plain(v)) for k, v in clean.items()
                       if k in seen and before[k] != seen[k] and before[k] != _plain(v)]
            if clashes:
                raise conflict(f"The metric {metric!r}", clashes, _METRIC_WORDS, theirs=before, merged=changes)
        for k, v in clean.items():
            setattr(m, k, v)
        s.add(m)
        repo.audit(s, actor or current_user(), "metric changed after kickoff", "engagement_metric", m.id,
                   before=before, after={k: _plain(v) for k, v in clean.items()}, reason=reason.strip())


def metric_changes(ws: Workspace, ref: str | int) -> list[tuple[str, str, str, dict[str, object], dict[str, object], str]]:
    """The audit trail of locked-metric changes: (when, who, metric, before, after, reason)."""
    from sqlmodel import col, select

    from app.store import repo
    from app.store.tables import AuditRow, EngagementMetricRow

    with ws.session() as s:
        row = _row(s, ref)
        names = {
            str(m.id): m.name
            for m in s.exec(select(EngagementMetricRow).where(EngagementMetricRow.engagement_id == row.id)).all()
        }
        rows = s.exec(
            select(AuditRow)
            .where(AuditRow.entity == "engagement_metric", AuditRow.entity_id.in_(list(names)))  # type: ignore[attr-defined]
            .order_by(col(AuditRow.id))
        ).all()
        return [
            (repo.iso(a.at) or "", a.actor, names[a.entity_id], dict(a.before or {}), dict(a.after or {}), a.reason)
            for a in rows
        ]


def set_milestone_reached(ws: Workspace, ref: str | int, milestone: str, reached_on: date | None) -> None:
    from sqlmodel import select

    from app.store import repo
    from app.store.tables import EngagementMilestoneRow

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


@retry_overtaken(lambda ws, ref, *_a, **_kw: f"The engagement {ref!r}")
def set_production_date(ws: Workspace, ref: str | int, production_date: date | None, actor: str | None = None,
                        base: object = _UNSEEN) -> None:
    """The day the solution went live, compared with the vendor's promised kickoff-to-production months.

    `base`: the date as the person saw it; one changed meanwhile elsewhere is an EditConflict."""
    from app.store import repo

    with ws.session() as s:
        row = _row(s, ref)
        repo.claim(s, row)
        _check_field(row, "production_date", "production date", base, production_date)
        if production_date is not None and production_date < row.kickoff:
            raise InputError(f"production cannot start before kickoff ({row.kickoff.isoformat()})")
        before = _plain(row.production_date)
        row.production_date = production_date
        s.add(row)
        repo.audit(s, actor or current_user(), "production date set", "engagement", row.id,
                   before={"production_date": before}, after={"production_date": _plain(production_date)})


# ----- reviews -------------------------------------------------------------------------------


def read_actuals(metrics: list[SuccessMetric], typed: dict[str, str]) -> dict[str, float | None]:
    """Actuals as a person typed them, checked: an unknown metric or a non-number is refused."""
    names = {m.name for m in metrics}
    out: dict[str, float | None] = {}
    for name, text in typed.items():
        if name not in names:
            raise InputError(f"there is no metric {name!r} in this engagement")
        try:
            out[name] = parse_actual(text)
        except DomainError as exc:
            raise InputError(f"the actual for {name!r}: {exc}") from None
    return out


@dataclass(frozen=True)
class MetricPreview:
    name: str
    unit: str
    actual: float | None
    expected: float
    status: Status
    history: list[tuple[str, float | None]]  # earlier months' actuals, oldest first (the small trend)


@dataclass(frozen=True)
class ReviewPreview:
    month: str
    metrics: list[MetricPreview]
    plan_required_for: list[str]  # metrics off track for the second review running
    problem: str = ""  # why this review cannot be saved, or ""
    conversation: Conversation = Conversation.ON_TRACK  # as the month would read with this review

    @property
    def plan_missing(self) -> bool:
        return bool(self.plan_required_for)


def preview_review(snapshot: EngagementSnapshot, review: Review, replace: bool = False) -> ReviewPreview:
    """What a review being typed would record: each metric's expected value and status, and
    whether a recovery plan is now required. Pure: the form calls this on every keystroke."""
    others = [r for r in snapshot.reviews if not (replace and r.month == review.month)]
    problem = ""
    try:
        validate_reviews(snapshot.kickoff, snapshot.metrics, [*others, review])
    except DomainError as exc:
        problem = str(exc)
    metrics: list[MetricPreview] = []
    required: list[str] = []
    try:
        for m in snapshot.metrics:
            expected, st = status(m, snapshot.kickoff, review.month, review.actuals.get(m.name))
            history = [(r.month, r.actuals.get(m.name)) for r in others if r.month < review.month]
            metrics.append(MetricPreview(m.name, m.unit, review.actuals.get(m.name), expected, st, history))
        required = plan_required(snapshot.kickoff, snapshot.metrics, others, review)
        upto = [*(r for r in others if r.month < review.month), review]
        talk = situation(snapshot.kickoff, snapshot.metrics, upto, snapshot.milestones, snapshot.promised_months,
                         snapshot.promises, snapshot.vendor).conversation
    except DomainError as exc:  # a malformed month: nothing to compute yet
        problem = problem or str(exc)
        metrics = []
        talk = Conversation.ON_TRACK
    return ReviewPreview(review.month, metrics, required, problem, talk)


def default_month(snapshot: EngagementSnapshot) -> str:
    return default_review_month(snapshot.kickoff, [r.month for r in snapshot.reviews])


def get_review(ws: Workspace, ref: str | int, month: str) -> Review | None:
    for r in load(ws, ref).reviews:
        if r.month == month:
            return r
    return None


def check_review(ws: Workspace, ref: str | int, review: Review, replace: bool = False) -> None:
    """Raise InputError when `save_review` would refuse this review (the form shows it inline)."""
    snap = load(ws, ref)
    others = [r for r in snap.reviews if not (replace and r.month == review.month)]
    try:
        validate_reviews(snap.kickoff, snap.metrics, [*others, review])
    except DomainError as exc:
        raise InputError(str(exc)) from None


def delete_review(ws: Workspace, ref: str | int, month: str, actor: str | None = None) -> Review | None:
    """Remove one month's review (undoing a save); returns what was removed."""
    from sqlmodel import select

    from app.store import repo
    from app.store.tables import MonthlyReviewRow

    with ws.session() as s:
        row = _row(s, ref)
        existing = s.exec(select(MonthlyReviewRow).where(MonthlyReviewRow.engagement_id == row.id, MonthlyReviewRow.month == month)).first()
        if existing is None:
            return None
        removed = next((r for r in snapshot_in(s, row).reviews if r.month == month), None)
        s.delete(existing)
        repo.audit(s, actor or current_user(), "review deleted", "engagement", row.id,
                   before={"month": month, "actuals": dict(removed.actuals) if removed else {}})
        return removed


# ----- acknowledging oversight flags ---------------------------------------------------------


def acknowledge_flag(ws: Workspace, engagement: str | int, rule: str, rationale: str, by: str | None = None) -> None:
    """Keep an oversight flag visible as acknowledged, with the written rationale, who and when."""
    from sqlmodel import select

    from app.store import repo
    from app.store.tables import FlagAckRow

    if not rationale.strip():
        raise InputError("an acknowledgement needs a written rationale")
    with ws.session() as s:
        row = _row(s, engagement)
        old = s.exec(select(FlagAckRow).where(FlagAckRow.engagement_id == row.id, FlagAckRow.vendor == row.vendor, FlagAckRow.rule == rule)).first()
        if old is not None:
            s.delete(old)
        who = by or current_user()
        s.add(FlagAckRow(engagement_id=row.id, vendor=row.vendor, rule=rule, rationale=rationale.strip(), by=who))
        repo.audit(s, who, "flag acknowledged", "flag", f"{row.name}/{row.vendor}/{rule}", after={"rationale": rationale.strip()})


def withdraw_acknowledgement(ws: Workspace, engagement: str | int, rule: str, by: str | None = None) -> None:
    from sqlmodel import select

    from app.store import repo
    from app.store.tables import FlagAckRow

    with ws.session() as s:
        row = _row(s, engagement)
        old = s.exec(select(FlagAckRow).where(FlagAckRow.engagement_id == row.id, FlagAckRow.vendor == row.vendor, FlagAckRow.rule == rule)).first()
        if old is None:
            return
        repo.audit(s, by or current_user(), "flag acknowledgement withdrawn", "flag", f"{row.name}/{row.vendor}/{rule}", before={"rationale": old.rationale})
        s.delete(old)


# ----- selecting the partner -----------------------------------------------------------------


@dataclass(frozen=True)
class PartnerProposal:
    """What "Select this partner" would lock at kickoff, shown before the engagement exists."""

    evaluation: str
    evaluation_id: int
    vendor: str
    use_case_title: str
    metrics: list[SuccessMetric]
    promised_months: float | None
    milestones: list[Milestone]
    default_name: str
    problems: list[str]  # why the engagement cannot be created yet (metrics without baseline/target …)
    promises: Promises = field(default_factory=Promises)
    # The vendor's open (unacknowledged) critical and high red flags: choosing it anyway takes a
    # written reason, kept in the audit log.
    serious_flags: list[RedFlag] = field(default_factory=list)
    # What to know before choosing: results still provisional, too close to call, not the leader.
    warnings: list[str] = field(default_factory=list)

    @property
    def needs_reason(self) -> bool:
        return bool(self.serious_flags)


def partner_proposal(ws: Workspace, evaluation_ref: str | int, vendor: str) -> PartnerProposal:
    from app.services.evaluations import evaluation_id, load_snapshot, results_for

    snap = load_snapshot(ws, evaluation_ref)
    try:
        v = snap.vendor(vendor)
    except KeyError:
        raise NotFound(f"there is no vendor {vendor!r} in this evaluation") from None
    results = results_for(snap)
    use_case = snap.use_case
    metrics = list(use_case.success_metrics) if use_case else []
    problems = _standing_problems(results, v.name)
    if use_case is None:
        problems.append("the evaluation has no use case, so there are no success metrics to lock")
    elif not metrics:
        problems.append(f"the use case {use_case.title!r} has no success metrics; agree them before kickoff")
    for m in metrics:
        missing = [w for w, x in (("baseline", m.baseline), ("target", m.target)) if x is None]
        if missing:
            problems.append(f"metric {m.name!r} has no {' and no '.join(missing)}; set it in Use cases before kickoff")
    title = use_case.title if use_case else ""
    return PartnerProposal(
        evaluation=snap.name,
        evaluation_id=evaluation_id(ws, evaluation_ref),
        vendor=v.name,
        use_case_title=title,
        metrics=metrics,
        promised_months=v.timeline.kickoff_to_production_months,
        milestones=list(v.timeline.milestones),
        default_name=f"{v.name} — {title}" if title else v.name,
        problems=problems,
        promises=promises_from(v, snap.answers, snap.bank.questions),
        serious_flags=[
            f
            for f in results.flags.get(v.name, [])
            if not f.acknowledged and f.severity in (Severity.CRITICAL, Severity.HIGH)
        ],
        warnings=_selection_warnings(results, v.name),
    )


def _standing_problems(results: Results, vendor: str) -> list[str]:
    """A vendor nobody has scored, or one knocked out, cannot be chosen."""
    row = next(r for r in results.ranking if r.vendor == vendor)
    if row.not_scored_yet:
        return [f"nobody has scored {vendor} yet"]
    if row.knocked_out:
        return [f"{vendor} is knocked out: " + "; ".join(row.knockout_reasons)]
    return []


def _selection_warnings(results: Results, vendor: str) -> list[str]:
    """What a person choosing `vendor` should know about the results it is chosen on."""
    from app.services.evaluation_view import submission_status

    _, waiting = submission_status(results.snapshot)
    if waiting:
        # Provisional results: say who is still scoring, never the values (blind scoring).
        who = " and ".join([", ".join(waiting[:-1]), waiting[-1]] if len(waiting) > 1 else waiting)
        verb = "has" if len(waiting) == 1 else "have"
        return [f"The results are provisional: {who} {verb} not submitted their scoring yet, so the ranking may still change."]
    out = []
    ranked = [r for r in results.ranking if r.rank is not None and not r.knocked_out]
    row = next(r for r in results.ranking if r.vendor == vendor)
    sens = results.sensitivity
    top_two = {r.vendor for r in ranked[:2]}
    if sens.too_close_to_call and sens.margin is not None and vendor in top_two:
        out.append(
            f"Too close to call: the top two are {sens.margin:.1f} points apart (less than 3), "
            "so a small change of weights or answers would swap them."
        )
    if ranked and ranked[0].vendor != vendor and row.total is not None and ranked[0].total is not None:
        out.append(
            f"{vendor} is not the leader: it ranks {row.rank} of {len(ranked)}, "
            f"{ranked[0].total - row.total:.1f} points behind {ranked[0].vendor}."
        )
    return out


def select_partner(
    ws: Workspace,
    evaluation_ref: str | int,
    vendor: str,
    name: str,
    kickoff: date,
    actor: str | None = None,
    reason: str = "",
) -> int:
    """Create the engagement from the evaluation's vendor and use case; the metrics are copied and locked."""
    from app.store import repo

    p = partner_proposal(ws, evaluation_ref, vendor)
    if p.problems:
        raise InputError("; ".join(p.problems))
    why = reason.strip()
    if p.needs_reason and not why:
        flags = "; ".join(f"{f.severity.value}: {f.message}" for f in p.serious_flags)
        raise InputError(
            f"{p.vendor} has {plural(len(p.serious_flags), 'open critical or high red flag')} ({flags}); "
            "give a reason for choosing it anyway"
        )
    who = actor or current_user()
    with ws.session() as s:
        eid = create_engagement(
            ws, name, p.vendor, kickoff, p.metrics, promised_months=p.promised_months, milestones=p.milestones,
            use_case_title=p.use_case_title, evaluation_id=p.evaluation_id, actor=who, promises=p.promises,
            session=s,
        )
        # What the person saw when they chose, and why they chose anyway.
        repo.audit(s, who, "partner selected", "engagement", eid, reason=why, after={
            "evaluation": p.evaluation,
            "vendor": p.vendor,
            "open_flags": [{"rule": f.rule, "severity": f.severity.value, "message": f.message} for f in p.serious_flags],
            "warnings": list(p.warnings),
        })
        return eid


def delete_engagement(ws: Workspace, ref: str | int, actor: str | None = None) -> None:
    """Remove an engagement (undoing "Select this partner")."""
    from app.store import repo

    with ws.session() as s:
        row = _row(s, ref)
        repo.audit(s, actor or current_user(), "engagement deleted", "engagement", row.id, before={"name": row.name, "vendor": row.vendor})
        s.delete(row)

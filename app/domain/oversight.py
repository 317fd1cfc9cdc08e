"""Oversight: straight-line metric status per monthly review and the off-track red flag."""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.domain.errors import DomainError
from app.domain.flags import RedFlag
from app.domain.models import Direction, Milestone, Severity, SuccessMetric
from app.domain.wording import share_words

TOLERANCE = 0.10
_NO_PLAN = {"", "-", "n/a", "na", "none", "tbd", "todo", "no", "nothing", "tba", "?"}
# Trailing punctuation does not make a plan credible: "TBD." is still no plan.
_TRAILING = re.compile(r"[\s.!?…:;,-]+$")
# Dates a review or an engagement may carry: month arithmetic past year 9999 fails, and no
# engagement runs in year 0 (imports refuse such months with exit 2).
MIN_YEAR, MAX_YEAR = 1900, 2199
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class Status(StrEnum):
    ON_TRACK = "on track"
    OFF_TRACK = "off track"
    NO_DATA = "no data"


def month_end(month: str) -> date:
    m = _MONTH.match(month.strip())
    if not m:
        raise DomainError(f"{month!r} is not a month in the form YYYY-MM")
    y, mo = int(m.group(1)), int(m.group(2))
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise DomainError(f"{month!r} is not a month between {MIN_YEAR} and {MAX_YEAR}")
    return date(y, mo, calendar.monthrange(y, mo)[1])


def month_of(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def next_month(month: str) -> str:
    d = month_end(month)
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return f"{y:04d}-{m:02d}"


def default_review_month(kickoff: date, months: Sequence[str]) -> str:
    """The month a new review is most likely for: after the last one, never before kickoff."""
    first = month_of(kickoff)
    if not months:
        return first
    return max(first, next_month(max(months)))


def progress(kickoff: date, target_date: date | None, on: date) -> float:
    """Share of the way from kickoff to the target date, clipped to [0, 1]."""
    if target_date is None or target_date <= kickoff:
        return 1.0
    f = (on - kickoff).days / (target_date - kickoff).days
    return min(1.0, max(0.0, f))


def expected_value(metric: SuccessMetric, kickoff: date, month: str) -> float:
    if metric.baseline is None or metric.target is None:
        raise DomainError(f"metric {metric.name!r} needs a baseline and a target")
    f = progress(kickoff, metric.target_date, month_end(month))
    return metric.baseline + (metric.target - metric.baseline) * f


def tolerance(metric: SuccessMetric) -> float:
    """How far an actual may fall behind the expected value and still be on track.

    It is a share of the way from baseline to target, not of the value: readers who take
    "10 %" as 10 % of 91.8 are surprised, so every surface says it with `tolerance_words`.
    """
    if metric.baseline is None or metric.target is None:
        return 0.0
    return TOLERANCE * abs(metric.target - metric.baseline)


def _unit_words(unit: str) -> str:
    u = unit.strip()
    if u in ("%", "percent", "per cent"):
        return " percentage points"
    return f" {u}" if u else ""


TOLERANCE_WHY = f"{share_words(TOLERANCE)} of the way from baseline to target"


def tolerance_words(metric: SuccessMetric, expected: float | None = None, why: bool = True) -> str:
    """On track, in words: "within 0.5 points of the expected 91.8 (10 % of the way from baseline to target)".

    `why=False` leaves out the parenthesis, for a list that says it once (`TOLERANCE_WHY`).
    """
    of = "the expected value" if expected is None else f"the expected {short_number(expected)}"
    text = f"within {short_number(tolerance(metric))}{_unit_words(metric.unit)} of {of}"
    return f"{text} ({TOLERANCE_WHY})" if why else text


def status(metric: SuccessMetric, kickoff: date, month: str, actual: float | None) -> tuple[float, Status]:
    expected = expected_value(metric, kickoff, month)
    if actual is None:
        return expected, Status.NO_DATA
    margin = tolerance(metric)
    eps = 1e-9
    if metric.direction is Direction.UP:
        ok = actual >= expected - margin - eps
    else:
        ok = actual <= expected + margin + eps
    return expected, Status.ON_TRACK if ok else Status.OFF_TRACK


@dataclass(frozen=True)
class Money:
    amount: float
    currency: str = "USD"


@dataclass(frozen=True)
class Decision:
    """A decision a review needs from us: who owns it, by when, and the day it was taken."""

    text: str
    owner: str = ""
    due: date | None = None
    decided_on: date | None = None

    def open_on(self, day: date) -> bool:
        return self.decided_on is None or self.decided_on > day


@dataclass(frozen=True)
class Review:
    month: str
    actuals: dict[str, float | None]
    blockers: str = ""
    decisions_needed: str = ""
    recovery_plan: str = ""
    minutes: float | None = None  # how long the review took; None when not recorded
    explained: bool = True  # whether the partner explained progress clearly
    spend: Money | None = None  # the month's spend
    decisions: tuple[Decision, ...] = ()

    @property
    def has_recovery_plan(self) -> bool:
        return has_plan(self.recovery_plan)


def has_plan(text: str) -> bool:
    """Whether a recovery plan says something: blank, "TBD", "n/a" and the like do not."""
    core = _TRAILING.sub("", text.strip()).strip().casefold()
    return core not in _NO_PLAN and text.strip().casefold() not in _NO_PLAN


def parse_actual(text: str) -> float | None:
    """A person's typed actual: blank means not measured; anything else must be a finite number."""
    t = text.strip()
    if not t:
        return None
    try:
        value = float(t)
    except ValueError:
        raise DomainError(f"{text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise DomainError(f"{text.strip()!r} is not a finite number")
    return value


@dataclass(frozen=True)
class MetricPoint:
    month: str
    actual: float | None
    expected: float
    status: Status


@dataclass
class MetricTrack:
    metric: SuccessMetric
    points: list[MetricPoint] = field(default_factory=list)


def validate_reviews(kickoff: date, metrics: Sequence[SuccessMetric], reviews: Sequence[Review]) -> None:
    names = {m.name for m in metrics}
    seen: set[str] = set()
    for r in reviews:
        end = month_end(r.month)
        if end < kickoff:
            raise DomainError(f"the review for {r.month} is before kickoff ({kickoff.isoformat()})")
        if r.month in seen:
            raise DomainError(f"there is already a review for {r.month}")
        seen.add(r.month)
        for name, value in r.actuals.items():
            if name not in names:
                raise DomainError(f"the review for {r.month} has an actual for {name!r}, which is not a metric of this engagement")
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
            ):
                raise DomainError(f"the actual for {name!r} in {r.month} is not a number: {value!r}")


def track(kickoff: date, metrics: Sequence[SuccessMetric], reviews: Sequence[Review]) -> list[MetricTrack]:
    ordered = sorted(reviews, key=lambda r: r.month)
    out = []
    for m in metrics:
        t = MetricTrack(m)
        for r in ordered:
            actual = r.actuals.get(m.name)
            expected, st = status(m, kickoff, r.month, actual)
            t.points.append(MetricPoint(r.month, actual, expected, st))
        out.append(t)
    return out


def short_number(value: float) -> str:
    """At most two decimals, no trailing zeros: 9.340659 → 9.34, 9.0 → 9."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def off_track_flags(
    kickoff: date, metrics: Sequence[SuccessMetric], reviews: Sequence[Review], vendor: str = ""
) -> list[RedFlag]:
    """A metric off track in two consecutive monthly reviews, the later without a recovery plan."""
    ordered = sorted(reviews, key=lambda r: r.month)
    flags = []
    for t in track(kickoff, metrics, ordered):
        for i in range(1, len(t.points)):
            prev, cur = t.points[i - 1], t.points[i]
            review = ordered[i]
            if (
                prev.status is Status.OFF_TRACK
                and cur.status is Status.OFF_TRACK
                and not review.has_recovery_plan
            ):
                unit = f" {t.metric.unit}" if t.metric.unit else ""
                evidence = (
                    f"{prev.month}: actual {prev.actual:g}{unit}, expected {short_number(prev.expected)}{unit}",
                    f"{cur.month}: actual {cur.actual:g}{unit}, expected {short_number(cur.expected)}{unit}",
                    f"{cur.month}: no recovery plan recorded",
                )
                message = (
                    f"{t.metric.name} has been off track two months running: {prev.actual:g}{unit} against "
                    f"{short_number(prev.expected)}{unit} expected in {prev.month}, {cur.actual:g}{unit} against "
                    f"{short_number(cur.expected)}{unit} in {cur.month}, and the {cur.month} review has no recovery "
                    "plan: time for a different conversation with the partner."
                )
                flags.append(
                    RedFlag("metrics_off_track", Severity.HIGH, message, evidence, vendor, subject=f"{t.metric.name}@{cur.month}")
                )
    return flags


def plan_required(
    kickoff: date, metrics: Sequence[SuccessMetric], reviews: Sequence[Review], review: Review
) -> list[str]:
    """Names of the metrics that `review` would leave off track for a second review in a row.

    Without a recovery plan such a review raises `metrics_off_track`, so the review form
    asks for one. The review before is the latest earlier review (a skipped month does not
    reset the count: reviews are monthly, and missing one must not hide a slipping metric).
    """
    earlier = [r for r in reviews if r.month < review.month]
    if not earlier:
        return []
    prev = max(earlier, key=lambda r: r.month)
    out = []
    for m in metrics:
        _, before = status(m, kickoff, prev.month, prev.actuals.get(m.name))
        _, now = status(m, kickoff, review.month, review.actuals.get(m.name))
        if before is Status.OFF_TRACK and now is Status.OFF_TRACK:
            out.append(m.name)
    return out


def trajectory(metric: SuccessMetric, kickoff: date) -> list[tuple[date, float]]:
    """The expected straight line: baseline at kickoff to target at the target date."""
    if metric.baseline is None or metric.target is None:
        return []
    if metric.target_date is None or metric.target_date <= kickoff:
        return [(kickoff, metric.target)]
    return [(kickoff, metric.baseline), (metric.target_date, metric.target)]


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


class MilestoneState(StrEnum):
    """A promised milestone as of a day, in the words every surface shows."""

    REACHED = "reached"
    REACHED_LATE = "reached late"
    DUE = "not due yet"
    OVERDUE = "overdue"
    NOT_SCHEDULED = "no month promised"


DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class MilestoneProgress:
    name: str
    promised_month: int | None
    due: date | None
    reached_on: date | None  # only when reached on or before `as_of`
    state: MilestoneState
    as_of: date | None = None

    @property
    def months_late(self) -> float:
        """How late, in months of 30.4 days, one decimal: reached late, or overdue as of `as_of`."""
        if self.due is None:
            return 0.0
        if self.state is MilestoneState.REACHED_LATE and self.reached_on is not None:
            return round((self.reached_on - self.due).days / DAYS_PER_MONTH, 1)
        if self.state is MilestoneState.OVERDUE and self.as_of is not None:
            return round((self.as_of - self.due).days / DAYS_PER_MONTH, 1)
        return 0.0

    @property
    def late_text(self) -> str:
        """ "1 month late", "2.5 months late", or "" when not late."""
        n = self.months_late
        if not n:
            return ""
        return f"{n:g} month late" if n == 1 else f"{n:g} months late"


def milestone_due(kickoff: date, month: int | None) -> date | None:
    """The day a milestone promised for "month N after kickoff" falls due."""
    return None if month is None else add_months(kickoff, month)


def milestone_progress(kickoff: date, name: str, month: int | None, reached_on: date | None, on: date) -> MilestoneProgress:
    """A promised milestone ("month 3 after kickoff") as of the day `on`.

    The one place the boundary lives: a milestone reached after `on` is not reached yet; on its
    due day it is still "not due yet", the day after it is overdue. Every surface (dashboard,
    review form, review PDF, command line) shows this state.
    """
    due = milestone_due(kickoff, month)
    reached = reached_on if reached_on is not None and reached_on <= on else None
    if reached is not None:
        state = MilestoneState.REACHED_LATE if due is not None and reached > due else MilestoneState.REACHED
    elif due is None:
        state = MilestoneState.NOT_SCHEDULED
    else:
        state = MilestoneState.OVERDUE if on > due else MilestoneState.DUE
    return MilestoneProgress(name, month, due, reached, state, on)


def milestones_as_of(
    kickoff: date, milestones: Sequence[tuple[Milestone, date | None]], on: date
) -> list[MilestoneProgress]:
    """Every promised milestone's state as of `on` (a review is as of its month's last day)."""
    return [milestone_progress(kickoff, m.name, m.month, reached, on) for m, reached in milestones]


@dataclass(frozen=True)
class TimelineComparison:
    promised_months: float | None
    actual_months: float | None  # None while not yet in production
    elapsed_months: float
    late: bool


def compare_timeline(
    kickoff: date, promised_months: float | None, production_date: date | None, today: date
) -> TimelineComparison:
    end = production_date or today
    elapsed = max(0.0, (end - kickoff).days / 30.4375)
    actual = elapsed if production_date else None
    late = promised_months is not None and elapsed > promised_months + 1e-9
    return TimelineComparison(promised_months, actual, round(elapsed, 1), late)

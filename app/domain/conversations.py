"""Oversight's other conversations with the partner: milestones missed, value not materialising,
reviews that overrun, costs that spiral and decisions left waiting on us.

Every rule looks at the engagement as of one review month (that month's last day) and uses only
the reviews up to it, so an old month reads as it did at the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.domain.bank import Question, QuestionType
from app.domain.errors import DomainError
from app.domain.flags import RedFlag
from app.domain.models import Answer, Direction, Milestone, Severity, SuccessMetric, Vendor
from app.domain.oversight import (
    DAYS_PER_MONTH,
    Decision,
    MilestoneProgress,
    MilestoneState,
    Money,
    Review,
    Status,
    milestones_as_of,
    month_end,
    short_number,
    status,
)

REVIEW_MINUTES = 30  # the 30-minute rule: a longer review is an overrun
COST_THRESHOLD = 0.25  # cumulative spend this far over the quote pro rata raises cost_overrun
COST_THRESHOLD_MAX_PERCENT = 500  # the threshold is set in whole percent, 0 to this
DECISION_REVIEWS = 2  # a decision still open this many reviews after it was raised is overdue


class Conversation(StrEnum):
    ON_TRACK = "on_track"
    MILESTONES_MISSED = "milestones_missed"
    VALUE_NOT_MATERIALIZING = "value_not_materializing"
    BOTH = "both"

    @property
    def words(self) -> str:
        """The conversation in plain words, for people (the JSON keeps the value)."""
        return _WORDS[self]


_WORDS = {
    Conversation.ON_TRACK: "On track: milestones met and value arriving",
    Conversation.MILESTONES_MISSED: "Milestones missed: the partner is behind its own plan",
    Conversation.VALUE_NOT_MATERIALIZING: "Milestones met, value not materialising",
    Conversation.BOTH: "Milestones missed and value not materialising",
}


@dataclass(frozen=True)
class Promises:
    """What the partner promised beyond the timeline, copied from the evaluation at selection."""

    quote: Money | None = None  # the quoted price for kickoff to production
    cost_growth_pct: float | None = None  # its answer on running-cost growth, pilot to production
    adoption: tuple[tuple[str, str], ...] = ()  # (question, answer): training, change, users
    cost_threshold: float = COST_THRESHOLD


_ADOPTION_WORDS = ("training", "change management", "users", "adoption")


def promises_from(vendor: Vendor, answers: Sequence[Answer], questions: Sequence[Question]) -> Promises:
    """What "Select this partner" copies into the engagement: the quoted price, the partner's own
    answer on running-cost growth, and its adoption answers (training, change management, users)."""
    mine = [a for a in answers if a.vendor == vendor.name and a.value.strip() and a.value.strip().lower() != "n/a"]
    growth = None
    adoption: list[tuple[str, str]] = []
    for q in questions:
        given = [a for a in mine if a.question == q.id]
        if not given:
            continue
        text = q.question.casefold()
        # Only a number answer is a percentage: a 0–5 rubric score of "4" is not "4 % growth".
        if growth is None and q.type is QuestionType.NUMBER and "cost" in text and "grow" in text:
            numbers = []
            for a in given:
                try:
                    numbers.append(float(a.value.strip().rstrip("%").strip()))
                except ValueError:
                    continue
            if numbers:
                growth = sum(numbers) / len(numbers)
                continue
        if any(w in text for w in _ADOPTION_WORDS) or "adoption" in q.section.casefold():
            first = given[0]
            answer = first.value.strip() + (f" — {first.note.strip()}" if first.note.strip() else "")
            adoption.append((q.question, answer))
    quote = Money(vendor.pricing.amount, vendor.pricing.currency or "USD") if vendor.pricing.amount else None
    return Promises(quote, growth, tuple(adoption))


@dataclass
class Situation:
    """The engagement as of one review month: the conversation and the flags it raises."""

    month: str | None
    conversation: Conversation
    milestones: list[MilestoneProgress]
    flags: list[RedFlag] = field(default_factory=list)
    open_decisions: list[tuple[str, Decision]] = field(default_factory=list)  # (raised in month, decision)
    spend_to_date: float | None = None
    quote_to_date: float | None = None  # the quote pro rata at the month's end


def _unit(m: SuccessMetric) -> str:
    return f" {m.unit}" if m.unit else ""


def _months_since(kickoff: date, day: date) -> float:
    return max(0.0, (day - kickoff).days / DAYS_PER_MONTH)


# ----- value against milestones --------------------------------------------------------------


def _stuck(m: SuccessMetric, kickoff: date, month: str, before: float | None, now: float | None) -> bool:
    """Off track at this review, or no better than at the one before while short of the target."""
    _, st = status(m, kickoff, month, now)
    if st is Status.OFF_TRACK:
        return True
    if now is None or before is None or m.target is None:
        return False
    up = m.direction is Direction.UP
    if (now >= m.target) if up else (now <= m.target):
        return False  # at the target: standing still is fine
    gained = (now - before) if up else (before - now)
    return gained <= 0


def stalled_metrics(kickoff: date, metrics: Sequence[SuccessMetric], reviews: Sequence[Review]) -> list[str]:
    """Metrics off track or flat in each of the last two reviews.

    Flat means no better than at the review before (for the earlier of the two, the review before
    it; with none, the baseline), so a metric that stands still while the line moves on counts.
    """
    ordered = sorted(reviews, key=lambda r: r.month)
    if len(ordered) < 2:
        return []
    prev, cur = ordered[-2], ordered[-1]
    out = []
    for m in metrics:
        if m.baseline is None or m.target is None:
            continue
        first = m.baseline if len(ordered) == 2 else ordered[-3].actuals.get(m.name)
        a, b = prev.actuals.get(m.name), cur.actuals.get(m.name)
        if _stuck(m, kickoff, prev.month, first, a) and _stuck(m, kickoff, cur.month, a, b):
            out.append(m.name)
    return out


def _metric_evidence(kickoff: date, metrics: Sequence[SuccessMetric], reviews: Sequence[Review], names: list[str]) -> list[str]:
    ordered = sorted(reviews, key=lambda r: r.month)[-2:]
    out = []
    for m in metrics:
        if m.name not in names:
            continue
        parts = []
        for r in ordered:
            actual = r.actuals.get(m.name)
            expected, st = status(m, kickoff, r.month, actual)
            shown = "no value" if actual is None else f"{actual:g}{_unit(m)}"
            parts.append(f"{r.month} {shown} against {short_number(expected)}{_unit(m)} expected ({st.value})")
        out.append(f"{m.name}: " + "; ".join(parts))
    return out


def milestones_missed_flag(milestones: Sequence[MilestoneProgress], vendor: str = "") -> RedFlag | None:
    overdue = [m for m in milestones if m.state is MilestoneState.OVERDUE]
    if not overdue:
        return None
    names = ", ".join(m.name for m in overdue)
    many = len(overdue) != 1
    message = (
        f"{len(overdue)} milestone{'s' if many else ''} past due and not reached ({names}): "
        "the partner is behind its own plan."
    )
    evidence = tuple(
        f"{m.name}: due {m.due.isoformat() if m.due else '—'} (month {m.promised_month}), not reached, {m.late_text}"
        for m in overdue
    )
    return RedFlag("milestones_missed", Severity.HIGH, message, evidence, vendor)


def value_flag(
    kickoff: date,
    metrics: Sequence[SuccessMetric],
    reviews: Sequence[Review],
    milestones: Sequence[MilestoneProgress],
    stalled: list[str],
    vendor: str = "",
) -> RedFlag | None:
    """Milestones reached on time while the value metrics stay off track or flat two reviews running."""
    if not stalled or any(m.state is MilestoneState.OVERDUE for m in milestones):
        return None
    reached = [m for m in milestones if m.state in (MilestoneState.REACHED, MilestoneState.REACHED_LATE)]
    months = [r.month for r in sorted(reviews, key=lambda r: r.month)[-2:]]
    message = (
        f"The partner is reaching its milestones, but {', '.join(stalled)} "
        f"{'is' if len(stalled) == 1 else 'are'} off track or standing still in both {months[0]} and {months[1]}: "
        "milestones met, value not materialising."
    )
    evidence = [
        f"Milestone reached: {m.name} on {m.reached_on.isoformat()}" for m in reached if m.reached_on is not None
    ] or ["No milestone was due yet"]
    evidence += _metric_evidence(kickoff, metrics, reviews, stalled)
    return RedFlag("value_not_materializing", Severity.HIGH, message, tuple(evidence), vendor)


def conversation(milestones_missed: bool, value_stalled: bool) -> Conversation:
    if milestones_missed and value_stalled:
        return Conversation.BOTH
    if milestones_missed:
        return Conversation.MILESTONES_MISSED
    if value_stalled:
        return Conversation.VALUE_NOT_MATERIALIZING
    return Conversation.ON_TRACK


# ----- the 30-minute rule --------------------------------------------------------------------


def overran(review: Review) -> bool:
    """Over 30 minutes (exactly 30 is fine), or progress not explained."""
    return (review.minutes is not None and review.minutes > REVIEW_MINUTES) or not review.explained


def review_overrun_flags(reviews: Sequence[Review], vendor: str = "") -> list[RedFlag]:
    """One yellow (low) flag per review that overran; the second of two in a row is high."""
    ordered = sorted(reviews, key=lambda r: r.month)
    flags = []
    for i, r in enumerate(ordered):
        if not overran(r):
            continue
        reasons = []
        if r.minutes is not None and r.minutes > REVIEW_MINUTES:
            reasons.append(f"{r.month}: the review took {r.minutes:g} minutes (the limit is {REVIEW_MINUTES})")
        if not r.explained:
            reasons.append(f"{r.month}: the partner did not explain progress clearly")
        twice = i > 0 and overran(ordered[i - 1])
        if twice:
            prev = ordered[i - 1]
            reasons.insert(0, f"{prev.month}: the review before also overran")
            message = (f"Two reviews in a row ({prev.month} and {r.month}) overran or left progress unexplained: "
                       "ask the partner for a clearer, shorter update.")
        else:
            message = f"The {r.month} review overran or left progress unexplained: a good review takes 30 minutes."
        flags.append(RedFlag("review_overrun", Severity.HIGH if twice else Severity.LOW, message, tuple(reasons),
                             vendor, subject=r.month))
    return flags


# ----- costs ---------------------------------------------------------------------------------


def quote_pro_rata(quote: Money, kickoff: date, promised_months: float | None, day: date) -> float:
    """The share of the quote that should be spent by `day`: straight line to the promised
    production date (the whole quote when no time was promised)."""
    if not promised_months or promised_months <= 0:
        return quote.amount
    return quote.amount * min(1.0, _months_since(kickoff, day) / promised_months)


def cost_flag(
    kickoff: date, promised_months: float | None, reviews: Sequence[Review], promises: Promises, vendor: str = ""
) -> tuple[RedFlag | None, float | None, float | None]:
    """cost_overrun as of the latest review, with (spend to date, quote to date)."""
    ordered = sorted(reviews, key=lambda r: r.month)
    quote = promises.quote
    currency = quote.currency if quote else None
    spends = [(r.month, r.spend) for r in ordered if r.spend is not None and (currency is None or r.spend.currency == currency)]
    if not ordered or not spends:
        return None, None, None
    total = sum(s.amount for _, s in spends)
    evidence: list[str] = []
    quote_to_date = None
    cur = spends[-1][1].currency
    if quote is not None and quote.amount > 0:
        end = month_end(ordered[-1].month)
        quote_to_date = quote_pro_rata(quote, kickoff, promised_months, end)
        limit = quote_to_date * (1 + promises.cost_threshold)
        if total > limit + 1e-9:
            over = (total / quote_to_date - 1) * 100 if quote_to_date else 0.0
            basis = f" over {promised_months:g} months" if promised_months else ""
            evidence.append(
                f"Spent {total:,.0f} {cur} by {ordered[-1].month}; the quote pro rata is {quote_to_date:,.0f} {cur} "
                f"({quote.amount:,.0f} {cur}{basis}): {over:.0f} % over, the limit is "
                f"{promises.cost_threshold * 100:g} %"
            )
    if promises.cost_growth_pct is not None and len(spends) >= 2 and spends[0][1].amount > 0:
        first, last = spends[0], spends[-1]
        growth = (last[1].amount / first[1].amount - 1) * 100
        if growth > promises.cost_growth_pct + 1e-9:
            evidence.append(
                f"Monthly spend grew {growth:.0f} % from {first[0]} ({first[1].amount:,.0f} {cur}) to {last[0]} "
                f"({last[1].amount:,.0f} {cur}); the partner promised running costs would grow "
                f"{promises.cost_growth_pct:g} % at most"
            )
    if not evidence:
        return None, total, quote_to_date
    message = "Costs are running ahead of what the partner promised: the pilot-to-production cost spiral."
    return RedFlag("cost_overrun", Severity.HIGH, message, tuple(evidence), vendor), total, quote_to_date


def parse_cost_threshold(text: str) -> float:
    """A cost threshold as people write it, in whole percent ("30", "30 %"), as a share (0.3).

    The same range as the dashboard's field: 0 to COST_THRESHOLD_MAX_PERCENT. Raises DomainError.
    """
    given = text.strip()
    number = given.removesuffix("%").strip()
    if not number.isdecimal() or int(number) > COST_THRESHOLD_MAX_PERCENT:
        raise DomainError(
            f"{given or text!r} is not a cost threshold: give a whole percentage from 0 to "
            f"{COST_THRESHOLD_MAX_PERCENT}, e.g. 30 for a flag when spend runs more than 30 % over the quote pro rata"
        )
    return int(number) / 100


def spend_series(
    kickoff: date, promised_months: float | None, reviews: Sequence[Review], promises: Promises
) -> list[tuple[str, float, float | None]]:
    """(month, cumulative spend, quote pro rata at that month's end) for each review with a spend
    in the quote's currency: what the dashboard charts."""
    quote = promises.quote
    total = 0.0
    out = []
    for r in sorted(reviews, key=lambda r: r.month):
        if r.spend is None or (quote is not None and r.spend.currency != quote.currency):
            continue
        total += r.spend.amount
        due = quote_pro_rata(quote, kickoff, promised_months, month_end(r.month)) if quote and quote.amount > 0 else None
        out.append((r.month, total, due))
    return out


# ----- decisions waiting on us ---------------------------------------------------------------


def open_decisions(reviews: Sequence[Review]) -> list[tuple[str, Decision]]:
    """Decisions raised in these reviews and not yet taken as of the last one's month end."""
    ordered = sorted(reviews, key=lambda r: r.month)
    if not ordered:
        return []
    end = month_end(ordered[-1].month)
    return [(r.month, d) for r in ordered for d in r.decisions if d.open_on(end)]


def decision_flags(reviews: Sequence[Review], vendor: str = "") -> list[RedFlag]:
    """A decision still open two reviews after the review that raised it (medium)."""
    ordered = sorted(reviews, key=lambda r: r.month)
    flags = []
    for i, r in enumerate(ordered):
        if len(ordered) - 1 - i < DECISION_REVIEWS:
            continue
        later = ordered[i + DECISION_REVIEWS]
        end = month_end(ordered[-1].month)
        for d in r.decisions:
            if not d.open_on(end):
                continue
            owner = f" (owner: {d.owner})" if d.owner else ""
            due = f", due {d.due.isoformat()}" if d.due else ""
            flags.append(RedFlag(
                "decision_overdue", Severity.MEDIUM,
                f"A decision raised in {r.month} is still open {DECISION_REVIEWS} reviews later: {d.text}",
                (f"Raised in the {r.month} review{owner}{due}", f"Still open at the {later.month} review"
                 + (f" and at {ordered[-1].month}" if later is not ordered[-1] else "")),
                vendor, subject=f"{r.month}:{d.text[:60]}",
            ))
    return flags


# ----- closing the loop: promises and section scores beside what happened ------------------


@dataclass(frozen=True)
class RetroLine:
    promise: str  # what was promised, in words
    promised: str
    delivered: str
    kept: bool | None  # None while it cannot be told yet


@dataclass(frozen=True)
class Retrospective:
    conversation: Conversation
    promises: list[RetroLine]
    sections: list[tuple[str, float | None]]  # the chosen vendor's section scores at selection

    def to_json(self) -> dict[str, object]:
        return {
            "conversation": self.conversation.value,
            "promises": [
                {"promise": p.promise, "promised": p.promised, "delivered": p.delivered, "kept": p.kept}
                for p in self.promises
            ],
            "sections": [{"section": name, "score": score} for name, score in self.sections],
        }


def retrospective(
    kickoff: date,
    promised_months: float | None,
    production_date: date | None,
    today: date,
    reviews: Sequence[Review],
    now: Situation,
    promises: Promises,
    sections: Sequence[tuple[str, float | None]] = (),
) -> Retrospective:
    """Each promise beside what happened, and the evaluation's section scores beside the outcome."""
    lines: list[RetroLine] = []
    if promised_months is not None:
        if production_date is not None:
            took = _months_since(kickoff, production_date)
            lines.append(RetroLine("Time to production", f"{promised_months:g} months",
                                   f"in production after {took:.1f} months", took <= promised_months + 1e-9))
        else:
            gone = _months_since(kickoff, today)
            late = gone > promised_months + 1e-9
            lines.append(RetroLine("Time to production", f"{promised_months:g} months",
                                   f"not in production after {gone:.1f} months", False if late else None))
    for m in now.milestones:
        promised = f"month {m.promised_month} ({m.due.isoformat()})" if m.due else "no month"
        delivered = m.state.value + (f" on {m.reached_on.isoformat()}" if m.reached_on else "")
        if m.late_text:
            delivered += f", {m.late_text}"
        kept = {MilestoneState.REACHED: True, MilestoneState.REACHED_LATE: False, MilestoneState.OVERDUE: False}.get(m.state)
        lines.append(RetroLine(f"Milestone: {m.name}", promised, delivered, kept))
    if promises.quote is not None:
        q = promises.quote
        if now.spend_to_date is None:
            lines.append(RetroLine("Price", f"{q.amount:,.0f} {q.currency}", "no spend recorded", None))
        else:
            due = now.quote_to_date or 0.0
            kept = now.spend_to_date <= due * (1 + promises.cost_threshold) + 1e-9
            lines.append(RetroLine("Price", f"{q.amount:,.0f} {q.currency}",
                                   f"{now.spend_to_date:,.0f} spent against {due:,.0f} pro rata", kept))
    if promises.cost_growth_pct is not None:
        series = [r.spend for r in sorted(reviews, key=lambda r: r.month) if r.spend is not None]
        if len(series) >= 2 and series[0].amount > 0:
            growth = (series[-1].amount / series[0].amount - 1) * 100
            lines.append(RetroLine("Running-cost growth", f"{promises.cost_growth_pct:g} % at most",
                                   f"{growth:.0f} % so far", growth <= promises.cost_growth_pct + 1e-9))
        else:
            lines.append(RetroLine("Running-cost growth", f"{promises.cost_growth_pct:g} % at most",
                                   "not enough spend recorded yet", None))
    value = now.conversation in (Conversation.ON_TRACK, Conversation.MILESTONES_MISSED)
    for question, answer in promises.adoption:
        lines.append(RetroLine(question, answer, "value arriving" if value else "value not materialising",
                               None if len(reviews) < 2 else value))
    return Retrospective(now.conversation, lines, list(sections))


# ----- all of it -----------------------------------------------------------------------------


def situation(
    kickoff: date,
    metrics: Sequence[SuccessMetric],
    reviews: Sequence[Review],
    milestones: Sequence[tuple[Milestone, date | None]],
    promised_months: float | None,
    promises: Promises,
    vendor: str = "",
    on: date | None = None,
) -> Situation:
    """The conversation and the flags as of the last review's month end (or `on` without reviews)."""
    ordered = sorted(reviews, key=lambda r: r.month)
    month = ordered[-1].month if ordered else None
    day = month_end(month) if month else (on or kickoff)
    progress = milestones_as_of(kickoff, milestones, day)
    stalled = stalled_metrics(kickoff, metrics, ordered)
    missed = milestones_missed_flag(progress, vendor)
    flags: list[RedFlag] = []
    if missed is not None:
        flags.append(missed)
    value = value_flag(kickoff, metrics, ordered, progress, stalled, vendor)
    if value is not None:
        flags.append(value)
    cost, spent, quoted = cost_flag(kickoff, promised_months, ordered, promises, vendor)
    if cost is not None:
        flags.append(cost)
    flags += decision_flags(ordered, vendor)
    flags += review_overrun_flags(ordered, vendor)
    return Situation(
        month, conversation(missed is not None, bool(stalled)), progress, flags, open_decisions(ordered), spent, quoted
    )


__all__ = [
    "COST_THRESHOLD",
    "COST_THRESHOLD_MAX_PERCENT",
    "REVIEW_MINUTES",
    "Conversation",
    "Promises",
    "Situation",
    "conversation",
    "cost_flag",
    "decision_flags",
    "open_decisions",
    "overran",
    "parse_cost_threshold",
    "quote_pro_rata",
    "review_overrun_flags",
    "retrospective",
    "situation",
    "spend_series",
    "stalled_metrics",
]

"""The one-page monthly review PDF: the three questions of the 30-minute meeting, and promise against delivery."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, Spacer, TableStyle

from app.domain.conversations import REVIEW_MINUTES, Conversation, Promises, Situation
from app.domain.evaluation import open_flags
from app.domain.flags import RedFlag
from app.domain.models import Direction
from app.domain.oversight import (
    TOLERANCE_WHY,
    MetricTrack,
    MilestoneProgress,
    MilestoneState,
    Review,
    Status,
    TimelineComparison,
    add_months,
    month_end,
    tolerance_words,
)
from app.report import charts
from app.report.common import (
    ACCENT_WASH,
    FAINT,
    GOOD,
    MUTED,
    SEVERITY,
    SEVERITY_WASH,
    WASH,
    Metadata,
    PageFrame,
    ReportDocument,
    esc,
    hexcolor,
    layout_table,
    long_date,
    markup,
    para,
    pdf_date,
    severity_label,
    styles,
    table,
)

TEXT_LIMIT = 700


@dataclass
class ReviewReport:
    """One monthly review in context, gathered by the service; every figure is as of that month's end."""

    engagement: str
    vendor: str
    use_case: str
    kickoff: date
    month: str
    tracks: list[MetricTrack]  # points up to and including `month`
    review: Review
    flags: list[RedFlag]  # raised by the reviews up to `month`, with any acknowledgement
    timeline: TimelineComparison
    milestones: list[MilestoneProgress]  # as of the month's last day
    situation: Situation | None = None  # the conversation, open decisions and spend as of the month
    promises: Promises | None = None


def month_label(month: str) -> str:
    y, m = month.split("-")
    return f"{calendar.month_name[int(m)]} {y}"


def _num(x: float | None, unit: str = "") -> str:
    if x is None:
        return "—"
    text = f"{x:,.1f}" if abs(x - round(x)) > 1e-9 else f"{x:,.0f}"
    return f"{text} {unit}".strip() if unit and unit != "%" else f"{text}{unit}"


def build_review_pdf(
    data: ReviewReport,
    out: BinaryIO,
    progress: Callable[[float, str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> None:
    end = month_end(data.month)
    doc = ReportDocument(
        out,
        Metadata(
            title=f"{data.engagement} — monthly review {data.month}",
            subject=f"Monthly review of {data.vendor} for: {data.use_case or data.engagement}",
            keywords="monthly review, success metrics, Diligence",
        ),
        # The first line of the page says which conversation this month is.
        PageFrame(_conversation(data).words, f"{data.engagement} · {month_label(data.month)}", long_date(end)),
        pdf_date(end),
        progress,
        cancel,
    )
    st = styles()
    w = doc.portrait_width
    items: list[Flowable] = []
    items.append(markup(f"MONTHLY REVIEW · {esc(month_label(data.month)).upper()}", st.kicker))
    items.append(para(data.engagement, st.title, 200))
    sub = [f"<b>Partner</b> · {esc(data.vendor, 160)}"]
    if data.use_case.strip():
        sub.append(f"<b>Use case</b> · {esc(data.use_case, 200)}")
    sub.append(f"<b>Kickoff</b> · {long_date(data.kickoff)}")
    items.append(markup("<br/>".join(sub), st.subtitle))
    items.append(Spacer(1, 2 * mm))
    items.append(_conversation_line(data))
    items.append(Spacer(1, 2 * mm))
    items.append(_status_strip(data, w))
    items.append(markup("1 · Are we hitting the metrics?", st.h2))
    items.append(_metrics_table(data, w))
    items.append(Spacer(1, 1 * mm))
    items.append(para(_tolerance_note(data), st.cell_muted))
    items.append(Spacer(1, 3 * mm))
    items.append(_questions(data, w))
    items.append(Spacer(1, 2 * mm))
    items.append(_meeting_and_money(data))
    items.append(markup("Open red flags", st.h2))
    items += _flags(data, w)
    items.append(markup("Promise against delivery", st.h2))
    items += _promise(data, w)
    # One page for the meeting, whatever was typed into the review: shrink rather than spill.
    doc.build_story([KeepInFrame(w, doc.portrait_height - 2, items, mode="shrink")])


def _conversation(data: ReviewReport) -> Conversation:
    return data.situation.conversation if data.situation else Conversation.ON_TRACK


def _conversation_line(data: ReviewReport) -> Flowable:
    c = _conversation(data)
    colour = GOOD if c is Conversation.ON_TRACK else SEVERITY["high"]
    return markup(f'<font color="{hexcolor(colour)}"><b>This month\'s conversation: {esc(c.words)}</b></font>',
                  styles().small)


def _meeting_and_money(data: ReviewReport) -> Flowable:
    """The 30-minute rule, the month's spend against the quote, and decisions still waiting on us."""
    st = styles()
    r = data.review
    bits = []
    if r.minutes is not None:
        over = r.minutes > REVIEW_MINUTES
        took = f"The review took <b>{r.minutes:g} minutes</b>" + (f" (over {REVIEW_MINUTES})" if over else "")
        bits.append(took)
    else:
        bits.append("Review length not recorded")
    bits[-1] += "; progress explained clearly." if r.explained else \
        f'; <font color="{hexcolor(SEVERITY["high"])}"><b>progress not explained</b></font>.'
    now = data.situation
    if r.spend is not None:
        line = f"Spend this month <b>{r.spend.amount:,.0f} {esc(r.spend.currency)}</b>"
        if now is not None and now.spend_to_date is not None:
            line += f"; {now.spend_to_date:,.0f} to date"
            if now.quote_to_date is not None:
                line += f" against {now.quote_to_date:,.0f} of the quote pro rata"
        bits.append(line + ".")
    waiting = [(m, d) for m, d in (now.open_decisions if now else []) if m < r.month]
    if waiting:
        listed = "; ".join(
            f"{esc(d.text, 90)} ({esc(d.owner, 40) + ', ' if d.owner else ''}raised {m})" for m, d in waiting[:3]
        )
        bits.append(f"<b>Still waiting on us:</b> {listed}" + (f" and {len(waiting) - 3} more" if len(waiting) > 3 else ""))
    return markup(" ".join(bits), st.small)


def _status_strip(data: ReviewReport, w: float) -> Flowable:
    st = styles()
    points = [t.points[-1] for t in data.tracks if t.points]
    on = sum(1 for p in points if p.status is Status.ON_TRACK)
    off = sum(1 for p in points if p.status is Status.OFF_TRACK)
    unacknowledged = open_flags(data.flags)
    tl = data.timeline
    if tl.promised_months is None:
        time_big, time_label = f"{tl.elapsed_months:g}", "months since kickoff; no promised date"
    else:
        time_big = f"{tl.elapsed_months:g} / {tl.promised_months:g}"
        if tl.actual_months is not None:
            time_label = "months to production, actual / promised"
        else:
            time_label = "months elapsed / promised to production" + (" — LATE" if tl.late else "")
    big = st.big_number
    cells = [
        [markup(f"{on} of {len(points)}", big), markup(str(len(unacknowledged)), big), markup(time_big, big)],
        [markup("metrics on track" + (f"; {off} off track" if off else ""), st.muted),
         markup("open red flags" if len(unacknowledged) != 1 else "open red flag", st.muted),
         markup(esc(time_label), st.muted)],
    ]
    t = layout_table(cells, [w / 3] * 3)
    cmds: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, -1), ACCENT_WASH),
        ("LEFTPADDING", (0, 0), (-1, -1), 12),
        ("TOPPADDING", (0, 0), (-1, 0), 9),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
        ("BOTTOMPADDING", (0, 1), (-1, 1), 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if off:
        cmds.append(("TEXTCOLOR", (0, 0), (0, 0), SEVERITY["critical"]))
    if unacknowledged:
        cmds.append(("BACKGROUND", (1, 0), (1, -1), SEVERITY_WASH["critical"]))
    if tl.late:
        cmds.append(("BACKGROUND", (2, 0), (2, -1), SEVERITY_WASH["high"]))
    t.setStyle(TableStyle(cmds))
    return t


def _metrics_table(data: ReviewReport, w: float) -> Flowable:
    st = styles()
    spark_w = 92.0
    rows: list[list[object]] = [["METRIC", "BASELINE → TARGET", "ACTUAL", "EXPECTED", "STATUS", "TREND"]]
    extra: list[tuple[Any, ...]] = [("VALIGN", (0, 1), (-1, -1), "MIDDLE")]
    for _i, t in enumerate(data.tracks, start=1):
        m = t.metric
        p = t.points[-1] if t.points else None
        arrow = "↑" if m.direction is Direction.UP else "↓"
        by = f" by {m.target_date.isoformat()}" if m.target_date else ""
        name = f"<b>{esc(m.name, 120)}</b>"
        if m.owner.strip():
            name += f'<br/><font size=7 color="{hexcolor(MUTED)}">{esc(m.owner, 80)}</font>'
        if p is None or p.status is Status.NO_DATA:
            status = markup(f'<font color="{hexcolor(MUTED)}">no data</font>', st.cell)
        elif p.status is Status.ON_TRACK:
            status = markup(f'<font color="{hexcolor(GOOD)}"><b>on track</b></font>', st.cell)
        else:
            status = markup(f'<font color="{hexcolor(SEVERITY["critical"])}"><b>off track</b></font>', st.cell)
        spark = charts.sparkline(
            spark_w, 24,
            [x.expected for x in t.points], [x.actual for x in t.points],
            m.baseline or 0.0, m.target or 0.0,
            None if p is None or p.status is Status.NO_DATA else p.status is Status.ON_TRACK,
        )
        rows.append([
            markup(name, st.cell),
            markup(f"{_num(m.baseline, m.unit)} → {_num(m.target, m.unit)} {arrow}<br/>"
                   f'<font size=7 color="{hexcolor(MUTED)}">{esc(by.strip())}</font>', st.cell),
            markup(f"<b>{_num(p.actual if p else None, m.unit)}</b>", st.cell_right),
            markup(_num(p.expected if p else None, m.unit), st.cell_right),
            status,
            spark,
        ])
    if len(rows) == 1:
        rows.append([markup("No success metrics.", st.cell_muted), "", "", "", "", ""])
    fixed = [92, 54, 58, 52, spark_w + 8]
    return table(rows, [w - sum(fixed), *fixed], extra=extra, right=(2, 3))


def _questions(data: ReviewReport, w: float) -> Flowable:
    st = styles()
    r = data.review
    any_off = any(t.points and t.points[-1].status is Status.OFF_TRACK for t in data.tracks)

    def block(title: str, text: str, empty: str, warn: bool = False) -> list[Flowable]:
        body = (para(text, st.small, TEXT_LIMIT) if text.strip() else
                markup(f'<font color="{hexcolor(SEVERITY["critical"] if warn else MUTED)}">{esc(empty)}</font>', st.small))
        return [markup(title, _question_style()), body]

    plan_missing = any_off and not r.has_recovery_plan
    cols = [
        block("2 · What is blocking progress?", r.blockers, "No blockers recorded."),
        block("3 · What decisions are needed?", _decisions_text(r), "No decision needed this month."),
        block("Recovery plan", r.recovery_plan if r.has_recovery_plan else "",
              "None recorded, with a metric off track." if plan_missing else "None needed.", warn=plan_missing),
    ]
    gap = 10.0
    cw = (w - 2 * gap) / 3
    t = layout_table([cols], [cw + gap, cw + gap, cw])
    t.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (1, 0), gap),
        ("RIGHTPADDING", (2, 0), (2, 0), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return t


def _decisions_text(r: Review) -> str:
    """The review's decisions-needed text, then each decision item with its owner and due date."""
    lines = [r.decisions_needed.strip()] if r.decisions_needed.strip() else []
    for d in r.decisions:
        tail = ", ".join(x for x in (d.owner, f"due {d.due.isoformat()}" if d.due else "",
                                     f"decided {d.decided_on.isoformat()}" if d.decided_on else "open") if x)
        if d.text.strip() != r.decisions_needed.strip():
            lines.append(f"• {d.text} ({tail})")
        else:
            lines.append(f"({tail})")
    return "\n".join(lines)


def _question_style() -> Any:
    from reportlab.lib.styles import ParagraphStyle

    h2 = styles().h2
    return ParagraphStyle("question", parent=h2, fontSize=9.5, leading=12.5, spaceBefore=4, spaceAfter=3)


def _tolerance_note(data: ReviewReport) -> str:
    """How the status is decided, with each metric's margin in its own unit (not "10 %" of the value)."""
    margins = [
        f"{t.metric.name} {tolerance_words(t.metric, why=False)}"
        for t in data.tracks
        if t.metric.baseline is not None and t.metric.target is not None
    ]
    on_track = f" On track means {'; '.join(margins)} ({TOLERANCE_WHY})." if margins else ""
    return ("Expected: the straight line from baseline at kickoff to target on the target date." + on_track
            + " Trend: actuals (line), expected (dotted).")


def _flags(data: ReviewReport, w: float) -> list[Flowable]:
    st = styles()
    if not data.flags:
        return [para("None: no metric has been off track two months running without a recovery plan.", st.small)]
    rows: list[list[object]] = []
    extra: list[tuple[Any, ...]] = []
    for i, f in enumerate(data.flags):
        label = severity_label(f.severity.value, f.acknowledged)
        text = esc(f.message, 400)
        if f.acknowledgement is not None:
            a = f.acknowledgement
            label += f'<br/><font size=7 color="{hexcolor(MUTED)}">acknowledged</font>'
            text += f"<br/><b>Acknowledged</b> by {esc(a.by, 80)} on {esc(a.at[:10])}: {esc(a.rationale, 300)}"
            extra.append(("BACKGROUND", (0, i), (-1, i), WASH))
        evidence = "<br/>".join(f"• {esc(e, 200)}" for e in f.evidence[:6])
        rows.append([markup(label, st.cell), markup(text, st.cell), markup(evidence, st.cell_muted)])
    return [table(rows, [56, (w - 56) * 0.5, (w - 56) * 0.5], header_rows=0, extra=extra)]


_MILESTONE_COLOUR = {
    MilestoneState.REACHED: GOOD,
    MilestoneState.REACHED_LATE: SEVERITY["high"],
    MilestoneState.OVERDUE: SEVERITY["critical"],
    MilestoneState.DUE: FAINT,
    MilestoneState.NOT_SCHEDULED: FAINT,
}


def _promise(data: ReviewReport, w: float) -> list[Flowable]:
    st = styles()
    tl = data.timeline
    if tl.promised_months is None:
        line = f"No kickoff-to-production time was promised; {tl.elapsed_months:g} months have passed since kickoff."
    elif tl.actual_months is not None:
        verdict = "late" if tl.late else "on time"
        line = (f"Promised production in {tl.promised_months:g} months; reached it in {tl.actual_months:.1f} "
                f"<b>({verdict})</b>.")
    else:
        production_due = add_months(data.kickoff, int(round(tl.promised_months)))
        state = (f'<font color="{hexcolor(SEVERITY["high"])}"><b>late</b></font>: not in production yet'
                 if tl.late else "not in production yet")
        line = (f"Promised production in <b>{tl.promised_months:g} months</b> (by {long_date(production_due)}); "
                f"{tl.elapsed_months:g} months have passed at the end of {month_label(data.month)} — {state}.")
    out: list[Flowable] = [markup(line, st.small)]
    if not data.milestones:
        out.append(para("No milestones were promised.", st.cell_muted))
        return out
    rows: list[list[object]] = [["MILESTONE PROMISED", "DUE", "REACHED", "AT THE END OF THE MONTH"]]
    for m in data.milestones[:10]:
        colour = _MILESTONE_COLOUR.get(m.state)
        word = f"<b>{esc(m.state.value)}</b>" if colour is not FAINT else esc(m.state.value)
        if m.late_text:
            word += f" · {m.late_text}"
        state = f'<font color="{hexcolor(colour or FAINT)}">{word}</font>'
        reached_text = m.reached_on.isoformat() if m.reached_on is not None else "—"
        due_text = f"month {m.promised_month} · {m.due.isoformat()}" if m.due is not None else "no month"
        rows.append([para(m.name, st.cell, 160), due_text, reached_text, markup(state, st.cell)])
    if len(data.milestones) > 10:
        rows.append([markup(f"… {len(data.milestones) - 10} more milestones", st.cell_muted), "", "", ""])
    out.append(Spacer(1, 1.5 * mm))
    out.append(table(rows, [w - 110 - 70 - 110, 110, 70, 110]))
    return out

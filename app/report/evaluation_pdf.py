"""The executive comparison PDF: page 1 is the decision, the rest is the evidence behind it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    TableStyle,
)

from app.domain.evaluation import Results, evidence_backing, flag_counts, open_flags
from app.domain.flags import INDUSTRY_AVERAGE_MONTHS, Fit, RedFlag, infrastructure_needs
from app.domain.models import Answer, Vendor
from app.domain.scoring import VendorScore
from app.domain.sensitivity import CLOSE_CALL_POINTS, STABILITY_RANGE
from app.domain.text import Synonyms
from app.domain.wording import plural
from app.report import charts
from app.report.common import (
    ACCENT,
    ACCENT_WASH,
    FONT,
    FONT_BOLD,
    GOOD,
    INK,
    MUTED,
    RULE,
    SEVERITY,
    SEVERITY_WASH,
    WASH,
    Metadata,
    PageFrame,
    ReportDocument,
    clean,
    esc,
    fmt1,
    hexcolor,
    layout_table,
    long_date,
    markup,
    money,
    para,
    pct,
    pdf_date,
    severity_label,
    signed,
    styles,
    table,
)

PAGE1_RANKING_ROWS = 12
PAGE1_FLAGS = 6
CHART_VENDORS = 5
ANSWERS_SHOWN = 3
NOTE_LIMIT = 300
EVIDENCE_LIMIT = 400
EVIDENCE_ITEMS = 8
SEVERITIES = ("critical", "high", "medium")
# The score matrix puts sections across while each gets this many points; else it turns (sections down).
MATRIX_MIN_COLUMN = 48.0
MATRIX_VENDOR_COLUMN = 64.0


@dataclass
class EvaluationReport:
    """Everything the report prints, gathered by the service in one read of the workspace."""

    results: Results
    as_of: date  # the latest change to the evaluation: the printed date, so the same data gives the same file
    synonyms: Synonyms


def build_evaluation_pdf(
    data: EvaluationReport,
    out: BinaryIO,
    summary: bool = False,
    progress: Callable[[float, str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> None:
    r = data.results
    name = r.snapshot.name
    doc = ReportDocument(
        out,
        Metadata(
            title=f"{name} — partner comparison",
            subject=_subject(r),
            keywords="AI implementation partner, evaluation, Diligence",
        ),
        PageFrame(name, "Partner comparison" + (" — summary" if summary else ""), long_date(data.as_of)),
        pdf_date(data.as_of),
        progress,
        cancel,
    )
    view = _View(data, doc.portrait_width, doc.portrait_height, doc.landscape_width)
    story: list[Flowable] = [view.decision_page()]
    if not summary:
        story += view.chart_page()
        story += view.matrix_page()
        story += view.flags_pages()
        story += view.robustness_page()
        story += view.why_leader_page()
        for v in r.ranking:
            story += view.vendor_page(v)
        story += view.evidence_appendix()
        story += view.method_page()
    doc.build_story(story)


def _subject(r: Results) -> str:
    uc = r.snapshot.use_case
    return f"Which AI implementation partner for: {uc.title}" if uc else "Which AI implementation partner"


def _count_text(flags: list[RedFlag]) -> str:
    counts = flag_counts(flags)
    parts = [f"{n} {s}" for s, n in counts.open.items() if n]
    if counts.acknowledged:
        parts.append(f"{counts.acknowledged} acknowledged")
    return ", ".join(parts) if parts else "no red flags"


class _View:
    """Turns Results into flowables; one method per part of the report."""

    def __init__(self, data: EvaluationReport, width: float, height: float, wide: float) -> None:
        self.data = data
        self.r = data.results
        self.snap = data.results.snapshot
        self.st = styles()
        self.w = width
        self.h = height
        self.wide = wide
        self.bank = self.snap.bank
        self.by_vendor = {v.vendor: v for v in self.r.ranking}
        leader = self.r.leader
        self.leader = leader if leader is not None and not leader.knocked_out else None
        self.runner_up = self.r.runner_up
        self.notes: dict[tuple[str, str], list[Answer]] = {}
        for a in self.snap.answers:
            self.notes.setdefault((a.vendor, a.question), []).append(a)

    # ----- page 1 ----------------------------------------------------------------------------

    def decision_page(self) -> Flowable:
        st = self.st
        items: list[Flowable] = []
        items.append(markup(f"PARTNER RECOMMENDATION · {esc(long_date(self.data.as_of)).upper()}", st.kicker))
        if self.leader is not None and self.r.comparable and self.r.scoring.provisional:
            items.append(markup(f"Leading so far: {esc(self.leader.vendor, 220)}", st.title))
        elif self.leader is not None and self.r.comparable:
            items.append(markup(f"Recommendation: {esc(self.leader.vendor, 220)}", st.title))
        else:
            items.append(markup("No recommendation yet", st.title))
        uc = self.snap.use_case
        if uc is not None:
            items.append(markup(f"<b>Use case</b> · {esc(uc.title, 220)}", st.subtitle))
            impact = f"{money(uc.impact.amount, uc.impact.unit)} ({esc(uc.impact.kind.value)})"
            who = f" · acted on by {esc(uc.actors, 120)}" if uc.actors.strip() else ""
            items.append(markup(f"<b>Expected impact</b> · {impact}{who}", st.subtitle))
        else:
            items.append(markup("<b>Use case</b> · not linked to this evaluation", st.subtitle))
        if self.r.scoring.provisional:
            items.append(Spacer(1, 3 * mm))
            items.append(_band(markup(self._provisional_text(), _colour_style(st.callout, SEVERITY["high"])),
                               self.w, "high"))
        items.append(Spacer(1, 5 * mm))
        items.append(self._verdict_box())
        if self.leader is not None:
            items.append(Spacer(1, 1.5 * mm))
            items.append(markup(self._backing_sentence(self.leader.vendor), st.small))
        items.append(Spacer(1, 5 * mm))
        items.append(markup("Ranking", st.h2))
        items.append(self._ranking_table())
        items.append(markup("Red flags to weigh", st.h2))
        items.extend(self._page1_flags())
        items.append(Spacer(1, 5 * mm))
        items.append(self._decision_box())
        # Page 1 is one page whatever the input: shrink rather than spill (30 vendors, long names).
        return KeepInFrame(self.w, self.h - 2, items, mode="shrink")

    def _backing_sentence(self, vendor: str) -> str:
        """'Evidence · 4 of 94 scores cite evidence …': how much of the leader's score rests on documents."""
        b = evidence_backing(self.snap, vendor)
        return (f"<b>Evidence</b> · {esc(b.words())} for {esc(vendor, 120)}: an evaluator's score counts when "
                "its answer quotes a page of the vendor's documents (listed in the evidence appendix).")

    def _provisional_text(self) -> str:
        """Who is still scoring and how far they are; never their values (blind scoring)."""
        return esc(self.r.scoring.summary()).replace("PROVISIONAL:", "<b>PROVISIONAL:</b>", 1)

    def _verdict_box(self) -> Flowable:
        st, r = self.st, self.r
        sens = r.sensitivity
        w = self.w
        thin = r.thin_data()
        if self.leader is None or thin is not None:
            text = thin or ""
            box = layout_table([[markup(f"<b>{esc(text)}</b>", st.callout)]], [w])
            box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), WASH), ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                                     ("LEFTPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 9),
                                     ("BOTTOMPADDING", (0, 0), (-1, -1), 9)]))
            return box
        leader = self.leader
        share = sens.win_share.get(leader.vendor)
        if self.runner_up is not None and sens.margin is not None:
            margin_big = f"+{sens.margin:.1f}"
            margin_label = f"points ahead of {esc(self.runner_up.vendor, 80)} ({fmt1(self.runner_up.total)})"
        else:
            margin_big = "—"
            margin_label = "no other vendor to compare with"
        cells = [
            [
                markup(fmt1(leader.total), st.big_number),
                markup(margin_big, st.big_number),
                markup(pct(share) if share is not None else "—", st.big_number),
            ],
            [
                markup("total score out of 100", st.muted),
                markup(margin_label, st.muted),
                markup(f"of {sens.draws:,} weighting scenarios won", st.muted),
            ],
        ]
        col = w / 3
        t = layout_table(cells, [col, col, col])
        t.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), ACCENT_WASH),
            ("LINEBEFORE", (1, 0), (-1, -1), 0.6, colors_white()),
            ("LEFTPADDING", (0, 0), (-1, -1), 12),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, 0), 10),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
            ("TOPPADDING", (0, 1), (-1, 1), 1),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 10),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        parts: list[Flowable] = [t]
        if sens.too_close_to_call and self.runner_up is not None:
            warn = (
                f"<b>TOO CLOSE TO CALL.</b> {esc(leader.vendor, 80)} and {esc(self.runner_up.vendor, 80)} are "
                f"{sens.margin:.1f} points apart, less than {CLOSE_CALL_POINTS:g}. At this distance the weighting, "
                "not the vendors, decides the order: do not choose on the score alone."
            )
            band = layout_table([[markup(warn, _colour_style(st.callout, SEVERITY["critical"]))]], [w])
            band.setStyle(TableStyle([
                ("BACKGROUND", (0, 0), (-1, -1), SEVERITY_WASH["critical"]),
                ("LINEBEFORE", (0, 0), (0, -1), 3, SEVERITY["critical"]),
                ("LEFTPADDING", (0, 0), (-1, -1), 12), ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]))
            parts.append(band)
        parts.append(Spacer(1, 2 * mm))
        parts.append(markup(self._stability_sentence(), st.small))
        holder = layout_table([[p] for p in parts], [w])
        holder.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                    ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        return holder

    def _stability_sentence(self) -> str:
        sens = self.r.sensitivity
        fragile = self.r.fragile_sections
        if self.runner_up is None:
            return "With a single contender there is no ranking to stress-test."
        if not fragile:
            return (f"The lead holds if any one section's weight changes by up to ±{STABILITY_RANGE:.0%}. "
                    "Sensitivity details are in the report.")
        section, change = fragile[0]
        way = "raising" if sens.stability_direction.get(section, 0) > 0 else "lowering"
        return (f"<b>The lead is sensitive to weighting:</b> {way} the weight of {esc(section)} by {change:.0%} "
                "changes the winner.")

    def _ranking_table(self) -> Flowable:
        st = self.st
        ranking = self.r.ranking
        if not ranking:
            return para("No vendors yet.", st.muted)
        shown = ranking[:PAGE1_RANKING_ROWS]
        w = self.w
        widths = [16, w * 0.32, 36, 50, 32, 46]  # wide enough for each header on one line
        widths.append(w - sum(widths))
        rows: list[list[object]] = [["#", "VENDOR", "TOTAL", "CRITICAL", "HIGH", "MEDIUM", "STATUS"]]
        extra: list[tuple[Any, ...]] = []
        for i, v in enumerate(shown, start=1):
            c = self.r.flag_counts(v.vendor).open
            if v.knocked_out:
                reasons = "; ".join(v.knockout_reasons)
                status = markup(f'<font color="{hexcolor(SEVERITY["critical"])}"><b>Knocked out</b></font> · '
                                f"{esc(self._reason_text(reasons), 160)}", st.cell)
            elif v.total is None:
                status = markup("Nothing scored yet", st.cell_muted)
            elif self.leader is not None and v.vendor == self.leader.vendor and self.r.comparable:
                status = markup(f'<font color="{hexcolor(ACCENT)}"><b>Recommended</b></font>', st.cell)
            elif self.runner_up is not None and v.vendor == self.runner_up.vendor:
                status = markup("Runner-up", st.cell)
            else:
                status = markup("", st.cell)
            name_style = st.cell_bold if self.leader is not None and v.vendor == self.leader.vendor else st.cell
            rows.append([
                "—" if v.rank is None else str(v.rank),
                para(v.vendor, name_style),
                fmt1(v.total),
                *(self._count_cell(c[s], s) for s in SEVERITIES),
                status,
            ])
            if v.knocked_out:
                extra.append(("TEXTCOLOR", (0, i), (2, i), MUTED))
        if len(ranking) > len(shown):
            rows.append(["", markup(f"… and {len(ranking) - len(shown)} more vendors, all in the score matrix", st.cell_muted),
                         "", "", "", "", ""])
        extra += [("FONT", (2, 1), (2, -1), FONT_BOLD, 8), ("LEFTPADDING", (6, 0), (6, -1), 12)]
        return table(rows, widths, extra=extra, right=(2, 3, 4, 5))

    def _reason_text(self, reasons: str) -> str:
        """'CL04: scored 1.0 of 5 …' with the question's words, so an executive knows what failed."""
        first = reasons.split(":", 1)[0].strip()
        try:
            q = self.bank.question(first)
        except KeyError:
            return reasons
        return f"{reasons} ({clean(q.question, 110)})"

    def _count_cell(self, n: int, severity: str) -> Paragraph:
        if not n:
            return markup('<font color="#B8BEC6">–</font>', self.st.cell_right)
        return markup(f'<font name="{FONT_BOLD}" color="{hexcolor(SEVERITY[severity])}">{n}</font>', self.st.cell_right)

    def _page1_flags(self) -> list[Flowable]:
        st = self.st
        order = {v.vendor: i for i, v in enumerate(self.r.ranking)}
        serious = [
            f
            for v in self.r.ranking
            for f in open_flags(self.r.flags.get(v.vendor, []))
            if f.severity.value in ("critical", "high")
        ]
        serious.sort(key=lambda f: (f.severity.rank, order.get(f.vendor, 0), f.rule))
        total_open = sum(len(open_flags(fl)) for fl in self.r.flags.values())
        if not serious:
            text = "No open critical or high red flags." if total_open == 0 else (
                f"No open critical or high red flags; {plural(total_open, 'medium flag')} "
                f"{'is' if total_open == 1 else 'are'} listed in the report.")
            return [para(text, st.body)]
        rows: list[list[object]] = []
        for f in serious[:PAGE1_FLAGS]:
            rows.append([markup(severity_label(f.severity.value), st.cell), para(f.vendor, st.cell_bold, 120),
                         para(f.message, st.cell, 260)])
        t = table(rows, [56, self.w * 0.25, self.w * 0.75 - 56], header_rows=0)
        out: list[Flowable] = [t]
        rest = len(serious) - PAGE1_FLAGS
        medium = total_open - len(serious)
        tail = []
        if rest > 0:
            tail.append(f"{rest} more critical or high")
        if medium > 0:
            tail.append(f"{medium} medium")
        if tail:
            out.append(Spacer(1, 1.5 * mm))
            out.append(para(f"Also open: {' and '.join(tail)} — every flag with its evidence follows in the report.", st.muted))
        return out

    def _decision_box(self) -> Flowable:
        st, r = self.st, self.r
        sens = r.sensitivity
        uc = self.snap.use_case
        purpose = f" for “{esc(uc.title, 140)}”" if uc else ""
        if self.leader is None or not r.comparable or r.scoring.provisional:
            head = "No decision yet"
            body = ("Complete the scoring (every evaluator submits) before a partner can be chosen. "
                    + (r.thin_data() or ""))
        else:
            lv = esc(self.leader.vendor, 100)
            vendor = self._vendor(self.leader.vendor)
            price = ""
            if vendor is not None and vendor.pricing.amount:
                price = (f" The quoted price is {money(vendor.pricing.amount, vendor.pricing.currency)}"
                         f"{' (' + esc(vendor.pricing.model, 80) + ')' if vendor.pricing.model.strip() else ''}.")
            critical = [f for f in open_flags(r.flags.get(self.leader.vendor, [])) if f.severity.value == "critical"]
            if sens.too_close_to_call and self.runner_up is not None:
                head = f"Choose between {lv} and {esc(self.runner_up.vendor, 100)}"
                body = ("The scores do not separate them. Ask for reference calls and a paid two-week pilot on our "
                        "data with both, then decide on the results rather than on the score.")
            elif critical:
                head = f"Approve {lv}{purpose}, on condition"
                body = (f"{plural(len(critical), 'critical red flag')} must be resolved in writing before signature; "
                        "otherwise, move to the runner-up." + price)
            else:
                head = f"Approve {lv} as implementation partner{purpose}"
                body = "Authorise contract negotiation on the committed timeline and milestones." + price
                if self.runner_up is not None:
                    body += f" {esc(self.runner_up.vendor, 100)} ({fmt1(self.runner_up.total)}) is the fallback."
        cell = [markup("THE DECISION ASKED OF YOU", self.st.kicker), markup(f"<b>{head}</b>", st.h2),
                markup(body, st.body)]
        box = layout_table([[cell]], [self.w])
        box.setStyle(TableStyle([
            ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT),
            ("BACKGROUND", (0, 0), (-1, -1), WASH),
            ("LEFTPADDING", (0, 0), (-1, -1), 12), ("RIGHTPADDING", (0, 0), (-1, -1), 12),
            ("TOPPADDING", (0, 0), (-1, -1), 9), ("BOTTOMPADDING", (0, 0), (-1, -1), 11),
        ]))
        return box

    def _vendor(self, name: str) -> Vendor | None:
        try:
            return self.snap.vendor(name)
        except KeyError:
            return None

    # ----- comparison ------------------------------------------------------------------------

    def chart_page(self) -> list[Flowable]:
        st = self.st
        out: list[Flowable] = [PageBreak(), markup("HOW THEY COMPARE", st.kicker),
                               markup("Section scores", st.h1)]
        scored = [v for v in self.r.ranking if v.total is not None][:CHART_VENDORS]
        sections = self.bank.sections
        if not scored or not sections:
            out.append(para("No vendor has a score yet.", st.muted))
            return out
        note = "Each section scored out of 100; vendors in ranking order, the first in navy."
        if len([v for v in self.r.ranking if v.total is not None]) > len(scored):
            note += f" The top {len(scored)} are shown; every vendor is in the score matrix."
        out.append(para(note, st.muted))
        out.append(Spacer(1, 4 * mm))
        out.append(charts.section_chart(self.w, sections, [v.vendor for v in scored],
                                        [[v.sections.get(s) for s in sections] for v in scored]))
        return out

    def matrix_page(self) -> list[Flowable]:
        st = self.st
        sections = self.bank.sections
        out: list[Flowable] = [NextPageTemplate("landscape"), PageBreak(), markup("HOW THEY COMPARE", st.kicker),
                               markup("Score matrix", st.h1),
                               ]
        w = self.wide
        fixed = [16, 150, 36]
        flag_w = 3 * 40
        sec_w = (w - sum(fixed) - flag_w) / max(1, len(sections))
        turned = sec_w < MATRIX_MIN_COLUMN
        out += [para("Every vendor by section, out of 100. Darker cells score higher; the last "
                     + ("rows" if turned else "columns") + " count open red flags.", st.muted), Spacer(1, 3 * mm)]
        if turned:
            # Too many sections to stand side by side (CAIQ has 17): sections down, vendors across.
            out += self._matrix_by_section(sections)
            out.append(NextPageTemplate("portrait"))
            return out
        head: list[object] = ["#", "VENDOR", "TOTAL", *sections, "CRITICAL", "HIGH", "MEDIUM"]
        rows: list[list[object]] = [head]
        extra: list[tuple[Any, ...]] = [("FONT", (2, 1), (2, -1), FONT_BOLD, 8)]
        for i, v in enumerate(self.r.ranking, start=1):
            c = self.r.flag_counts(v.vendor).open
            label = para(v.vendor, st.cell)
            if v.knocked_out:
                label = markup(f"{esc(v.vendor)} <font color=\"{hexcolor(SEVERITY['critical'])}\">(knocked out)</font>", st.cell)
            row: list[object] = ["—" if v.rank is None else str(v.rank), label, fmt1(v.total)]
            for k, s in enumerate(sections, start=3):
                value = v.sections.get(s) if v.total is not None else None  # nothing scored: "—", never 0
                row.append(fmt1(value))
                if value is not None:
                    extra.append(("BACKGROUND", (k, i), (k, i), _heat(value)))
            for j, sev in enumerate(SEVERITIES):
                n = c[sev]
                row.append(str(n) if n else "–")
                col = 3 + len(sections) + j
                extra.append(("TEXTCOLOR", (col, i), (col, i), SEVERITY[sev] if n else RULE))
            rows.append(row)
        extra.append(("LINEBEFORE", (3 + len(sections), 0), (3 + len(sections), -1), 0.6, RULE))
        extra.append(("LEFTPADDING", (3 + len(sections), 0), (3 + len(sections), -1), 8))
        out.append(table(rows, [*fixed, *([sec_w] * len(sections)), 40, 40, 40], extra=extra,
                         right=range(2, len(head))))
        out.append(NextPageTemplate("portrait"))
        return out

    def _matrix_by_section(self, sections: Sequence[str]) -> list[Flowable]:
        """The score matrix transposed: one row a section, one column a vendor, in ranking order."""
        st = self.st
        label_w = 190.0
        per = max(1, int((self.wide - label_w) // MATRIX_VENDOR_COLUMN))
        ranking = list(self.r.ranking)
        out: list[Flowable] = []
        for start in range(0, len(ranking), per):
            chunk = ranking[start : start + per]
            col_w = min((self.wide - label_w) / len(chunk), 110.0)
            head: list[object] = ["SECTION"]
            for v in chunk:
                name = esc(v.vendor, 60)
                if v.knocked_out:
                    name += f'<br/><font color="{hexcolor(SEVERITY["critical"])}">knocked out</font>'
                head.append(markup(f"<b>{v.rank}.</b> {name}", st.cell))
            rows: list[list[object]] = [head, [markup("<b>Total</b>", st.cell), *[fmt1(v.total) for v in chunk]]]
            extra: list[tuple[Any, ...]] = [("FONT", (1, 1), (-1, 1), FONT_BOLD, 8), ("LINEBELOW", (0, 1), (-1, 1), 0.6, RULE)]
            for i, sec in enumerate(sections, start=2):
                row: list[object] = [para(sec, st.cell)]
                for k, v in enumerate(chunk, start=1):
                    value = v.sections.get(sec) if v.total is not None else None  # nothing scored: "—", never 0
                    row.append(fmt1(value))
                    if value is not None:
                        extra.append(("BACKGROUND", (k, i), (k, i), _heat(value)))
                rows.append(row)
            first_flag = len(rows)
            for sev in SEVERITIES:
                row = [para(f"Open {sev} red flags", st.cell_muted)]
                for k, v in enumerate(chunk, start=1):
                    n = self.r.flag_counts(v.vendor).open[sev]
                    row.append(str(n) if n else "–")
                    extra.append(("TEXTCOLOR", (k, len(rows)), (k, len(rows)), SEVERITY[sev] if n else RULE))
                rows.append(row)
            extra.append(("LINEABOVE", (0, first_flag), (-1, first_flag), 0.6, RULE))
            if start:
                out.append(Spacer(1, 5 * mm))
            out.append(table(rows, [label_w, *([col_w] * len(chunk))], extra=extra, right=range(1, len(chunk) + 1)))
        return out

    # ----- red flags -------------------------------------------------------------------------

    def flags_pages(self) -> list[Flowable]:
        st = self.st
        out: list[Flowable] = [PageBreak(), markup("RED FLAGS", st.kicker), markup("Red flags and their evidence", st.h1),
                               para("Raised automatically from each vendor's profile and answers. An acknowledged "
                                    "flag stays listed, greyed, with who accepted it, when and why.", st.muted)]
        for v in self.r.ranking:
            flags = self.r.flags.get(v.vendor, [])
            out.append(CondPageBreak(40 * mm))
            out.append(markup(f"{esc(v.vendor)} <font size=8 color=\"{hexcolor(MUTED)}\">· {esc(_count_text(flags))}</font>",
                              _keep(st.h2)))
            if not flags:
                out.append(para("No red flags.", st.muted))
                continue
            rows: list[list[object]] = [["SEVERITY", "FINDING", "EVIDENCE"]]
            extra: list[tuple[Any, ...]] = []
            for i, f in enumerate(flags, start=1):
                sev = severity_label(f.severity.value, f.acknowledged)
                if f.acknowledged:
                    sev += f'<br/><font size=7 color="{hexcolor(MUTED)}">acknowledged</font>'
                finding = esc(f.message, 600)
                ack = f.acknowledgement
                if ack is not None:
                    finding = (f'<font color="{hexcolor(MUTED)}">{finding}</font><br/><br/>'
                               f"<b>Acknowledged</b> by {esc(ack.by, 80)} on {esc(ack.at[:10])}: "
                               f"{esc(ack.rationale, 600)}")
                    extra.append(("BACKGROUND", (0, i), (-1, i), WASH))
                items = [f"• {esc(e, EVIDENCE_LIMIT)}" for e in f.evidence[:EVIDENCE_ITEMS]]
                if len(f.evidence) > EVIDENCE_ITEMS:
                    items.append(f"… {len(f.evidence) - EVIDENCE_ITEMS} more")
                rows.append([markup(sev, st.cell), markup(finding, st.cell),
                             markup("<br/>".join(items) or "—", st.cell_muted)])
            out.append(table(rows, [64, (self.w - 64) * 0.48, (self.w - 64) * 0.52], extra=extra))
        return out

    # ----- robustness ------------------------------------------------------------------------

    def robustness_page(self) -> list[Flowable]:
        st = self.st
        sens = self.r.sensitivity
        out: list[Flowable] = [PageBreak(), markup("ROBUSTNESS", st.kicker), markup("How robust is the ranking?", st.h1)]
        if self.leader is None or self.runner_up is None:
            out.append(para("Sensitivity needs at least two scored vendors that are not knocked out.", st.muted))
        else:
            if sens.too_close_to_call:
                lead = (f"<b>Too close to call:</b> the top two are {sens.margin:.1f} points apart, less than "
                        f"{CLOSE_CALL_POINTS:g}.")
            else:
                lead = (f"<b>{esc(self.leader.vendor, 100)}</b> leads <b>{esc(self.runner_up.vendor, 100)}</b> by "
                        f"{sens.margin:.1f} points (a lead under {CLOSE_CALL_POINTS:g} points would be too close to call).")
            out.append(markup(lead, st.body))
            out.append(markup("Who wins when the weights move", _keep(st.h2)))
            out.append(para(f"We re-ran the ranking {sens.draws:,} times with section weights shuffled at random "
                            "around the agreed ones; this is the share of runs each vendor wins.", st.muted))
            out.append(Spacer(1, 2 * mm))
            rows: list[list[object]] = [["VENDOR", "WINS", ""]]
            shares = sorted(((k, s) for k, s in sens.win_share.items() if s > 0), key=lambda kv: (-kv[1], kv[0].casefold()))
            bar_w = self.w * 0.35
            for k, s in shares:
                rows.append([para(k, st.cell), pct(s), charts.share_bar(bar_w, s, k == self.leader.vendor)])
            others = len(sens.win_share) - len(shares)
            if others:
                rows.append([markup(plural(others, "other vendor"), st.cell_muted), "0 %", ""])
            out.append(table(rows, [self.w - bar_w - 60, 44, bar_w + 16], right=(1,)))
            out.append(markup("How far each section's weight can move", _keep(st.h2)))
            out.append(para(f"The smallest change of one section's weight (the others rescaled) that makes someone "
                            f"else the winner, searched within ±{STABILITY_RANGE:.0%}.", st.muted))
            out.append(Spacer(1, 2 * mm))
            weights = self.bank.section_weights()
            total_w = sum(weights.values()) or 1.0
            rows = [["SECTION", "WEIGHT", "SHARE", "WINNER CHANGES WHEN THE WEIGHT MOVES BY"]]
            for section, weight in weights.items():
                change = sens.weight_stability.get(section)
                if change is None:
                    verdict = markup(f"stable within ±{STABILITY_RANGE:.0%}", st.cell_muted)
                else:
                    way = "raised" if sens.stability_direction.get(section, 0) > 0 else "lowered"
                    verdict = markup(f'<font color="{hexcolor(SEVERITY["high"])}"><b>{change:.0%}</b></font> '
                                     f"({way})", st.cell)
                rows.append([para(section, st.cell), f"{weight:g}", f"{100 * weight / total_w:.1f} %", verdict])
            out.append(table(rows, [self.w * 0.36, 50, 50, self.w * 0.64 - 100], right=(1, 2),
                             extra=[("LEFTPADDING", (3, 0), (3, -1), 14)]))
        return out

    def why_leader_page(self) -> list[Flowable]:
        st = self.st
        if self.leader is None or self.runner_up is None:
            return []
        a, b = self.leader.vendor, self.runner_up.vendor
        cmp = self.r.comparison(a, b)
        out: list[Flowable] = [PageBreak(), markup("WHY THE LEADER WINS", st.kicker),
                               markup(f"Why {esc(a, 100)} leads {esc(b, 100)}", st.h1),
                               para(f"{a} scores {fmt1(cmp.a_total)} against {fmt1(cmp.b_total)} for {b}, "
                                    f"{signed(cmp.difference)} points. Each section's contribution to the 0–100 total, "
                                    "largest difference first.", st.muted), Spacer(1, 3 * mm)]
        scale = max((abs(g.difference) for g in cmp.sections), default=0.0)
        bar_w = 90.0
        rows: list[list[object]] = [["SECTION", clean(a, 60).upper(), clean(b, 60).upper(), "DIFFERENCE", ""]]
        extra: list[tuple[Any, ...]] = []
        for i, g in enumerate(cmp.sections, start=1):
            d = round(g.difference, 1)
            rows.append([para(g.section, st.cell), f"{g.a_points:.1f}", f"{g.b_points:.1f}", signed(g.difference),
                         charts.diverging_bar(bar_w, g.difference, scale)])
            extra.append(("TEXTCOLOR", (3, i), (3, i), GOOD if d > 0 else SEVERITY["critical"] if d < 0 else MUTED))
        rows.append([markup("<b>Total</b>", st.cell), fmt1(cmp.a_total), fmt1(cmp.b_total), signed(cmp.difference), ""])
        extra += [("FONT", (0, len(rows) - 1), (-1, len(rows) - 1), FONT_BOLD, 8),
                  ("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 0.8, INK)]
        rest = self.w - bar_w - 3 * 64 - 8
        out.append(table(rows, [rest, 64, 64, 64, bar_w + 8], extra=extra, right=(1, 2, 3)))
        if cmp.top_questions:
            out.append(markup("The questions that moved the result most", _keep(st.h2)))
            out.append(para(f"Points {a} gains (+) or loses (−) against {b} on single questions.", st.muted))
            out.append(Spacer(1, 2 * mm))
            rows = [["QUESTION", "POINTS"]]
            for qid, diff in cmp.top_questions:
                try:
                    text = self.bank.question(qid).question
                except KeyError:
                    text = ""
                rows.append([markup(f"<b>{esc(qid)}</b> {esc(text, 160)}", st.cell), signed(diff)])
            out.append(table(rows, [self.w - 60, 60], right=(1,)))
        return out

    # ----- vendors ---------------------------------------------------------------------------

    def vendor_page(self, v: VendorScore) -> list[Flowable]:
        st = self.st
        vendor = self._vendor(v.vendor)
        flags = self.r.flags.get(v.vendor, [])
        out: list[Flowable] = [PageBreak(), markup(
            "VENDOR PROFILE · NOT SCORED YET" if v.rank is None
            else f"VENDOR PROFILE · RANK {v.rank} OF {sum(x.rank is not None for x in self.r.ranking)}",
            st.kicker),
                               para(v.vendor, st.h1)]
        facts = [f"<b>Total {fmt1(v.total)}</b>", esc(_count_text(flags))]
        if vendor is not None and vendor.demo_rating is not None:
            facts.append(f"demo rated {vendor.demo_rating:g} of 5")
        if v.gaps:
            facts.append(plural(len(v.gaps), "unanswered question"))
        out.append(markup(" · ".join(facts), st.body))
        if v.knocked_out:
            out.append(Spacer(1, 2 * mm))
            out.append(_band(markup(f"<b>Knocked out:</b> {esc(self._reason_text('; '.join(v.knockout_reasons)), 600)}",
                                    _colour_style(st.body, SEVERITY["critical"])), self.w, "critical"))
        if vendor is not None and vendor.claims.strip():
            out.append(Spacer(1, 2 * mm))
            out.append(markup(f"<i>What they say:</i> “{esc(vendor.claims, 400)}”", st.muted))
        out.append(Spacer(1, 2 * mm))
        # Scores on the left, the promise (timeline and price) on the right: one page per vendor.
        left_w = self.w * 0.54
        right_w = self.w - left_w - 14
        left: list[Flowable] = []
        sections = self.bank.sections
        if v.total is not None and sections:
            best = [max((sc for x in self.r.ranking if (sc := x.sections.get(s)) is not None), default=None)
                    for s in sections]
            left += [markup("Section scores", st.h2),
                     charts.score_bars(left_w, sections, [v.sections.get(s) for s in sections], best),
                     Spacer(1, 1 * mm),
                     para("The tick marks the best score any vendor reached in that section.", st.muted)]
        else:
            left += [markup("Section scores", st.h2), para("Nothing scored yet.", st.muted)]
        if vendor is not None:
            left += self._references(vendor)
        right: list[Flowable] = []
        if vendor is not None:
            right += self._timeline(vendor, right_w)
            right += self._pricing(vendor, right_w)
        pair = layout_table([[left, right]], [left_w + 14, right_w])
        pair.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        out.append(pair)
        out += self._answers(v)
        return out

    def _answers(self, v: VendorScore) -> list[Flowable]:
        st = self.st
        contributions = [c for c in self.r.board.contributions(v.vendor) if c.status != "n/a"]
        if not contributions:
            return []
        strongest = sorted((c for c in contributions if c.score is not None),
                           key=lambda c: (-(c.score or 0.0), -c.weight, c.question))[:ANSWERS_SHOWN]
        chosen = {c.question for c in strongest}
        weakest = sorted((c for c in contributions if c.question not in chosen),
                         key=lambda c: ((c.score or 0.0), -c.weight, c.question))[:ANSWERS_SHOWN]
        out: list[Flowable] = []
        for title, group in (("Strongest answers", strongest), ("Weakest answers", weakest)):
            if not group:
                continue
            out.append(markup(title, _keep(st.h2)))
            rows: list[list[object]] = [["QUESTION", "SCORE", "WHAT WAS ANSWERED, AND THE EVALUATORS' NOTES"]]
            for c in group:
                try:
                    q = self.bank.question(c.question)
                    qtext = q.question
                except KeyError:
                    qtext = ""
                score = "unanswered" if c.score is None else f"{5 * c.score:.1f} / 5"
                rows.append([markup(f"<b>{esc(c.question)}</b> {esc(qtext, 130)}", st.cell), score,
                             markup(self._notes(v.vendor, c.question), st.cell)])
            out.append(table(rows, [self.w * 0.4, 46, self.w * 0.6 - 46], right=(1,),
                             extra=[("FONT", (1, 1), (1, -1), FONT_BOLD, 8), ("TOPPADDING", (0, 1), (-1, -1), 2.5),
                                    ("BOTTOMPADDING", (0, 1), (-1, -1), 2.5)]))
        return out

    def _notes(self, vendor: str, qid: str) -> str:
        answers = self.notes.get((vendor, qid), [])
        if not answers:
            return f'<font color="{hexcolor(MUTED)}">No answer recorded.</font>'
        parts = []
        for a in answers:
            line = f'<font color="{hexcolor(MUTED)}">{esc(a.evaluator, 60)}:</font> {esc(a.value, 300)}'
            if a.note.strip():
                line += f' — <i>{esc(a.note, NOTE_LIMIT)}</i>'
            parts.append(line)
        return "<br/>".join(parts)

    def _references(self, vendor: Vendor) -> list[Flowable]:
        st = self.st
        org = self.snap.organization
        syn = self.data.synonyms
        out: list[Flowable] = [markup("References against our industry and stage", st.h2),
                               para(f"We are {org.stage.value} in {org.industry or 'an unnamed industry'}; a reference "
                                    "counts when it is in production, in our industry and at our stage.", st.cell_muted),
                               Spacer(1, 1.5 * mm)]
        if not vendor.references:
            out.append(markup(f'<font color="{hexcolor(SEVERITY["critical"])}"><b>No references given.</b></font>', st.cell))
            return out
        lines = []
        for ref in vendor.references[:6]:
            ind = syn.same("industry", ref.industry, org.industry)
            stg = syn.same("stage", ref.stage, org.stage.value)
            if ind and stg and ref.in_production:
                match, colour = "counts", GOOD
            elif ind and stg:
                match, colour = "not in production", SEVERITY["medium"]
            elif ind:
                match, colour = "industry only", SEVERITY["medium"]
            elif stg:
                match, colour = "stage only", SEVERITY["medium"]
            else:
                match, colour = "does not count", SEVERITY["high"]
            facts = [esc(ref.industry or "industry not given", 60), esc(ref.stage or "stage not given", 40),
                     "in production" if ref.in_production else "not in production",
                     "contactable" if ref.contactable else "not contactable"]
            lines.append(f"<b>{esc(ref.company, 80)}</b> · {', '.join(facts)} — "
                         f'<font color="{hexcolor(colour)}"><b>{match}</b></font>')
        if len(vendor.references) > 6:
            lines.append(f"… {len(vendor.references) - 6} more references")
        out.append(markup("<br/>".join(lines), _leading(st.cell, 12)))
        return out

    def _timeline(self, vendor: Vendor, width: float) -> list[Flowable]:
        st = self.st
        t = vendor.timeline
        out: list[Flowable] = [markup("Promised timeline", st.h2)]
        promised = t.kickoff_to_production_months
        avg = INDUSTRY_AVERAGE_MONTHS
        if promised is None:
            verdict = f'<font color="{hexcolor(SEVERITY["high"])}"><b>No commitment</b></font> to a date in production.'
        elif promised <= avg:
            verdict = f"<b>{promised:g} months</b> to production, {avg - promised:g} under the {avg}-month industry average."
        else:
            verdict = (f'<font color="{hexcolor(SEVERITY["high"])}"><b>{promised:g} months</b></font> to production, '
                       f"{promised - avg:g} over the {avg}-month industry average.")
        out.append(markup(verdict, st.small))
        out.append(Spacer(1, 1.5 * mm))
        out.append(charts.timeline_bars(width, promised, avg))
        named = [m for m in t.milestones if m.name.strip()]
        if named:
            items = [(f"<b>Month {m.month:g}</b> · " if m.month is not None else "<b>No month</b> · ") + esc(m.name, 90)
                     for m in named[:6]]
            if len(named) > 6:
                items.append(f"… {len(named) - 6} more milestones")
            out.append(Spacer(1, 1.5 * mm))
            out.append(markup("<br/>".join(items), st.cell))
        if t.description.strip():
            out.append(Spacer(1, 1.5 * mm))
            out.append(markup(f"<i>In their words:</i> “{esc(t.description, 240)}”", st.cell_muted))
        return out

    def _pricing(self, vendor: Vendor, width: float) -> list[Flowable]:
        st = self.st
        syn = self.data.synonyms
        org = self.snap.organization
        p = vendor.pricing
        out: list[Flowable] = [markup("Price and its assumptions", st.h2)]
        price = money(p.amount, p.currency) if p.amount else "no amount quoted"
        model = f" · {esc(p.model, 120)}" if p.model.strip() else ""
        out.append(markup(f"<b>{esc(price)}</b>{model}", st.small))
        needs = infrastructure_needs(org, vendor, syn)
        if not needs:
            out.append(para("Assumes no particular infrastructure on our side.", st.cell_muted))
            return out
        lines = []
        for n in needs[:10]:
            if n.fit is Fit.HAVE:
                mark = f'<font color="{hexcolor(GOOD)}"><b>we have it</b></font>'
            elif n.fit is Fit.OTHER_PRODUCT:
                mark = (f'<font color="{hexcolor(SEVERITY["medium"])}"><b>we use '
                        f'{esc(" and ".join(n.ours), 80)} instead</b></font>')
            else:
                mark = f'<font color="{hexcolor(SEVERITY["high"])}"><b>we do not have it</b></font>'
            lines.append(f"{esc(n.item, 80)} <font color=\"{hexcolor(MUTED)}\">({n.source})</font> — {mark}")
        if len(needs) > 10:
            lines.append(f"… {len(needs) - 10} more")
        out.append(Spacer(1, 1.5 * mm))
        out.append(markup("<br/>".join(lines), st.cell))
        return out

    # ----- method ----------------------------------------------------------------------------

    def evidence_appendix(self) -> list[Flowable]:
        """Each vendor's documents, the citations of its answers and our reference checks."""
        st, ev = self.st, self.snap.evidence
        checks = [(v.vendor, c) for v in self.r.ranking for c in self.snap.reference_checks.get(v.vendor, [])]
        if not ev.documents and not checks:
            return []
        order = {v.vendor: i for i, v in enumerate(self.r.ranking)}
        out: list[Flowable] = [PageBreak(), markup("APPENDIX", st.kicker),
                               markup("Evidence: documents, citations and reference checks", st.h1),
                               para("The vendors' documents as stored in the workspace (the SHA-256 prefix identifies "
                                    "the exact file), the page each answer quotes, and what the references said "
                                    "when we called them.", st.muted)]
        w = self.w
        out.append(markup("Documents", _keep(st.h2)))
        docs = sorted(ev.documents, key=lambda d: (order.get(d.vendor, len(order)), d.id))
        rows: list[list[object]] = [["VENDOR", "DOCUMENT", "KIND", "SHA-256", "PAGES", "VALID UNTIL"]]
        for d in docs:
            expired = self.snap.as_of is not None and d.expired(self.snap.as_of)
            until = d.valid_until.isoformat() if d.valid_until else "—"
            if expired:
                until = f'<font color="{hexcolor(SEVERITY["medium"])}">{until}<br/>expired</font>'
            rows.append([para(d.vendor, st.cell, 120), para(d.name, st.cell, 300), para(d.kind.label, st.cell),
                         markup(f'<font name="{FONT}">{esc(d.short_hash)}</font>', st.cell), str(d.pages),
                         markup(until, st.cell)])
        if len(rows) == 1:
            rows.append([markup("No documents attached.", st.cell_muted), "", "", "", "", ""])
        out.append(table(rows, [w * 0.19, w * 0.29, w * 0.12, w * 0.17, w * 0.09, w * 0.14], right=(4,)))
        out.append(markup("Citations", _keep(st.h2)))
        questions = {q.id: q for q in self.bank.questions}
        cites = sorted(ev.citations, key=lambda c: (order.get(c.vendor, len(order)), c.question, c.id))
        rows = [["VENDOR", "QUESTION", "DOCUMENT · PAGE", "EXCERPT"]]
        for c in cites:
            q = questions.get(c.question)
            asked = f"<b>{esc(c.question)}</b> {esc(q.question, 160)}" if q else f"<b>{esc(c.question)}</b>"
            who = f'<br/><font color="{hexcolor(MUTED)}">for {esc(c.evaluator, 80)}</font>' if c.evaluator else ""
            rows.append([para(c.vendor, st.cell, 120), markup(asked + who, st.cell),
                         markup(f"{esc(c.document.name, 200)} · page {c.page}", st.cell),
                         markup(f"\u201c{esc(c.quote, 1200)}\u201d", st.cell_muted)])
        if len(rows) == 1:
            rows.append([markup("No answer cites a document yet.", st.cell_muted), "", "", ""])
        out.append(table(rows, [w * 0.16, w * 0.3, w * 0.18, w * 0.36]))
        out.append(markup("Reference checks", _keep(st.h2)))
        rows = [["VENDOR", "REFERENCE", "PRODUCTION", "CONFIRMED", "CALLED", "NOTE"]]
        for vendor, k in checks:
            prod = ("confirmed" if k.confirmed_production else
                    f'<font color="{hexcolor(SEVERITY["high"])}"><b>not in production</b></font>')
            confirmed = ", ".join(x for x in (k.industry, f"{k.stage} stage" if k.stage else "") if x) or "—"
            called = " · ".join(x for x in (esc(k.by, 80), esc(k.at[:10])) if x) or "—"
            rows.append([para(vendor, st.cell, 120), para(k.company, st.cell, 120), markup(prod, st.cell),
                         para(confirmed, st.cell, 160), markup(called, st.cell), para(k.note or "—", st.cell_muted, 800)])
        if len(rows) == 1:
            rows.append([markup("No reference has been called yet.", st.cell_muted), "", "", "", "", ""])
        out.append(table(rows, [w * 0.15, w * 0.15, w * 0.13, w * 0.15, w * 0.15, w * 0.27]))
        return out

    def method_page(self) -> list[Flowable]:
        st = self.st
        bank = self.bank
        out: list[Flowable] = [PageBreak(), markup("METHOD", st.kicker), markup("How this evaluation was scored", st.h1)]
        scored = [q for q in bank.questions if q.scored]
        rows: list[list[object]] = [
            ["Evaluation", para(self.snap.name, st.cell)],
            ["Question bank", para(bank.name, st.cell)],
            ["Version", str(bank.version)],
            ["Content hash (SHA-256)", markup(f'<font name="{FONT}">{esc(bank.hash)}</font>', st.cell)],
            ["Questions", f"{len(bank.questions)} in the bank, {len(scored)} scored"],
            ["Data as of", long_date(self.data.as_of)],
        ]
        out.append(table(rows, [110, self.w - 110], header_rows=0, extra=[("TEXTCOLOR", (0, 0), (0, -1), MUTED)]))
        out.append(markup("Evaluators", _keep(st.h2)))
        rows = [["EVALUATOR", "SCORING"]]
        progress = {e.name: e for e in self.r.scoring.still_scoring}
        for e in self.snap.evaluators:
            if e.submitted_at:
                status = f"submitted {e.submitted_at[:10]}"
            elif e.name in progress:
                p = progress[e.name]
                status = f"still scoring: {p.answered} of {p.expected} answers (not shown until submitted)"
            else:
                status = "the vendor's own response (evidence, never a score)"
            colour = GOOD if e.submitted else SEVERITY["high"]
            rows.append([para(e.name, st.cell), markup(f'<font color="{hexcolor(colour)}">{status}</font>', st.cell)])
        if len(rows) == 1:
            rows.append([markup("No evaluators", st.cell_muted), ""])
        out.append(table(rows, [self.w * 0.6, self.w * 0.4]))
        out.append(markup("Weights by section", _keep(st.h2)))
        weights = bank.section_weights()
        total_w = sum(weights.values()) or 1.0
        counts: dict[str, int] = {}
        for q in scored:
            counts[q.section] = counts.get(q.section, 0) + 1
        rows = [["SECTION", "SCORED QUESTIONS", "WEIGHT", "SHARE OF TOTAL"]]
        for s, w in weights.items():
            rows.append([para(s, st.cell), str(counts.get(s, 0)), f"{w:g}", f"{100 * w / total_w:.1f} %"])
        out.append(table(rows, [self.w * 0.46, self.w * 0.18, self.w * 0.16, self.w * 0.2], right=(1, 2, 3)))
        out.append(markup("Scoring rules", _keep(st.h2)))
        rules = [
            "Each answer becomes a score from 0 to 1: yes/no as 1 or 0 (or inverted), a 0–5 scale as value ÷ 5, "
            "numbers and choices through the bank's point rules ÷ 5; free text is never scored.",
            "A question's score is the mean of the evaluators who answered it. An unanswered scored question counts "
            "as 0 and is listed as a gap; “n/a”, where the bank allows it, removes the question from that vendor's weights.",
            "Total = 100 × Σ weight × score ÷ Σ weight over the scored questions. Section scores use the same formula "
            "within the section. A vendor with nothing scored has no total (—), not 0.",
            "A question with a minimum knocks a vendor out when its score on the 0–5 scale is below the minimum or it "
            "is unanswered. Ranking: vendors not knocked out by total, then knocked-out vendors; ties by name.",
            f"Too close to call: the top two totals differ by less than {CLOSE_CALL_POINTS:g} points. Sensitivity: "
            f"{self.r.sensitivity.draws:,} seeded random weightings (section weights drawn from a Dirichlet "
            f"distribution centred on the agreed weights, concentration {self.r.sensitivity.concentration:g}) and a "
            f"±{STABILITY_RANGE:.0%} scan of each section's weight, so the figures are the same every time.",
            "Evaluators score blind: nobody sees the others' scores until they submit their own, and an "
            "evaluator's scores count in this report only once they have submitted. Disagreements of "
            "2 points or more on the 0–5 scale are marked for discussion.",
        ]
        for x in rules:
            out.append(markup(f"• {esc(x)}", _bullet(st.small)))
        return out


def _leading(style: Any, leading: float) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{style.name}-l{leading:g}", parent=style, leading=leading)


def _bullet(style: Any) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(style.name + "-bullet", parent=style, leftIndent=8, firstLineIndent=-8, spaceAfter=3)


def _heat(score: float) -> Any:
    """A quiet sequential scale from wash (0) to a mid blue (100)."""
    from reportlab.lib import colors

    t = max(0.0, min(1.0, score / 100.0)) ** 1.4
    lo, hi = (0.955, 0.965, 0.975), (0.60, 0.71, 0.82)
    return colors.Color(*(a + (b - a) * t for a, b in zip(lo, hi, strict=True)))


def _keep(style: Any) -> Any:
    """A heading that stays with what follows it."""
    from reportlab.lib.styles import ParagraphStyle

    cached = _KEEP.get(style.name)
    if cached is None:
        cached = ParagraphStyle(style.name + "-keep", parent=style, keepWithNext=1)
        _KEEP[style.name] = cached
    return cached


_KEEP: dict[str, Any] = {}


def _colour_style(style: Any, colour: Any) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(style.name + "-c", parent=style, textColor=colour)


def _band(content: Flowable, width: float, severity: str) -> Flowable:
    t = layout_table([[content]], [width])
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), SEVERITY_WASH[severity]),
        ("LINEBEFORE", (0, 0), (0, -1), 3, SEVERITY[severity]),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ]))
    return t


def colors_white() -> Any:
    from reportlab.lib import colors

    return colors.white

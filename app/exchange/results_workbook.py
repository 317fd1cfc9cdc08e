"""The comparison workbook for analysts: ranking, section and layer scores, every answer, flags."""

from __future__ import annotations

import io
from typing import Any

from app.domain.bank import Question
from app.domain.evaluation import Results
from app.exchange.bank_files import set_text
from app.exchange.spreadsheet_safety import column_letter


def _put(ws: Any, row: int, col: int, value: object) -> None:
    c = ws.cell(row, col)
    if value is None:
        return
    if isinstance(value, str):
        set_text(c, value)
    else:
        c.value = value


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _header(ws: Any, names: list[str], widths: list[int]) -> None:
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for j, name in enumerate(names, start=1):
        _put(ws, 1, j, name)
        ws.cell(1, j).font = bold
        ws.column_dimensions[column_letter(j)].width = widths[j - 1] if j - 1 < len(widths) else 14
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{column_letter(len(names))}1"


def write_results(results: Results, answer_sources: dict[tuple[str, str, str], str] | None = None) -> bytes:
    """`answer_sources` maps (vendor, evaluator, question) to where an answer came from."""
    import openpyxl

    snap = results.snapshot
    bank = snap.bank
    sources = answer_sources or {}
    wb = openpyxl.Workbook()

    rk = wb.active
    rk.title = "Ranking"
    _header(rk, ["rank", "vendor", "total", "knocked out", "knockout reasons", "gaps", "disagreements",
                 "red flags", "unacknowledged flags", "win share"],
            [6, 28, 8, 12, 40, 8, 14, 10, 20, 10])
    win = results.sensitivity.win_share if results.sensitivity is not None else {}
    for i, v in enumerate(results.ranking, start=2):
        flags = results.flags.get(v.vendor, [])
        row = [v.rank, v.vendor, _round(v.total), "yes" if v.knocked_out else "no", "; ".join(v.knockout_reasons),
               len(v.gaps), len(v.disagreements), len(flags), results.flag_counts(v.vendor).total_open,
               _round(win.get(v.vendor), 3) if win else None]
        for j, value in enumerate(row, start=1):
            _put(rk, i, j, value)
    info = len(results.ranking) + 3
    _put(rk, info, 1, "evaluation")
    _put(rk, info, 2, snap.name)
    _put(rk, info + 1, 1, "bank")
    _put(rk, info + 1, 2, f"{bank.name} v{bank.version} ({bank.hash[:12]})")
    if results.sensitivity is not None:
        _put(rk, info + 2, 1, "too close to call")
        _put(rk, info + 2, 2, "yes" if results.sensitivity.too_close_to_call else "no")
    # Blind scoring: the results hold only submitted evaluators' answers (Results.snapshot is
    # already the team's view); who is still scoring is named, with counts and no values.
    state = results.scoring
    _put(rk, info + 3, 1, "scoring")
    _put(rk, info + 3, 2, state.summary() if state.provisional else "final: every evaluator has submitted")

    sc = wb.create_sheet("Sections")
    sections = bank.sections
    layers = list(dict.fromkeys(q.layer.value for q in bank.questions))
    _header(sc, ["vendor", *sections, *(f"layer: {la}" for la in layers)], [28] + [14] * (len(sections) + len(layers)))
    for i, v in enumerate(results.ranking, start=2):
        _put(sc, i, 1, v.vendor)
        for j, s in enumerate(sections, start=2):
            _put(sc, i, j, _round(v.sections.get(s)))
        for j, la in enumerate(layers, start=2 + len(sections)):
            _put(sc, i, j, _round(v.layers.get(la)))
    weights = bank.section_weights()
    wrow = len(results.ranking) + 3
    _put(sc, wrow, 1, "section weight")
    for j, s in enumerate(sections, start=2):
        _put(sc, wrow, j, weights.get(s))

    an = wb.create_sheet("Answers")
    _header(an, ["vendor", "evaluator", "question id", "section", "layer", "question", "weight", "answer",
                 "score (0–5)", "note", "source"], [24, 20, 10, 22, 11, 60, 8, 24, 11, 40, 14])
    questions: dict[str, Question] = {q.id: q for q in bank.questions}
    r = 2
    for a in snap.answers:
        q = questions.get(a.question)
        score = None
        if q is not None:
            try:
                reading = q.read(a.value)
                if reading.kind == "score" and reading.score is not None:
                    score = round(reading.score * 5, 2)
            except ValueError:
                score = None
        row = [a.vendor, a.evaluator, a.question, q.section if q else "", q.layer.value if q else "",
               q.question if q else "", q.weight if q else None, a.value, score, a.note,
               sources.get((a.vendor, a.evaluator, a.question), "")]
        for j, value in enumerate(row, start=1):
            _put(an, r, j, value)
        r += 1

    fl = wb.create_sheet("Flags")
    _header(fl, ["vendor", "rule", "severity", "message", "evidence", "acknowledged", "by", "when", "rationale"],
            [24, 26, 10, 50, 60, 13, 16, 20, 40])
    r = 2
    for v in results.ranking:
        for f in results.flags.get(v.vendor, []):
            ack = f.acknowledgement
            row = [v.vendor, f.rule, f.severity.value, f.message, "\n".join(f.evidence), "yes" if ack else "no",
                   ack.by if ack else "", ack.at if ack else "", ack.rationale if ack else ""]
            for j, value in enumerate(row, start=1):
                _put(fl, r, j, value)
            r += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

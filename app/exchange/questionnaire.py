"""The vendor questionnaire workbook: written for one vendor, read back with row-precise checks.

A hidden sheet `_diligence` records which evaluation, vendor and bank version the workbook was
made for, so answers can never land on the wrong vendor or a different set of questions.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.bank import Bank, Question, QuestionType, format_number, parse_bool
from app.domain.errors import AnswerError
from app.domain.evaluation import edit_answer
from app.domain.models import Milestone, Organization, Pricing, Reference, Stage, Timeline, Vendor
from app.domain.wording import TYPE_WORDS, plural
from app.exchange.bank_files import (
    cell_text,
    clean_text,
    header_key,
    set_text,
    straighten,
)
from app.exchange.sheets import open_workbook
from app.exchange.spreadsheet_safety import SpreadsheetError, column_letter

FORMAT = "diligence-questionnaire"
VERSION = 1
META_SHEET = "_diligence"
LISTS_SHEET = "_lists"
QUESTIONS_SHEET = "Questionnaire"
PROFILE_SHEET = "Profile"
REFERENCES_SHEET = "References"
TIMELINE_SHEET = "Timeline"
# What a vendor is asked, never what evaluators are told: no guidance (it names the answers we
# hope for and the phrases the red-flag rules look for) and no scale rubric (it would turn
# every scale question into self-grading). The reader finds columns by name, so older
# workbooks that still have a "guidance" column read back the same.
COLUMNS = ("id", "section", "question", "answer type", "allowed answers", "answer", "comment")
ANSWER_COL, COMMENT_COL = 6, 7  # 1-based
REFERENCE_ROWS = 30
MILESTONE_ROWS = 20
MILESTONES_HEADER_ROW = 5

TYPE_LABELS = TYPE_WORDS

# (label shown in column A, key) — the label is how a row is found again on import.
PROFILE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("Vendor", "name", "Filled in by us; please do not change."),
    ("Industries you serve", "industries", "Separate with semicolons or new lines."),
    ("What you do (claims)", "claims", "In your own words: what you build and operate for clients."),
    ("Production deployments in our industry", "production_deployments", "A whole number: systems live and used daily, not pilots."),
    ("Pricing model", "pricing_model", "e.g. fixed fee, time and materials, subscription."),
    ("Price", "pricing_amount", "A number, e.g. 120000."),
    ("Currency", "pricing_currency", "e.g. USD, EUR, GBP."),
    ("Your price assumes we have", "pricing_assumes", "Capabilities your price relies on; semicolons or new lines."),
    ("Infrastructure you assume we have", "assumed_infrastructure", "e.g. cloud data warehouse; CRM; data engineering team."),
)
REFERENCE_COLUMNS = ("company", "industry", "stage", "in production (yes/no)", "contactable (yes/no)")
TIMELINE_ROWS = (
    ("Months from kickoff to production", "months", "A number of months, e.g. 6."),
    ("How you get there", "description", "Phases, dependencies and what you need from us."),
)


@dataclass(frozen=True)
class QuestionnaireMeta:
    evaluation: str
    evaluation_id: int
    vendor: str
    bank: str
    bank_version: int
    bank_hash: str
    format: str = FORMAT
    version: int = VERSION
    created_at: str = ""


@dataclass
class FilledAnswer:
    row: int
    question: str
    value: str  # normalised by Question.read ("" when only a comment was given)
    comment: str


@dataclass
class FilledQuestionnaire:
    meta: QuestionnaireMeta
    answers: list[FilledAnswer]
    vendor: Vendor
    unanswered: list[str]
    warnings: list[str] = field(default_factory=list)


# ----- writing -----------------------------------------------------------------------------


def about_us(org: Organization) -> list[str]:
    """The "About us" block: what the questions assume about us (our own profile, nothing more)."""
    lines = ["About us: what the questions assume"]
    if org.name.strip():
        lines.append(f"Company: {org.name.strip()}")
    lines.append(f"Industry: {org.industry.strip() or 'not stated'}")
    lines.append(f"Stage: {org.stage.value}")
    lines.append(f"Systems we use: {'; '.join(org.systems) or 'none named'}")
    lines.append(f"Regulations that apply to us: {'; '.join(org.regulations) or 'none named'}")
    return lines


def _split_list(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;\n,]", text) if p.strip()]


def _allowed_text(q: Question) -> str:
    """The form an answer takes; for a scale, the same neutral words for every question (the
    bank's rubric is for evaluators only)."""
    na = "\nn/a (not applicable)" if q.allow_na else ""
    if q.type is QuestionType.YES_NO:
        return "yes or no" + na
    if q.type is QuestionType.SCALE:
        return "a whole number from 0 (not at all) to 5 (fully)" + na
    if q.type is QuestionType.NUMBER:
        return "a number" + na
    if q.type is QuestionType.CHOICE:
        return "\n".join(label for label, _ in q.choices) + na
    return "free text"


def write_questionnaire(
    meta: QuestionnaireMeta,
    bank: Bank,
    vendor: Vendor,
    answers: dict[str, tuple[str, str]] | None = None,
    organization: Organization | None = None,
) -> bytes:
    """The workbook as bytes; `answers` (id → (value, comment)) prefill a previous response.

    `organization` (ours) fills the "About us" block: what the questions assume about us.
    """
    import openpyxl
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    answers = answers or {}
    wb = openpyxl.Workbook()
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)

    def protect(ws: Any) -> None:
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # people may still widen columns and rows
        ws.protection.formatRows = False
        ws.protection.formatCells = False

    # Instructions
    ins = wb.active
    ins.title = "Instructions"
    org = organization or Organization()
    sender = org.name.strip()
    lines: list[tuple[str, Any]] = [
        (f"Questionnaire for {vendor.name}", title_font),
        (f"Evaluation: {meta.evaluation}" + (f" — sent by {sender}" if sender else ""), None),
        ("Please return by:", bold),
        ("", None),
        *((text, bold if k == 0 else None) for k, text in enumerate(about_us(org))),
        ("", None),
        ("What to do", bold),
        ("1. Answer in the 'answer' column of 'Questionnaire'; in 'comment' give evidence: clients, dates, numbers.", None),
        ("2. Fill in the 'Profile', 'References' and 'Timeline' sheets. What we already know is filled in; correct it where it is wrong.", None),
        ("3. Save the file as .xlsx (keep its name, sheets and the order of rows) and send it back.", None),
        ("", None),
        ("How your answers are read", bold),
        ("• yes / no questions: pick yes or no from the list.", None),
        ("• scale 0–5 questions: a whole number from 0 (not at all) to 5 (fully); the comment says what it rests on.", None),
        ("• number questions: a plain number (no units, no ranges).", None),
        ("• choice questions: pick one of the listed answers.", None),
        ("• text questions: write freely.", None),
        ("• n/a (not applicable) is accepted only where the list offers it.", None),
        ("• A question left blank counts as not answered.", None),
        ("Only the answer and comment cells can be edited; the rest of the sheets is protected so that your answers are read correctly.", None),
    ]
    for i, (text, font) in enumerate(lines, start=1):
        c = ins.cell(i, 1)
        set_text(c, text)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            c.font = font
    ins.cell(3, 2).protection = unlocked  # the deadline is ours to fill in before sending
    ins.column_dimensions["A"].width = 110
    ins.column_dimensions["B"].width = 20

    # Questionnaire
    qs = wb.create_sheet(QUESTIONS_SHEET)
    for j, name in enumerate(COLUMNS, start=1):
        qs.cell(1, j, name).font = bold
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_columns: dict[tuple[str, ...], DataValidation] = {}
    number_plain = DataValidation(type="decimal", operator="between", formula1="-1000000000000", formula2="1000000000000",
                                  allow_blank=True, showErrorMessage=True, errorTitle="A number",
                                  error="Please type a plain number, without units.")
    qs.add_data_validation(number_plain)
    number_na: DataValidation | None = None
    for i, q in enumerate(bank.questions, start=2):
        set_text(qs.cell(i, 1), q.id)
        set_text(qs.cell(i, 2), q.section)
        set_text(qs.cell(i, 3), q.question)
        set_text(qs.cell(i, 4), TYPE_LABELS[q.type])
        set_text(qs.cell(i, 5), _allowed_text(q))
        for j in (3, 5):
            qs.cell(i, j).alignment = wrap
        ans = qs.cell(i, ANSWER_COL)
        com = qs.cell(i, COMMENT_COL)
        ans.protection = unlocked
        com.protection = unlocked
        ans.alignment = wrap
        com.alignment = wrap
        value, comment = answers.get(q.id, ("", ""))
        if value:
            if q.type is QuestionType.SCALE and value.isdigit():
                ans.value = int(value)
            elif q.type is QuestionType.NUMBER and value != "n/a":
                try:
                    num = float(value)
                    ans.value = int(num) if num.is_integer() and abs(num) < 2**53 else num
                except ValueError:
                    set_text(ans, value)
            else:
                set_text(ans, value)
        if comment:
            set_text(com, comment)
        allowed = tuple(q.allowed_answers())
        cell_ref = f"{column_letter(ANSWER_COL)}{i}"
        if q.type in (QuestionType.YES_NO, QuestionType.SCALE, QuestionType.CHOICE) and allowed:
            dv = list_columns.get(allowed)
            if dv is None:
                col = len(list_columns) + 1
                for k, label in enumerate(allowed, start=1):
                    set_text(lists.cell(k, col), label)
                letter = column_letter(col)
                dv = DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(allowed)}",
                                    allow_blank=True, showErrorMessage=True, errorTitle="Pick from the list",
                                    error="Please pick one of the answers in the list.")
                qs.add_data_validation(dv)
                list_columns[allowed] = dv
            dv.add(cell_ref)
        elif q.type is QuestionType.NUMBER:
            if q.allow_na:
                if number_na is None:
                    number_na = DataValidation(type="custom", formula1=f'OR(ISNUMBER({cell_ref}),LOWER({cell_ref})="n/a")',
                                               allow_blank=True, showErrorMessage=True, errorTitle="A number or n/a",
                                               error="Please type a plain number, or n/a.")
                    qs.add_data_validation(number_na)
                number_na.add(cell_ref)
            else:
                number_plain.add(cell_ref)
    for j, w in enumerate((9, 18, 70, 11, 30, 24, 45), start=1):
        qs.column_dimensions[column_letter(j)].width = w
    qs.freeze_panes = "D2"
    protect(qs)

    # Profile
    pr = wb.create_sheet(PROFILE_SHEET)
    for j, name in enumerate(("about you", "your answer", "how to answer"), start=1):
        pr.cell(1, j, name).font = bold
    values = {
        "name": vendor.name,
        "industries": "; ".join(vendor.industries),
        "claims": vendor.claims,
        "production_deployments": "" if vendor.production_deployments_in_industry is None else vendor.production_deployments_in_industry,
        "pricing_model": vendor.pricing.model,
        "pricing_amount": vendor.pricing.amount if vendor.pricing.amount else "",
        "pricing_currency": vendor.pricing.currency,
        "pricing_assumes": "; ".join(vendor.pricing.assumes),
        "assumed_infrastructure": "; ".join(vendor.assumed_infrastructure),
    }
    for i, (label, key, hint) in enumerate(PROFILE_ROWS, start=2):
        set_text(pr.cell(i, 1), label)
        c = pr.cell(i, 2)
        v = values[key]
        if isinstance(v, str):
            set_text(c, v)
        else:
            c.value = v
        c.alignment = wrap
        if key != "name":
            c.protection = unlocked
        set_text(pr.cell(i, 3), hint)
    for j, w in enumerate((38, 60, 60), start=1):
        pr.column_dimensions[column_letter(j)].width = w
    protect(pr)

    # References
    rf = wb.create_sheet(REFERENCES_SHEET)
    for j, name in enumerate(REFERENCE_COLUMNS, start=1):
        rf.cell(1, j, name).font = bold
    yes_no = DataValidation(type="list", formula1='"yes,no"', allow_blank=True, showErrorMessage=True,
                            errorTitle="yes or no", error="Please pick yes or no.")
    stage = DataValidation(type="list", formula1='"' + ",".join(s.value for s in Stage) + '"', allow_blank=True,
                           showErrorMessage=True, errorStyle="warning", errorTitle="Company stage",
                           error="Usual stages: startup, scale-up, mid-market, enterprise.")
    rf.add_data_validation(yes_no)
    rf.add_data_validation(stage)
    refs = vendor.references
    for i in range(2, max(REFERENCE_ROWS, len(refs) + 10) + 2):
        for j in range(1, 6):
            rf.cell(i, j).protection = unlocked
        stage.add(f"C{i}")
        yes_no.add(f"D{i}")
        yes_no.add(f"E{i}")
    for i, r in enumerate(refs, start=2):
        set_text(rf.cell(i, 1), r.company)
        set_text(rf.cell(i, 2), r.industry)
        set_text(rf.cell(i, 3), r.stage)
        rf.cell(i, 4, "yes" if r.in_production else "no")
        rf.cell(i, 5, "yes" if r.contactable else "no")
    for j, w in enumerate((30, 24, 14, 22, 22), start=1):
        rf.column_dimensions[column_letter(j)].width = w
    rf.freeze_panes = "A2"
    protect(rf)

    # Timeline
    tl = wb.create_sheet(TIMELINE_SHEET)
    for j, name in enumerate(("timeline", "your answer", "how to answer"), start=1):
        tl.cell(1, j, name).font = bold
    tvalues: dict[str, Any] = {
        "months": vendor.timeline.kickoff_to_production_months,
        "description": vendor.timeline.description,
    }
    for i, (label, key, hint) in enumerate(TIMELINE_ROWS, start=2):
        set_text(tl.cell(i, 1), label)
        c = tl.cell(i, 2)
        v = tvalues[key]
        if isinstance(v, str):
            set_text(c, v)
        elif v is not None:
            c.value = int(v) if float(v).is_integer() else v
        c.protection = unlocked
        c.alignment = wrap
        set_text(tl.cell(i, 3), hint)
    tl.cell(MILESTONES_HEADER_ROW, 1, "milestone").font = bold
    tl.cell(MILESTONES_HEADER_ROW, 2, "month after kickoff").font = bold
    month_dv = DataValidation(type="whole", operator="between", formula1="0", formula2="120", allow_blank=True,
                              showErrorMessage=True, errorTitle="Month", error="A whole number of months after kickoff.")
    tl.add_data_validation(month_dv)
    ms = vendor.timeline.milestones
    first = MILESTONES_HEADER_ROW + 1
    for i in range(first, first + max(MILESTONE_ROWS, len(ms) + 5)):
        tl.cell(i, 1).protection = unlocked
        tl.cell(i, 2).protection = unlocked
        month_dv.add(f"B{i}")
    for i, m in enumerate(ms, start=first):
        set_text(tl.cell(i, 1), m.name)
        if m.month is not None:
            tl.cell(i, 2, m.month)
    for j, w in enumerate((38, 60, 50), start=1):
        tl.column_dimensions[column_letter(j)].width = w
    protect(tl)

    # Where the workbook belongs
    md = wb.create_sheet(META_SHEET)
    md.sheet_state = "hidden"
    meta_rows: list[tuple[str, object]] = [
        ("format", meta.format), ("version", meta.version), ("evaluation", meta.evaluation),
        ("evaluation_id", meta.evaluation_id), ("vendor", meta.vendor), ("bank", meta.bank),
        ("bank_version", meta.bank_version), ("bank_hash", meta.bank_hash),
        ("created_at", meta.created_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
    ]
    for i, (key, mv) in enumerate(meta_rows, start=1):
        md.cell(i, 1, key)
        c = md.cell(i, 2)
        if isinstance(mv, str):
            set_text(c, mv)
        else:
            c.value = mv
    protect(md)
    wb.active = 1  # open on the questions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ----- reading -----------------------------------------------------------------------------


@dataclass
class RawQuestionnaire:
    file: str
    meta: QuestionnaireMeta
    sheets: dict[str, list[list[object]]]

    def where(self, sheet: str, row: int | None = None, col: int | None = None, name: str = "") -> str:
        out = f'{self.file}, sheet "{sheet}"'
        if row is not None:
            out += f", row {row}"
        if col is not None:
            out += f", column {column_letter(col)}" + (f" ({name})" if name else "")
        return out


def read_raw(path: Path) -> RawQuestionnaire:
    """Open a returned questionnaire and read which evaluation, vendor and bank it belongs to."""
    path = Path(path)
    with open_workbook(path) as book:
        names = {s.name: s for s in book.sheets}
        if META_SHEET not in names:
            raise SpreadsheetError(
                path.name,
                "this workbook is not a Diligence questionnaire (it has no hidden _diligence sheet); "
                "send the vendor a questionnaire made with 'diligence questionnaire', or import a question bank with 'diligence bank import'",
            )
        sheets = {}
        for name in (META_SHEET, QUESTIONS_SHEET, PROFILE_SHEET, REFERENCES_SHEET, TIMELINE_SHEET):
            if name in names:
                sheets[name] = book.rows(names[name])
    meta_map: dict[str, str] = {}
    for row in sheets[META_SHEET]:
        if len(row) >= 2 and isinstance(row[0], str):
            meta_map[row[0].strip()] = cell_text(row[1]).strip()
    where = f'{path.name}, sheet "{META_SHEET}"'
    if meta_map.get("format") != FORMAT:
        raise SpreadsheetError(where, "this workbook is not a Diligence questionnaire (unknown format marker)")
    try:
        version = int(meta_map.get("version", ""))
        evaluation_id = int(meta_map.get("evaluation_id", ""))
        bank_version = int(meta_map.get("bank_version", ""))
    except ValueError:
        raise SpreadsheetError(where, "the workbook's identification was changed; export a new questionnaire") from None
    if version > VERSION:
        raise SpreadsheetError(where, f"the questionnaire was made by a newer Diligence (format {version}); update Diligence to read it")
    meta = QuestionnaireMeta(
        meta_map.get("evaluation", ""), evaluation_id, meta_map.get("vendor", ""), meta_map.get("bank", ""),
        bank_version, meta_map.get("bank_hash", ""), FORMAT, version, meta_map.get("created_at", ""),
    )
    for name in (QUESTIONS_SHEET,):
        if name not in sheets:
            raise SpreadsheetError(path.name, f'the sheet "{name}" is missing; the questionnaire was altered')
    return RawQuestionnaire(path.name, meta, sheets)


def _columns(raw: RawQuestionnaire, sheet: str, wanted: tuple[str, ...], header_row: int = 1) -> dict[str, int]:
    rows = raw.sheets.get(sheet, [])
    header = rows[header_row - 1] if len(rows) >= header_row else []
    found = {}
    for j, v in enumerate(header, start=1):
        key = header_key(v)
        if key in wanted and key not in found:
            found[key] = j
    missing = [w for w in wanted if w not in found]
    if missing:
        raise SpreadsheetError(raw.where(sheet, header_row), f"missing column{'s' if len(missing) != 1 else ''} {', '.join(missing)}; the questionnaire was altered")
    return found


def _cell(row: list[object], col: int) -> object:
    return row[col - 1] if col - 1 < len(row) else None


def _answer_value(value: object) -> object:
    if isinstance(value, str):
        return straighten(clean_text(value))
    if isinstance(value, dt.datetime | dt.date):
        return cell_text(value)
    return value


def read_answers(raw: RawQuestionnaire, bank: Bank, current: Vendor) -> FilledQuestionnaire:
    """Check every answer against its question and every profile cell; raise at the first problem."""
    cols = _columns(raw, QUESTIONS_SHEET, ("id", "answer", "comment"))
    by_id = {q.id.casefold(): q for q in bank.questions}
    seen: dict[str, int] = {}
    answers: list[FilledAnswer] = []
    for r, row in enumerate(raw.sheets[QUESTIONS_SHEET][1:], start=2):
        qid = cell_text(_cell(row, cols["id"])).strip()
        value = _cell(row, cols["answer"])
        comment = cell_text(_cell(row, cols["comment"])).strip()
        if not qid:
            if cell_text(value).strip() or comment:
                raise SpreadsheetError(raw.where(QUESTIONS_SHEET, r, cols["id"], "id"), "an answer without a question id; rows must not be added or moved")
            continue
        q = by_id.get(qid.casefold())
        if q is None:
            raise SpreadsheetError(raw.where(QUESTIONS_SHEET, r, cols["id"], "id"), f"there is no question {qid!r} in this evaluation's bank")
        if q.id.casefold() in seen:
            raise SpreadsheetError(raw.where(QUESTIONS_SHEET, r, cols["id"], "id"), f"question {qid!r} also appears on row {seen[q.id.casefold()]}")
        seen[q.id.casefold()] = r
        try:
            answer = edit_answer(q, None, _answer_value(value) if q.type is not QuestionType.TEXT else (clean_text(value) if isinstance(value, str) else value), comment)
        except AnswerError as exc:
            raise SpreadsheetError(raw.where(QUESTIONS_SHEET, r, cols["answer"], "answer"), exc.detail) from None
        if answer is not None:
            answers.append(FilledAnswer(r, q.id, answer.value, comment))
    answered = {a.question for a in answers if a.value}
    unanswered = [q.id for q in bank.questions if q.id not in answered]
    missing = [q.id for q in bank.questions if q.id.casefold() not in seen]
    warnings = []
    if missing:
        warnings.append(f"{raw.where(QUESTIONS_SHEET)}: {plural(len(missing), 'question')} of the bank {'is' if len(missing) == 1 else 'are'} not in the workbook: {', '.join(missing[:20])}")
    vendor = _read_profile(raw, current)
    return FilledQuestionnaire(raw.meta, answers, vendor, unanswered, warnings)


def _read_profile(raw: RawQuestionnaire, current: Vendor) -> Vendor:
    values: dict[str, tuple[int, object]] = {}
    if PROFILE_SHEET in raw.sheets:
        labels = {header_key(label): key for label, key, _ in PROFILE_ROWS}
        for r, row in enumerate(raw.sheets[PROFILE_SHEET], start=1):
            key = labels.get(header_key(_cell(row, 1)))
            if key:
                values[key] = (r, _cell(row, 2))

    def text(key: str, default: str) -> str:
        if key not in values:
            return default
        return clean_text(cell_text(values[key][1])).strip()

    def number(key: str, default: float | None, whole: bool = False) -> float | None:
        if key not in values:
            return default
        r, v = values[key]
        t = cell_text(v).strip().replace(",", "")
        if not t:
            return None
        try:
            n = float(t)
        except ValueError:
            n = math.nan
        if not math.isfinite(n) or n < 0 or (whole and not n.is_integer()):
            kind = "a whole number" if whole else "a number"
            raise SpreadsheetError(raw.where(PROFILE_SHEET, r, 2, key.replace("_", " ")), f"{t!r} is not {kind} of 0 or more")
        return n

    deployments = number("production_deployments", current.production_deployments_in_industry, whole=True)
    amount = number("pricing_amount", current.pricing.amount)
    pricing = Pricing(
        text("pricing_model", current.pricing.model),
        amount or 0.0,
        text("pricing_currency", current.pricing.currency) or "USD",
        _split_list(text("pricing_assumes", "; ".join(current.pricing.assumes))),
    )
    references = _read_references(raw, current)
    timeline = _read_timeline(raw, current)
    return Vendor(
        name=current.name,
        industries=_split_list(text("industries", "; ".join(current.industries))),
        claims=text("claims", current.claims),
        references=references,
        production_deployments_in_industry=None if deployments is None else int(deployments),
        timeline=timeline,
        pricing=pricing,
        assumed_infrastructure=_split_list(text("assumed_infrastructure", "; ".join(current.assumed_infrastructure))),
        demo_rating=current.demo_rating,  # our judgement, not the vendor's
    )


def _bool(raw: RawQuestionnaire, sheet: str, r: int, c: int, name: str, value: object) -> bool:
    try:
        return parse_bool(straighten(cell_text(value)) if not isinstance(value, bool) else value)
    except ValueError:
        raise SpreadsheetError(raw.where(sheet, r, c, name), f"{cell_text(value)!r} is not yes or no") from None


def _read_references(raw: RawQuestionnaire, current: Vendor) -> list[Reference]:
    if REFERENCES_SHEET not in raw.sheets:
        return list(current.references)
    out = []
    for r, row in enumerate(raw.sheets[REFERENCES_SHEET][1:], start=2):
        cells = [cell_text(_cell(row, j)).strip() for j in range(1, 6)]
        if not any(cells):
            continue
        if not cells[0]:
            raise SpreadsheetError(raw.where(REFERENCES_SHEET, r, 1, "company"), "a reference needs the company's name")
        out.append(Reference(
            clean_text(cells[0]), clean_text(cells[1]), clean_text(cells[2]),
            _bool(raw, REFERENCES_SHEET, r, 4, "in production", _cell(row, 4)),
            _bool(raw, REFERENCES_SHEET, r, 5, "contactable", _cell(row, 5)),
        ))
    return out


def _read_timeline(raw: RawQuestionnaire, current: Vendor) -> Timeline:
    if TIMELINE_SHEET not in raw.sheets:
        return current.timeline
    rows = raw.sheets[TIMELINE_SHEET]
    labels = {header_key(label): key for label, key, _ in TIMELINE_ROWS}
    months: float | None = current.timeline.kickoff_to_production_months
    description = current.timeline.description
    for r, row in enumerate(rows[: MILESTONES_HEADER_ROW - 1], start=1):
        key = labels.get(header_key(_cell(row, 1)))
        value = _cell(row, 2)
        if key == "months":
            t = cell_text(value).strip()
            if not t:
                months = None
                continue
            try:
                n = float(t)
            except ValueError:
                n = math.nan
            if not math.isfinite(n) or n < 0:
                raise SpreadsheetError(raw.where(TIMELINE_SHEET, r, 2, "months to production"), f"{t!r} is not a number of months")
            months = n
        elif key == "description":
            description = clean_text(cell_text(value)).strip()
    milestones = []
    for r, row in enumerate(rows[MILESTONES_HEADER_ROW:], start=MILESTONES_HEADER_ROW + 1):
        name = clean_text(cell_text(_cell(row, 1))).strip()
        t = cell_text(_cell(row, 2)).strip()
        if not name and not t:
            continue
        if not name:
            raise SpreadsheetError(raw.where(TIMELINE_SHEET, r, 1, "milestone"), "a milestone needs a name")
        month: int | None = None
        if t:
            try:
                n = float(t)
            except ValueError:
                n = math.nan
            if not math.isfinite(n) or n < 0 or not n.is_integer():
                raise SpreadsheetError(raw.where(TIMELINE_SHEET, r, 2, "month"), f"{t!r} is not a whole number of months")
            month = int(n)
        milestones.append(Milestone(name, month))
    return Timeline(months, milestones, description)


def describe_number(value: float | None) -> str:
    return "" if value is None else format_number(value)

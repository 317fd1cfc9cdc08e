"""The evaluation exchange file (docs/formats.md): strict reading with path-precise errors, and writing.

Reading checks every key and type against the format and names the path of the first problem
(`vendors[2].answers[5].value`). It builds plain domain objects; storing them is a service's job.
"""

from __future__ import annotations

import json
import math
import stat
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from app.domain.bank import Bank, format_number, make_question
from app.domain.errors import AnswerError, BankError, DomainError
from app.domain.evaluation import edit_answer
from app.domain.models import (
    MAX_AMOUNT,
    MAX_MONTHS,
    Access,
    Answer,
    DataSource,
    Direction,
    Impact,
    ImpactKind,
    Milestone,
    Organization,
    Pricing,
    Reference,
    ReferenceCheck,
    Stage,
    SuccessMetric,
    Timeline,
    UseCase,
    Vendor,
    long_name_problem,
)
from app.domain.oversight import (
    MAX_YEAR,
    MIN_YEAR,
    Decision,
    Money,
    Review,
    month_end,
    validate_reviews,
)
from app.domain.text import norm
from app.exchange.evidence_json import DocumentDoc, documents_json, read_documents

FORMAT = "diligence-evaluation"
VERSION = 1
MAX_BYTES = 50 * 1024 * 1024
# No number in an exchange file is larger than this: beyond it sums overflow to infinity and
# NaN (docs/formats.md). Counts and months have tighter limits of their own.
MAX_MAGNITUDE = 1e12
MAX_COUNT = 2_147_483_647


class ExchangeError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{path}: {message}" if path else message)


@dataclass
class EngagementDoc:
    name: str
    vendor: str
    kickoff: date
    reviews: list[Review] = field(default_factory=list)
    # (milestone, reached on); None: the chosen vendor's timeline milestones, none reached yet
    milestones: list[tuple[Milestone, date | None]] | None = None


@dataclass
class EvaluationDocument:
    organization: Organization
    use_case: UseCase
    bank: Bank
    evaluation_name: str
    evaluators: list[str]
    vendors: list[Vendor]
    answers: list[Answer]
    engagement: EngagementDoc | None = None
    # evaluator → when they submitted their scoring (ISO 8601); the others are still scoring
    submitted: dict[str, str] = field(default_factory=dict)
    # vendors' documents and their citations (schema: app/exchange/evidence_json.py); their bytes
    # travel only in a .diligence bundle
    documents: list[DocumentDoc] = field(default_factory=list)
    # vendor name → our reference checks of its references (`vendors[].reference_checks`)
    reference_checks: dict[str, list[ReferenceCheck]] = field(default_factory=dict)


_MISSING = object()


class _Reader:
    def obj(self, value: Any, path: str, allowed: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ExchangeError(path, f"expected an object, found {_kind(value)}")
        for key in value:
            if key not in allowed:
                where = f"{path}.{key}" if path else key
                raise ExchangeError(where, "unknown key")
        return value

    def get(self, d: dict[str, Any], key: str, path: str, default: Any = _MISSING) -> Any:
        if key in d:
            return d[key]
        if default is _MISSING:
            raise ExchangeError(_join(path, key), "missing")
        return default

    def string(self, d: dict[str, Any], key: str, path: str, default: Any = "") -> str:
        v = self.get(d, key, path, default)
        if not isinstance(v, str):
            raise ExchangeError(_join(path, key), f"expected text, found {_kind(v)}")
        return v

    def number(self, d: dict[str, Any], key: str, path: str, default: Any = 0, nullable: bool = False) -> Any:
        v = self.get(d, key, path, default)
        if v is None and nullable:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float) or (isinstance(v, float) and not math.isfinite(v)):
            raise ExchangeError(_join(path, key), f"expected a number, found {_kind(v)}")
        if not -MAX_MAGNITUDE <= v <= MAX_MAGNITUDE:
            raise ExchangeError(_join(path, key), f"{v:.6g} is out of range (at most {MAX_MAGNITUDE:,.0f} either way)")
        return v

    def bounded(self, d: dict[str, Any], key: str, path: str, high: float, what: str, whole: bool = False) -> Any:
        """A number from 0 to `high` (whole when `whole`), or None."""
        v = self.number(d, key, path, None, nullable=True)
        if v is not None and (v < 0 or v > high or (whole and not float(v).is_integer())):
            kind = "a whole number" if whole else "a number"
            raise ExchangeError(_join(path, key), f"expected {what} as {kind} from 0 to {high:,.10g}, found {v:.6g}")
        return v

    def boolean(self, d: dict[str, Any], key: str, path: str, default: bool = False) -> bool:
        v = self.get(d, key, path, default)
        if not isinstance(v, bool):
            raise ExchangeError(_join(path, key), f"expected true or false, found {_kind(v)}")
        return v

    def strings(self, d: dict[str, Any], key: str, path: str) -> list[str]:
        v = self.get(d, key, path, [])
        if not isinstance(v, list):
            raise ExchangeError(_join(path, key), f"expected a list, found {_kind(v)}")
        for i, item in enumerate(v):
            if not isinstance(item, str):
                raise ExchangeError(f"{_join(path, key)}[{i}]", f"expected text, found {_kind(item)}")
        return list(v)

    def items(self, d: dict[str, Any], key: str, path: str) -> list[Any]:
        v = self.get(d, key, path, [])
        if not isinstance(v, list):
            raise ExchangeError(_join(path, key), f"expected a list, found {_kind(v)}")
        return v

    def enum(self, d: dict[str, Any], key: str, path: str, kind: type[Enum], default: Any) -> Any:
        text = self.string(d, key, path, default)
        try:
            return kind(text.strip().lower())
        except ValueError:
            choices = ", ".join(m.value for m in kind)
            raise ExchangeError(_join(path, key), f"{text!r} is not one of {choices}") from None

    def day(self, d: dict[str, Any], key: str, path: str, required: bool = False) -> date | None:
        v = self.get(d, key, path, _MISSING if required else None)
        if v is None:
            return None
        if not isinstance(v, str):
            raise ExchangeError(_join(path, key), f"expected a date YYYY-MM-DD, found {_kind(v)}")
        try:
            day = date.fromisoformat(v)
        except ValueError:
            raise ExchangeError(_join(path, key), f"{v!r} is not a date YYYY-MM-DD") from None
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ExchangeError(_join(path, key), f"{v!r} is not a date between {MIN_YEAR} and {MAX_YEAR}")
        return day


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN or infinity"
    if isinstance(v, int | float):
        return "a number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


ORG_KEYS = dict.fromkeys(["name", "industry", "stage", "systems", "infrastructure", "regulations"])
UC_KEYS = dict.fromkeys(["title", "decision", "actors", "impact", "data_sources", "success_metrics"])
METRIC_KEYS = dict.fromkeys(["name", "unit", "baseline", "target", "direction", "target_date", "method", "owner"])
VENDOR_KEYS = dict.fromkeys(
    [
        "name", "industries", "claims", "references", "production_deployments_in_industry", "timeline",
        "pricing", "assumed_infrastructure", "demo_rating", "answers", "documents", "reference_checks",
    ]
)
QUESTION_KEYS = dict.fromkeys(
    ["id", "section", "layer", "question", "type", "weight", "guidance", "options", "scoring", "knockout_min", "flag_rule", "allow_na"]
)


def read_organization(r: _Reader, value: Any, path: str) -> Organization:
    d = r.obj(value, path, ORG_KEYS)
    return Organization(
        name=r.string(d, "name", path),
        industry=r.string(d, "industry", path),
        stage=r.enum(d, "stage", path, Stage, "scale-up"),
        systems=r.strings(d, "systems", path),
        infrastructure=r.strings(d, "infrastructure", path),
        regulations=r.strings(d, "regulations", path),
    )


def read_use_case(r: _Reader, value: Any, path: str) -> UseCase:
    d = r.obj(value, path, UC_KEYS)
    ip = _join(path, "impact")
    impact_d = r.obj(r.get(d, "impact", path, {}), ip, dict.fromkeys(["kind", "amount", "unit"]))
    impact = Impact(
        r.enum(impact_d, "kind", ip, ImpactKind, "revenue"),
        float(r.number(impact_d, "amount", ip)),
        r.string(impact_d, "unit", ip, "USD/year"),
    )
    sources = []
    for i, item in enumerate(r.items(d, "data_sources", path)):
        p = f"{_join(path, 'data_sources')}[{i}]"
        sd = r.obj(item, p, dict.fromkeys(["system", "access"]))
        sources.append(DataSource(r.string(sd, "system", p), r.enum(sd, "access", p, Access, "yes")))
    metrics = []
    for i, item in enumerate(r.items(d, "success_metrics", path)):
        p = f"{_join(path, 'success_metrics')}[{i}]"
        md = r.obj(item, p, METRIC_KEYS)
        name = r.string(md, "name", p)
        if not name.strip():
            raise ExchangeError(_join(p, "name"), "a success metric needs a name")
        metrics.append(
            SuccessMetric(
                name=name,
                unit=r.string(md, "unit", p),
                baseline=_opt_float(r.number(md, "baseline", p, nullable=True)),
                target=_opt_float(r.number(md, "target", p, nullable=True)),
                direction=r.enum(md, "direction", p, Direction, "up"),
                target_date=r.day(md, "target_date", p),
                method=r.string(md, "method", p),
                owner=r.string(md, "owner", p),
            )
        )
    names = [m.name for m in metrics]
    for i, n in enumerate(names):
        if n in names[:i]:
            raise ExchangeError(f"{_join(path, 'success_metrics')}[{i}].name", f"metric {n!r} appears twice")
    return UseCase(
        title=r.string(d, "title", path),
        decision=r.string(d, "decision", path),
        actors=r.string(d, "actors", path),
        impact=impact,
        data_sources=sources,
        success_metrics=metrics,
    )


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)


def read_bank(r: _Reader, value: Any, path: str) -> Bank:
    d = r.obj(value, path, dict.fromkeys(["name", "questions"]))
    name = r.string(d, "name", path)
    if not name.strip():
        raise ExchangeError(_join(path, "name"), "the bank needs a name")
    questions = []
    seen: dict[str, int] = {}
    for i, item in enumerate(r.items(d, "questions", path)):
        p = f"{_join(path, 'questions')}[{i}]"
        qd = r.obj(item, p, QUESTION_KEYS)
        for key, v in qd.items():
            if v is not None and not isinstance(v, str | int | float | bool):
                raise ExchangeError(_join(p, key), f"expected text or a number, found {_kind(v)}")
        try:
            q = make_question(qd)
        except BankError as exc:
            raise ExchangeError(_join(p, exc.field), exc.detail) from None
        if q.id.casefold() in seen:
            raise ExchangeError(_join(p, "id"), f"id {q.id!r} is already used by questions[{seen[q.id.casefold()]}]")
        seen[q.id.casefold()] = i
        questions.append(q)
    if not questions:
        raise ExchangeError(_join(path, "questions"), "the bank has no questions")
    return Bank(name.strip(), tuple(questions))


def read_vendor(r: _Reader, value: Any, path: str) -> tuple[Vendor, list[Any]]:
    d = r.obj(value, path, VENDOR_KEYS)
    name = r.string(d, "name", path, _MISSING).strip()
    if not name:
        raise ExchangeError(_join(path, "name"), "a vendor needs a name")
    if problem := long_name_problem(name, "a vendor"):
        raise ExchangeError(_join(path, "name"), problem)
    refs = []
    for i, item in enumerate(r.items(d, "references", path)):
        p = f"{_join(path, 'references')}[{i}]"
        rd = r.obj(item, p, dict.fromkeys(["company", "industry", "stage", "in_production", "contactable"]))
        refs.append(
            Reference(
                r.string(rd, "company", p),
                r.string(rd, "industry", p),
                r.string(rd, "stage", p),
                r.boolean(rd, "in_production", p),
                r.boolean(rd, "contactable", p),
            )
        )
    deployments = r.bounded(d, "production_deployments_in_industry", path, MAX_COUNT, "the deployments", whole=True)
    tp = _join(path, "timeline")
    td = r.obj(r.get(d, "timeline", path, {}), tp, dict.fromkeys(["kickoff_to_production_months", "milestones", "description"]))
    months = r.bounded(td, "kickoff_to_production_months", tp, MAX_MONTHS, "the months")
    milestones = []
    for i, item in enumerate(r.items(td, "milestones", tp)):
        p = f"{_join(tp, 'milestones')}[{i}]"
        md = r.obj(item, p, dict.fromkeys(["name", "month"]))
        m = r.bounded(md, "month", p, MAX_MONTHS, "the month after kickoff", whole=True)
        milestones.append(Milestone(r.string(md, "name", p), None if m is None else int(m)))
    pp = _join(path, "pricing")
    pd_ = r.obj(r.get(d, "pricing", path, {}), pp, dict.fromkeys(["model", "amount", "currency", "assumes"]))
    amount = r.bounded(pd_, "amount", pp, MAX_AMOUNT, "the price")
    pricing = Pricing(r.string(pd_, "model", pp), 0.0 if amount is None else float(amount), r.string(pd_, "currency", pp, "USD"), r.strings(pd_, "assumes", pp))
    demo = r.number(d, "demo_rating", path, None, nullable=True)
    if demo is not None and not 0 <= demo <= 5:
        raise ExchangeError(_join(path, "demo_rating"), "must be between 0 and 5")
    vendor = Vendor(
        name=name,
        industries=r.strings(d, "industries", path),
        claims=r.string(d, "claims", path),
        references=refs,
        production_deployments_in_industry=None if deployments is None else int(deployments),
        timeline=Timeline(None if months is None else float(months), milestones, r.string(td, "description", tp)),
        pricing=pricing,
        assumed_infrastructure=r.strings(d, "assumed_infrastructure", path),
        demo_rating=None if demo is None else float(demo),
    )
    return vendor, r.items(d, "answers", path)


CHECK_KEYS = dict.fromkeys(["company", "confirmed_production", "stage", "industry", "by", "at", "note"])


def read_reference_checks(r: _Reader, d: dict[str, Any], path: str, vendor: Vendor) -> list[ReferenceCheck]:
    """`vendors[i].reference_checks`: each names one of the vendor's references and when it was called."""
    companies = {norm(ref.company): ref.company for ref in vendor.references if ref.company.strip()}
    out = []
    for i, item in enumerate(r.items(d, "reference_checks", path)):
        p = f"{_join(path, 'reference_checks')}[{i}]"
        cd = r.obj(item, p, CHECK_KEYS)
        company = r.string(cd, "company", p, _MISSING)
        if norm(company) not in companies:
            have = ", ".join(repr(c) for c in companies.values()) or "none"
            raise ExchangeError(_join(p, "company"), f"{company!r} is not one of this vendor's references ({have})")
        at = r.string(cd, "at", p, _MISSING)
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            raise ExchangeError(_join(p, "at"), f"expected the date and time of the call (2026-06-03T10:00:00+00:00), found {at!r}") from None
        if not MIN_YEAR <= when.year <= MAX_YEAR:
            raise ExchangeError(_join(p, "at"), f"{at!r} is not between {MIN_YEAR} and {MAX_YEAR}")
        out.append(ReferenceCheck(
            companies[norm(company)],
            r.boolean(cd, "confirmed_production", p, _MISSING),  # type: ignore[arg-type]
            r.string(cd, "stage", p).strip(),
            r.string(cd, "industry", p).strip(),
            r.string(cd, "by", p).strip(),
            at,
            r.string(cd, "note", p).strip(),
        ))
    return out


def parse_document(data: Any) -> EvaluationDocument:
    r = _Reader()
    top = r.obj(
        data,
        "",
        dict.fromkeys(["format", "version", "organization", "use_case", "bank", "evaluation", "vendors", "engagement"]),
    )
    if r.get(top, "format", "") != FORMAT:
        raise ExchangeError("format", f"expected {FORMAT!r}; this is not a Diligence evaluation file")
    version = r.get(top, "version", "")
    if version != VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            raise ExchangeError("version", f"version {version} was written by a newer version of Diligence")
        raise ExchangeError("version", f"expected {VERSION}")
    org = read_organization(r, r.get(top, "organization", "", {}), "organization")
    use_case = read_use_case(r, r.get(top, "use_case", "", {}), "use_case")
    bank = read_bank(r, r.get(top, "bank", ""), "bank")
    ed = r.obj(r.get(top, "evaluation", ""), "evaluation", dict.fromkeys(["name", "evaluators", "submitted"]))
    name = r.string(ed, "name", "evaluation").strip()
    if not name:
        raise ExchangeError("evaluation.name", "the evaluation needs a name")
    evaluators = r.strings(ed, "evaluators", "evaluation")
    for i, e in enumerate(evaluators):
        if not e.strip():
            raise ExchangeError(f"evaluation.evaluators[{i}]", "an evaluator needs a name")
        if problem := long_name_problem(e.strip(), "an evaluator"):
            raise ExchangeError(f"evaluation.evaluators[{i}]", problem)
        if e in evaluators[:i]:
            raise ExchangeError(f"evaluation.evaluators[{i}]", f"evaluator {e!r} is listed twice")
    submitted = r.get(ed, "submitted", "evaluation", {})
    if not isinstance(submitted, dict):
        raise ExchangeError("evaluation.submitted", f"expected an object, found {_kind(submitted)}")
    for who, when in submitted.items():
        sp = f"evaluation.submitted.{who}"
        if who not in evaluators:
            raise ExchangeError(sp, f"{who!r} is not listed in evaluation.evaluators")
        try:
            if not isinstance(when, str):
                raise ValueError
            datetime.fromisoformat(when)
        except ValueError:
            raise ExchangeError(sp, f"expected the date and time of submission (2027-01-31T17:00:00), found {when!r}") from None
    vendors: list[Vendor] = []
    answers: list[Answer] = []
    documents: list[DocumentDoc] = []
    checks: dict[str, list[ReferenceCheck]] = {}
    questions = {q.id: q for q in bank.questions}
    for vi, item in enumerate(r.items(top, "vendors", "")):
        vp = f"vendors[{vi}]"
        vendor, raw_answers = read_vendor(r, item, vp)
        if any(v.name.casefold() == vendor.name.casefold() for v in vendors):
            raise ExchangeError(f"{vp}.name", f"vendor {vendor.name!r} appears twice")
        vendors.append(vendor)
        if found := read_reference_checks(r, item, vp, vendor):
            checks[vendor.name] = found
        seen: set[tuple[str, str]] = set()
        for ai, a in enumerate(raw_answers):
            ap = f"{vp}.answers[{ai}]"
            ad = r.obj(a, ap, dict.fromkeys(["question", "evaluator", "value", "note"]))
            qid = r.string(ad, "question", ap, _MISSING)
            if qid not in questions:
                raise ExchangeError(f"{ap}.question", f"there is no question {qid!r} in the bank")
            evaluator = r.string(ad, "evaluator", ap, _MISSING)
            if evaluator not in evaluators:
                raise ExchangeError(f"{ap}.evaluator", f"{evaluator!r} is not listed in evaluation.evaluators")
            if (qid, evaluator) in seen:
                raise ExchangeError(ap, f"{evaluator!r} answered {qid!r} twice for this vendor")
            seen.add((qid, evaluator))
            value = r.get(ad, "value", ap)
            if value is not None and not isinstance(value, str | int | float) or isinstance(value, bool):
                raise ExchangeError(f"{ap}.value", f"expected text or a number, found {_kind(value)}")
            note = r.string(ad, "note", ap)
            try:
                answer = edit_answer(questions[qid], None, value, note, vendor=vendor.name, evaluator=evaluator)
            except AnswerError as exc:
                raise ExchangeError(f"{ap}.value", exc.detail) from None
            if answer is not None:
                answers.append(answer)
        documents.extend(read_documents(r, item, vendor.name, vp, set(questions), evaluators))
    engagement = None
    if top.get("engagement") is not None:
        engagement = read_engagement(r, top["engagement"], use_case, vendors)
    return EvaluationDocument(org, use_case, bank, name, evaluators, vendors, answers, engagement, dict(submitted),
                              documents, checks)


def read_engagement(r: _Reader, value: Any, use_case: UseCase, vendors: list[Vendor]) -> EngagementDoc:
    p = "engagement"
    d = r.obj(value, p, dict.fromkeys(["name", "vendor", "kickoff", "milestones", "reviews"]))
    name = r.string(d, "name", p).strip()
    if not name:
        raise ExchangeError(f"{p}.name", "the engagement needs a name")
    vendor = r.string(d, "vendor", p, _MISSING)
    if vendor not in [v.name for v in vendors]:
        raise ExchangeError(f"{p}.vendor", f"{vendor!r} is not one of the vendors")
    kickoff = r.day(d, "kickoff", p, required=True)
    assert kickoff is not None
    metric_names = {m.name for m in use_case.success_metrics}
    for i, m in enumerate(use_case.success_metrics):
        if m.baseline is None or m.target is None:
            raise ExchangeError(f"use_case.success_metrics[{i}]", "an engagement needs every metric's baseline and target")
    milestones = None
    if d.get("milestones") is not None:
        milestones = []
        for i, item in enumerate(r.items(d, "milestones", p)):
            mp = f"{p}.milestones[{i}]"
            md = r.obj(item, mp, dict.fromkeys(["name", "due_month", "reached_on"]))
            due = r.bounded(md, "due_month", mp, MAX_MONTHS, "the months after kickoff", whole=True)
            milestones.append((Milestone(r.string(md, "name", mp, _MISSING), None if due is None else int(due)),
                               r.day(md, "reached_on", mp)))
    reviews = []
    for i, item in enumerate(r.items(d, "reviews", p)):
        rp = f"{p}.reviews[{i}]"
        rd = r.obj(item, rp, dict.fromkeys(["month", "actuals", "blockers", "decisions_needed", "recovery_plan",
                                             "minutes", "explained", "spend", "decisions"]))
        month = r.string(rd, "month", rp, _MISSING).strip()  # stored as validated: one "2026-08", not two
        try:
            month_end(month)
        except DomainError as exc:
            raise ExchangeError(f"{rp}.month", str(exc)) from None
        ap = f"{rp}.actuals"
        actuals_raw = r.get(rd, "actuals", rp, {})
        if not isinstance(actuals_raw, dict):
            raise ExchangeError(ap, f"expected an object, found {_kind(actuals_raw)}")
        actuals: dict[str, float | None] = {}
        for key, v in actuals_raw.items():
            if key not in metric_names:
                raise ExchangeError(f"{ap}.{key}", "there is no success metric with this name")
            v = r.number(actuals_raw, key, ap, None, nullable=True)
            actuals[key] = None if v is None else float(v)
        minutes = r.number(rd, "minutes", rp, None, nullable=True)
        if minutes is not None and minutes < 0:
            raise ExchangeError(f"{rp}.minutes", "a review cannot take negative minutes")
        spend = None
        if rd.get("spend") is not None:
            sd = r.obj(rd["spend"], f"{rp}.spend", dict.fromkeys(["amount", "currency"]))
            spend = Money(float(r.number(sd, "amount", f"{rp}.spend", _MISSING)), r.string(sd, "currency", f"{rp}.spend", "USD"))
        decisions = []
        for j, dec in enumerate(r.items(rd, "decisions", rp)):
            dp = f"{rp}.decisions[{j}]"
            dd = r.obj(dec, dp, dict.fromkeys(["text", "owner", "due", "decided_on"]))
            decisions.append(Decision(r.string(dd, "text", dp, _MISSING), r.string(dd, "owner", dp),
                                      r.day(dd, "due", dp), r.day(dd, "decided_on", dp)))
        reviews.append(
            Review(month, actuals, r.string(rd, "blockers", rp), r.string(rd, "decisions_needed", rp),
                   r.string(rd, "recovery_plan", rp), None if minutes is None else float(minutes),
                   r.boolean(rd, "explained", rp, True), spend, tuple(decisions))
        )
        try:
            validate_reviews(kickoff, use_case.success_metrics, reviews)
        except DomainError as exc:
            raise ExchangeError(rp, str(exc)) from None
    return EngagementDoc(name, vendor, kickoff, reviews, milestones)


def load_file(path: Path) -> EvaluationDocument:
    """Read and validate an exchange file; raises ExchangeError naming the JSON path."""
    return load_bytes(read_bounded(path, MAX_BYTES))


def load_bytes(raw_bytes: bytes) -> EvaluationDocument:
    """Validate the bytes of an exchange file (from a file or a bundle); ExchangeError names the JSON path."""
    try:
        raw = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExchangeError("", f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(raw, object_pairs_hook=_no_repeated_keys)
    except json.JSONDecodeError as exc:
        raise ExchangeError("", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise ExchangeError("", "the JSON is nested too deeply") from None
    except ValueError as exc:  # an integer of thousands of digits
        raise ExchangeError("", f"not valid JSON ({exc})") from None
    bad = _lone_surrogate(data, "")
    if bad is not None:
        raise ExchangeError(bad, "contains an invalid character (a lone UTF-16 surrogate escape such as \\ud800)")
    return parse_document(data)


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; ExchangeError otherwise.

    The size is checked while reading, not only as reported: /dev/zero reports 0 bytes and
    never ends, and a FIFO would wait forever, so anything but a regular file is refused.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise ExchangeError("", f"cannot read the file ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ExchangeError("", "this is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise ExchangeError("", "this is not a regular file (a device, pipe or socket); give a file")
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ExchangeError("", f"cannot read the file ({exc.strerror})") from None
    if len(data) > limit:
        raise ExchangeError("", f"the file is larger than {limit // 1_048_576} MB, the limit")
    return data


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ExchangeError("", f"the key {key!r} appears twice in one object; keep one")
        out[key] = value
    return out


def _lone_surrogate(value: Any, path: str) -> str | None:
    """The JSON path of the first text holding a lone surrogate (SQLite cannot store it), or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "(top)"
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            found = _lone_surrogate(k, path) or _lone_surrogate(v, _join(path, str(k)))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = _lone_surrogate(v, f"{path}[{i}]")
            if found is not None:
                return found
    return None


# ----- writing -------------------------------------------------------------------------------


def _num(v: float | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else float(v)


def _value_out(qtype: str, value: str) -> str | int | float:
    if value == "n/a" or qtype not in ("scale", "number"):
        return value
    try:
        x = float(value)
    except ValueError:
        return value
    return int(x) if x.is_integer() else x


def document_json(doc: EvaluationDocument) -> dict[str, Any]:
    o, uc = doc.organization, doc.use_case
    qtypes = {q.id: q.type.value for q in doc.bank.questions}
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "organization": {
            "name": o.name, "industry": o.industry, "stage": o.stage.value, "systems": list(o.systems),
            "infrastructure": list(o.infrastructure), "regulations": list(o.regulations),
        },
        "use_case": {
            "title": uc.title,
            "decision": uc.decision,
            "actors": uc.actors,
            "impact": {"kind": uc.impact.kind.value, "amount": _num(uc.impact.amount), "unit": uc.impact.unit},
            "data_sources": [{"system": d.system, "access": d.access.value} for d in uc.data_sources],
            "success_metrics": [
                {
                    "name": m.name, "unit": m.unit, "baseline": _num(m.baseline), "target": _num(m.target),
                    "direction": m.direction.value,
                    "target_date": m.target_date.isoformat() if m.target_date else None,
                    "method": m.method, "owner": m.owner,
                }
                for m in uc.success_metrics
            ],
        },
        "bank": {
            "name": doc.bank.name,
            "questions": [
                {
                    **q.as_row(),
                    "weight": _num(q.weight),
                    "knockout_min": _num(q.knockout_min),
                    "allow_na": q.allow_na,
                }
                for q in doc.bank.questions
            ],
        },
        "evaluation": {
            "name": doc.evaluation_name,
            "evaluators": list(doc.evaluators),
            **({"submitted": dict(doc.submitted)} if doc.submitted else {}),
        },
        "vendors": [],
    }
    for v in doc.vendors:
        out["vendors"].append(
            {
                "name": v.name,
                "industries": list(v.industries),
                "claims": v.claims,
                "references": [
                    {"company": r.company, "industry": r.industry, "stage": r.stage,
                     "in_production": r.in_production, "contactable": r.contactable}
                    for r in v.references
                ],
                "production_deployments_in_industry": v.production_deployments_in_industry,
                "timeline": {
                    "kickoff_to_production_months": _num(v.timeline.kickoff_to_production_months),
                    "milestones": [{"name": m.name, "month": m.month} for m in v.timeline.milestones],
                    "description": v.timeline.description,
                },
                "pricing": {"model": v.pricing.model, "amount": _num(v.pricing.amount),
                            "currency": v.pricing.currency, "assumes": list(v.pricing.assumes)},
                "assumed_infrastructure": list(v.assumed_infrastructure),
                "demo_rating": _num(v.demo_rating),
                "answers": [
                    {"question": a.question, "evaluator": a.evaluator,
                     "value": _value_out(qtypes.get(a.question, "text"), a.value), "note": a.note}
                    for a in doc.answers
                    if a.vendor == v.name
                ],
            }
        )
        if any(d.vendor == v.name for d in doc.documents):
            out["vendors"][-1]["documents"] = documents_json(doc.documents, v.name)
        if doc.reference_checks.get(v.name):
            out["vendors"][-1]["reference_checks"] = [
                {"company": c.company, "confirmed_production": c.confirmed_production, "stage": c.stage,
                 "industry": c.industry, "by": c.by, "at": c.at, "note": c.note}
                for c in doc.reference_checks[v.name]
            ]
    if doc.engagement is not None:
        e = doc.engagement
        out["engagement"] = {
            "name": e.name,
            "vendor": e.vendor,
            "kickoff": e.kickoff.isoformat(),
            "milestones": [
                {"name": m.name, "due_month": m.month, "reached_on": reached.isoformat() if reached else None}
                for m, reached in (e.milestones or [])
            ],
            "reviews": [
                {"month": r.month, "actuals": {k: _num(x) for k, x in r.actuals.items()},
                 "blockers": r.blockers, "decisions_needed": r.decisions_needed, "recovery_plan": r.recovery_plan,
                 "minutes": _num(r.minutes), "explained": r.explained,
                 "spend": None if r.spend is None else {"amount": _num(r.spend.amount), "currency": r.spend.currency},
                 "decisions": [
                     {"text": d.text, "owner": d.owner, "due": d.due.isoformat() if d.due else None,
                      "decided_on": d.decided_on.isoformat() if d.decided_on else None}
                     for d in r.decisions
                 ]}
                for r in e.reviews
            ],
        }
    return out


def dumps(doc: EvaluationDocument) -> str:
    return json.dumps(document_json(doc), ensure_ascii=False, indent=2) + "\n"


__all__ = ["ExchangeError", "EvaluationDocument", "EngagementDoc", "load_file", "parse_document", "document_json", "dumps", "format_number"]

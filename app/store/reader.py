"""Reading an evaluation with plain SQL on the database driver's own connection (no ORM).

The report command, opening an evaluation in the app and the scale benchmark all read a whole
evaluation at once. Through SQLAlchemy's ORM that costs the import of SQLAlchemy and SQLModel
(about 0.3 s of a 1 s `diligence report`) and an object per row; here it is a handful of
queries on a DB-API connection (docs/performance.md). The SQL is plain and portable; only the
parameter marker differs between drivers (`?` for sqlite3, `%s` for the PostgreSQL drivers).

The row-to-domain conversions below are the only ones: `app.store.repo` calls them with ORM rows,
which carry the same attribute names, so a vendor or a use case is built the same way on both
paths. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from app.domain.answer_columns import AnswerColumns
from app.domain.bank import Bank, make_question
from app.domain.evaluation import EvaluationSnapshot, EvaluatorInfo
from app.domain.evidence import Citation, Document, DocumentKind, Evidence, Page
from app.domain.flags import Acknowledgement
from app.domain.models import (
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
)
from app.store.workspace import Workspace, connect, explain

if TYPE_CHECKING:
    # An engagement's oversight types load with the first engagement read (calendar and the
    # oversight rules, ~8 ms): `score` and `report` read none.
    from app.domain.conversations import Promises
    from app.domain.oversight import Decision, Review

# Rows are fetched in slices: one fetch of every row of a large evaluation holds the GIL for
# tens of ms, stalling the GUI thread while the app loads an evaluation on a worker.
FETCH_SLICE = 500

# `Reader._grouped_answers`: the answers of one vendor and evaluator arrive as one text, rows
# separated by _ROW and each row's question and value by _PAIR (ASCII record and unit separators,
# char(30) and char(31) in its SQL).
_ROW, _PAIR = "\x1e", "\x1f"
_GROUPS_PER_SLICE = 40
_OF_EVALUATION = "vendor_id IN (SELECT id FROM vendor WHERE evaluation_id = ?)"


class Cursor(Protocol):
    description: Any

    def execute(self, sql: str, params: Sequence[object] = ...) -> Any: ...
    def fetchmany(self, size: int = ...) -> list[Any]: ...
    def close(self) -> None: ...


class Connection(Protocol):
    def cursor(self) -> Any: ...


class NoSuchEvaluation(LookupError):
    """No evaluation has that name or id (the services turn it into NotFound)."""


class NoSuchEngagement(LookupError):
    """No engagement has that name or id (the services turn it into NotFound)."""


# ----- values as the drivers return them -----------------------------------------------------
# SQLite hands back JSON, dates and timestamps as text and booleans as integers; the ORM and the
# PostgreSQL drivers hand back Python values. These accept both.


def json_list(value: object) -> list[Any]:
    if isinstance(value, str):
        value = json.loads(value) if value else []
    return list(value) if isinstance(value, list | tuple) else []


def stamp(value: object) -> datetime | None:
    """A stored moment, in UTC (stored naive in UTC, as the tables' UTCDateTime reads it)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if value else None
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def day(value: object) -> date | None:
    if isinstance(value, str):
        return date.fromisoformat(value[:10]) if value else None
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def row_id(ref: str | int) -> int | None:
    """`ref` as a row id when it can be one (an int, or decimal digits a database integer holds),
    else None: a name such as "²" or twenty digits is then looked up as a name, not a crash."""
    number = ref if isinstance(ref, int) else int(ref) if ref.isdecimal() else None
    return number if number is not None and 0 <= number < 2**63 else None


def iso(value: object) -> str | None:
    moment = stamp(value)
    return None if moment is None else moment.isoformat(timespec="seconds")


# ----- rows to domain objects (also used by app.store.repo with ORM rows) ---------------------


def organization_of(row: Any | None) -> Organization:
    if row is None:
        return Organization()
    try:
        stage = Stage(row.stage)
    except ValueError:
        stage = Stage.SCALE_UP
    return Organization(row.name, row.industry, stage, json_list(row.systems), json_list(row.infrastructure),
                        json_list(row.regulations))


def use_case_of(row: Any, sources: Sequence[Any], metrics: Sequence[Any]) -> UseCase:
    try:
        kind = ImpactKind(row.impact_kind)
    except ValueError:
        kind = ImpactKind.REVENUE
    return UseCase(
        title=row.title,
        decision=row.decision,
        actors=row.actors,
        impact=Impact(kind, row.impact_amount, row.impact_unit),
        data_sources=[DataSource(d.system, Access(d.access)) for d in sources],
        success_metrics=[success_metric_of(m) for m in metrics],
    )


def success_metric_of(m: Any) -> SuccessMetric:
    """A use case's success metric, or an engagement's locked copy of one (the same columns)."""
    return SuccessMetric(m.name, m.unit, m.baseline, m.target, Direction(m.direction), day(m.target_date), m.method,
                         m.owner)


def vendor_of(row: Any, references: Sequence[Any], milestones: Sequence[Any]) -> Vendor:
    return Vendor(
        name=row.name,
        industries=json_list(row.industries),
        claims=row.claims,
        references=[Reference(r.company, r.industry, r.stage, bool(r.in_production), bool(r.contactable))
                    for r in references],
        production_deployments_in_industry=row.production_deployments,
        timeline=Timeline(row.kickoff_to_production_months, [Milestone(m.name, m.month) for m in milestones],
                          row.timeline_description),
        pricing=Pricing(row.pricing_model, row.pricing_amount, row.pricing_currency, json_list(row.pricing_assumes)),
        assumed_infrastructure=json_list(row.assumed_infrastructure),
        demo_rating=row.demo_rating,
    )


def question_row_dict(r: Any) -> dict[str, object]:
    return {
        "id": r.qid,
        "section": r.section,
        "layer": r.layer,
        "question": r.question,
        "type": r.type,
        "weight": r.weight,
        "guidance": r.guidance,
        "options": r.options,
        "scoring": r.scoring,
        "knockout_min": r.knockout_min,
        "flag_rule": r.flag_rule,
        "allow_na": bool(r.allow_na),
    }


def acknowledgement_of(row: Any) -> Acknowledgement:
    return Acknowledgement(row.rationale, row.by, iso(row.at) or "")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _document_kind(value: str) -> DocumentKind:
    try:
        return DocumentKind(value)
    except ValueError:
        return DocumentKind.OTHER


def reference_check_of(row: Any) -> ReferenceCheck:
    return ReferenceCheck(row.company, bool(row.confirmed_production), row.stage, row.industry, row.by,
                          iso(row.at) or "", row.note)


def promises_of(row: Any) -> Promises:
    """An engagement's promises, as copied from the evaluation at selection."""
    from app.domain.conversations import Promises
    from app.domain.oversight import Money

    quote = None if row.quote_amount is None else Money(row.quote_amount, row.quote_currency or "USD")
    adoption = tuple((str(a), str(b)) for a, b in json_list(row.adoption_promises))
    return Promises(quote, row.cost_growth_pct, adoption, row.cost_threshold)


def review_of(row: Any, actuals: dict[str, float | None], decisions: Sequence[Decision]) -> Review:
    from app.domain.oversight import Money, Review

    spend = None if row.spend_amount is None else Money(row.spend_amount, row.spend_currency or "USD")
    return Review(row.month, actuals, row.blockers, row.decisions_needed, row.recovery_plan, row.minutes,
                  bool(row.explained), spend, tuple(decisions))


# ----- parsed bank versions ------------------------------------------------------------------
# A bank version never changes once saved, so each is parsed once per process, whichever path
# reads it first (loading an evaluation on a worker, or recording an answer on the GUI thread).
_BANK_CACHE: dict[tuple[str, int, str], Bank] = {}


def cached_bank(key: tuple[str, int, str]) -> Bank | None:
    """The parsed bank for (bank name, version number, content hash), if parsed before."""
    return _BANK_CACHE.get(key)


def keep_bank(key: tuple[str, int, str], bank: Bank) -> Bank:
    if len(_BANK_CACHE) > 32:
        _BANK_CACHE.clear()
    _BANK_CACHE[key] = bank
    return bank


# ----- queries -------------------------------------------------------------------------------


class Reader:
    """Plain queries on one DB-API connection (the caller opens and closes it)."""

    def __init__(self, con: Connection) -> None:
        self.con = con
        # sqlite3 takes `?`; psycopg and the other PostgreSQL drivers take `%s`.
        self.marker = "?" if isinstance(con, sqlite3.Connection) else "%s"
        # evaluation id → its latest answer change, when the grouped read found it on the way
        # (`last_changes` then skips its own pass over every answer; same transaction).
        self._latest_answer: dict[int, Any] = {}

    def _cursor(self, sql: str, params: Sequence[object]) -> Any:
        cursor = self.con.cursor()
        try:
            cursor.execute(sql.replace("?", self.marker), tuple(params))
        except BaseException:
            cursor.close()
            raise
        return cursor

    def tuples(self, sql: str, *params: object) -> Iterator[tuple[Any, ...]]:
        cursor = self._cursor(sql, params)
        try:
            while part := cursor.fetchmany(FETCH_SLICE):
                yield from part
        finally:
            cursor.close()

    def rows(self, sql: str, *params: object) -> list[SimpleNamespace]:
        cursor = self._cursor(sql, params)
        try:
            names = [d[0] for d in cursor.description]
            out: list[SimpleNamespace] = []
            while part := cursor.fetchmany(FETCH_SLICE):
                out.extend(SimpleNamespace(**dict(zip(names, values, strict=True))) for values in part)
            return out
        finally:
            cursor.close()

    def first(self, sql: str, *params: object) -> SimpleNamespace | None:
        found = self.rows(sql, *params)
        return found[0] if found else None

    # --- an evaluation ---

    def evaluation(self, ref: str | int) -> SimpleNamespace:
        """The evaluation row by id (an int or digits) or by name, like `repo.evaluation_by_ref`."""
        columns = "SELECT id, name, use_case_id, bank_version_id, created_at FROM evaluation"
        if (number := row_id(ref)) is not None:
            row = self.first(f"{columns} WHERE id = ?", number)
            if row is not None:
                return row
        row = self.first(f"{columns} WHERE name = ?", str(ref))
        if row is None:
            raise NoSuchEvaluation(ref)
        return row

    def evaluation_list(self) -> list[SimpleNamespace]:
        """Every evaluation, newest first: id, name, created_at, bank, bank_version, use_case,
        vendors and evaluators (counts)."""
        rows = self.rows(
            "SELECT e.id AS id, e.name AS name, e.created_at AS created_at, b.name AS bank, "
            "bv.version AS bank_version, uc.title AS use_case, "
            "(SELECT COUNT(*) FROM vendor v WHERE v.evaluation_id = e.id) AS vendors, "
            "(SELECT COUNT(*) FROM evaluator x WHERE x.evaluation_id = e.id) AS evaluators "
            "FROM evaluation e JOIN bank_version bv ON bv.id = e.bank_version_id "
            "JOIN bank b ON b.id = bv.bank_id LEFT JOIN use_case uc ON uc.id = e.use_case_id "
            "ORDER BY e.created_at DESC, e.id DESC")
        for r in rows:
            r.created_at = stamp(r.created_at)
            r.vendors, r.evaluators = int(r.vendors), int(r.evaluators)
        return rows

    def organization(self) -> Organization:
        return organization_of(self.first(
            "SELECT name, industry, stage, systems, infrastructure, regulations FROM organization WHERE id = 1"))

    def bank(self, version_id: int) -> Bank:
        head = self.first(
            "SELECT bank.name AS name, bank_version.version AS version, bank_version.hash AS hash "
            "FROM bank_version JOIN bank ON bank.id = bank_version.bank_id WHERE bank_version.id = ?", version_id)
        assert head is not None
        key = (head.name, head.version, head.hash)
        found = cached_bank(key)
        if found is not None:
            return found
        rows = self.rows(
            "SELECT qid, section, layer, question, type, weight, guidance, options, scoring, knockout_min, "
            "flag_rule, allow_na FROM question WHERE bank_version_id = ? ORDER BY position", version_id)
        return keep_bank(key, Bank(head.name, tuple(make_question(question_row_dict(r)) for r in rows), head.version))

    def use_cases(self) -> list[tuple[int, UseCase]]:
        """Every use case with its id, in list order: three queries, whatever the count."""
        rows = self.rows("SELECT id, title, decision, actors, impact_kind, impact_amount, impact_unit "
                         "FROM use_case ORDER BY position, id")
        sources: dict[int, list[SimpleNamespace]] = defaultdict(list)
        for d in self.rows("SELECT use_case_id, system, access FROM data_source ORDER BY position, id"):
            sources[d.use_case_id].append(d)
        metrics: dict[int, list[SimpleNamespace]] = defaultdict(list)
        for m in self.rows("SELECT use_case_id, name, unit, baseline, target, direction, target_date, method, owner "
                           "FROM success_metric ORDER BY position, id"):
            metrics[m.use_case_id].append(m)
        return [(r.id, use_case_of(r, sources.get(r.id, []), metrics.get(r.id, []))) for r in rows]

    def use_case(self, use_case_id: int) -> UseCase | None:
        row = self.first("SELECT title, decision, actors, impact_kind, impact_amount, impact_unit "
                         "FROM use_case WHERE id = ?", use_case_id)
        if row is None:
            return None
        sources = self.rows("SELECT system, access FROM data_source WHERE use_case_id = ? ORDER BY position",
                            use_case_id)
        metrics = self.rows("SELECT name, unit, baseline, target, direction, target_date, method, owner "
                            "FROM success_metric WHERE use_case_id = ? ORDER BY position", use_case_id)
        return use_case_of(row, sources, metrics)

    def evaluators(self, evaluation_id: int) -> list[EvaluatorInfo]:
        return [EvaluatorInfo(r.name, iso(r.submitted_at)) for r in self.rows(
            "SELECT name, submitted_at FROM evaluator WHERE evaluation_id = ? ORDER BY position, id", evaluation_id)]

    def vendors(self, evaluation_id: int) -> list[Vendor]:
        """Every vendor with its references and milestones: three queries, whatever the count."""
        rows = self.rows(
            "SELECT id, name, industries, claims, production_deployments, kickoff_to_production_months, "
            "timeline_description, pricing_model, pricing_amount, pricing_currency, pricing_assumes, "
            "assumed_infrastructure, demo_rating FROM vendor WHERE evaluation_id = ? ORDER BY position, id",
            evaluation_id)
        refs: dict[int, list[SimpleNamespace]] = defaultdict(list)
        for r in self.rows(
            "SELECT r.vendor_id AS vendor_id, r.company AS company, r.industry AS industry, r.stage AS stage, "
            "r.in_production AS in_production, r.contactable AS contactable FROM vendor_reference r "
            "JOIN vendor v ON v.id = r.vendor_id WHERE v.evaluation_id = ? ORDER BY r.position, r.id",
            evaluation_id,
        ):
            refs[r.vendor_id].append(r)
        milestones: dict[int, list[SimpleNamespace]] = defaultdict(list)
        for m in self.rows(
            "SELECT m.vendor_id AS vendor_id, m.name AS name, m.month AS month FROM milestone m "
            "JOIN vendor v ON v.id = m.vendor_id WHERE v.evaluation_id = ? ORDER BY m.position, m.id",
            evaluation_id,
        ):
            milestones[m.vendor_id].append(m)
        return [vendor_of(v, refs.get(v.id, []), milestones.get(v.id, [])) for v in rows]

    def answers(self, evaluation_id: int) -> Iterator[tuple[Answer, str]]:
        """(answer, source) for every answer, in vendor/evaluator/bank order."""
        for vn, en, qid, value, note, source in self.tuples(
            "SELECT vendor.name, evaluator.name, answer.qid, answer.value, answer.note, answer.source "
            "FROM answer JOIN vendor ON answer.vendor_id = vendor.id "
            "JOIN evaluator ON answer.evaluator_id = evaluator.id WHERE vendor.evaluation_id = ? "
            "ORDER BY vendor.position, vendor.id, evaluator.position, answer.id",
            evaluation_id,
        ):
            yield Answer(vn, en, qid, value, note), source

    def answer_columns(self, evaluation_id: int) -> AnswerColumns:
        """Every answer, in the order of `answers`, as columns (no object per answer).

        Vendors and evaluators become integer codes and each distinct (question, value) pair is
        kept once. The database groups the answers itself (`_grouped_answers`: a few hundred rows
        of joined text instead of one Python row per answer, on SQLite and on a server alike);
        answers whose text holds the separators that path uses are read row by row.
        """
        vendors = list(self.tuples("SELECT id, name, position FROM vendor WHERE evaluation_id = ? ORDER BY id",
                                   evaluation_id))
        evaluators = list(self.tuples("SELECT id, name, position FROM evaluator WHERE evaluation_id = ? "
                                      "ORDER BY id", evaluation_id))
        grouped = self._grouped_answers(evaluation_id, vendors, evaluators)
        if grouped is not None:
            return grouped
        return self._answer_rows(evaluation_id, vendors, evaluators)

    def _answer_rows(self, evaluation_id: int, vendors: list[tuple[Any, ...]],
                     evaluators: list[tuple[Any, ...]]) -> AnswerColumns:
        """`answer_columns` from one ordered query, a row per answer (per-row work in C loops)."""
        cursor = self._cursor(
            "SELECT answer.vendor_id, answer.evaluator_id, answer.qid, answer.value, answer.note "
            "FROM answer JOIN vendor ON answer.vendor_id = vendor.id "
            "JOIN evaluator ON answer.evaluator_id = evaluator.id WHERE vendor.evaluation_id = ? "
            "ORDER BY vendor.position, vendor.id, evaluator.position, answer.id",
            (evaluation_id,),
        )
        rows: list[tuple[Any, ...]] = []
        try:
            while part := cursor.fetchmany(FETCH_SLICE * 20):
                rows.extend(part)
        finally:
            cursor.close()
        count = len(rows)

        def codes(column: int, people: list[tuple[Any, ...]]) -> npt.NDArray[np.intp]:
            known = np.array([p[0] for p in people], dtype=np.int64)  # sorted by id
            ids = np.fromiter(map(itemgetter(column), rows), dtype=np.int64, count=count)
            return np.searchsorted(known, ids).astype(np.intp)

        # Each distinct (question, value) pair once, in the order first seen; then every row's
        # pair by dictionary look-ups in C loops (map, itemgetter), not a Python loop per answer.
        keys = list(map(itemgetter(2, 3), rows))
        pairs = list(dict.fromkeys(keys))
        index = {p: i for i, p in enumerate(pairs)}
        pair_code = np.fromiter(map(index.__getitem__, keys), dtype=np.intp, count=count)
        notes = np.fromiter(map(itemgetter(4), rows), dtype=object, count=count)
        return AnswerColumns([p[1] for p in vendors], [p[1] for p in evaluators], pairs,
                             codes(0, vendors), codes(1, evaluators), pair_code, notes)

    def _grouped_answers(self, evaluation_id: int, vendors: list[tuple[Any, ...]],
                         evaluators: list[tuple[Any, ...]]) -> AnswerColumns | None:
        """`answer_columns` with the database grouping the answers by vendor and evaluator: per group,
        the answer ids and the "question<US>value" keys as one text each. None when an answer's
        text holds a separator (or names an evaluator of another evaluation): read row by row then.

        Every answer crossing into Python as its own row was most of opening a large evaluation
        (docs/performance.md); a group is one row of two long strings, split in C. The rows come
        back in the answer index's order and are put in `answers`' order with numpy.
        """
        # Both aggregates of a group read its rows in the same order (one pass over them), so the
        # n-th id and the n-th key belong to one answer. PostgreSQL spells them string_agg and chr(),
        # and sends the notes with their group the same way (column 7), which saves the server a
        # second pass over the answers; a note holding RS is then read by that second pass.
        on_sqlite = self.marker == "?"
        id_list, key_list, note_list = (
            ("group_concat(id)", "group_concat(qid || char(31) || value, char(30))", "") if on_sqlite
            else ("string_agg(id::text, ',')", "string_agg(qid || chr(31) || value, chr(30))",
                  ", string_agg(note, chr(30))"))
        groups = list(self.tuples(
            f"SELECT vendor_id, evaluator_id, COUNT(*), {id_list}, {key_list}, COUNT(CASE WHEN note <> '' THEN 1 END), "
            f"MAX(updated_at){note_list} FROM answer WHERE {_OF_EVALUATION} GROUP BY vendor_id, evaluator_id",
            evaluation_id))
        v_ids = np.array([v[0] for v in vendors], dtype=np.int64)
        e_ids = np.array([e[0] for e in evaluators], dtype=np.int64)
        g_vendor = np.searchsorted(v_ids, np.array([g[0] for g in groups], dtype=np.int64))
        g_evaluator = np.searchsorted(e_ids, np.array([g[1] for g in groups], dtype=np.int64))
        if len(groups) and (g_evaluator.max() >= len(e_ids)
                            or not np.array_equal(e_ids[g_evaluator], [g[1] for g in groups])):
            return None
        # `answers`' order: vendor position, vendor id, evaluator position, then answer id.
        sort_key = [(vendors[v][2], vendors[v][0], evaluators[e][2])
                    for v, e in zip(g_vendor.tolist(), g_evaluator.tolist(), strict=True)]
        ordered = sorted(range(len(groups)), key=sort_key.__getitem__)
        rank = np.cumsum([sort_key[a] != sort_key[b] for a, b in itertools.pairwise([ordered[0], *ordered])]
                         if ordered else [], dtype=np.intp)  # equal keys share a rank
        sizes = np.array([groups[k][2] for k in ordered], dtype=np.intp)
        count = int(sizes.sum())

        index: dict[str, int] = {}
        ids_parts, code_parts = [], []
        note_parts: list[list[str]] | None = None if on_sqlite or not any(g[5] for g in groups) else []
        # In slices of about 20,000 answers: no single C call holds the GIL for long while the
        # app reads on a worker thread.
        for start in range(0, len(ordered), _GROUPS_PER_SLICE):
            part = [groups[k] for k in ordered[start:start + _GROUPS_PER_SLICE]]
            keys = _ROW.join([g[4] for g in part]).split(_ROW)
            ids = np.fromstring(",".join([g[3] for g in part]), dtype=np.int64, sep=",")
            if len(keys) != len(ids) or len(ids) != sum(g[2] for g in part):
                return None  # a separator inside a question id or a value
            for key in dict.fromkeys(keys):  # new pairs in the order first seen
                if key not in index:
                    index[key] = len(index)
            code_parts.append(np.fromiter(map(index.__getitem__, keys), dtype=np.intp, count=len(keys)))
            ids_parts.append(ids)
            if note_parts is not None:
                texts = _ROW.join([g[7] or "" for g in part]).split(_ROW)
                if len(texts) == len(ids):
                    note_parts.append(texts)
                else:
                    note_parts = None  # a note holding RS: the notes are read by themselves below
        split = [key.split(_PAIR) for key in index]
        if any(len(p) != 2 for p in split):
            return None  # a separator inside a question id or a value
        pairs = [(p[0], p[1]) for p in split]
        ids = np.concatenate(ids_parts) if ids_parts else np.zeros(0, dtype=np.int64)
        pair_code = np.concatenate(code_parts) if code_parts else np.zeros(0, dtype=np.intp)
        vendor_code = np.repeat(g_vendor[ordered], sizes)
        evaluator_code = np.repeat(g_evaluator[ordered], sizes)
        row_rank = np.repeat(rank, sizes)
        notes = np.full(count, "", dtype=object)
        if note_parts is not None:
            notes[:] = list(itertools.chain.from_iterable(note_parts))
        if count > 1 and not np.all((np.diff(row_rank) > 0) | (np.diff(ids) > 0)):
            order = np.lexsort((ids, row_rank))
            ids, pair_code, vendor_code, evaluator_code, notes = ids[order], pair_code[order], vendor_code[order], \
                evaluator_code[order], notes[order]
        if note_parts is None and any(g[5] for g in groups):
            noted = list(self.tuples(f"SELECT id, note FROM answer WHERE {_OF_EVALUATION} AND note <> ''",
                                     evaluation_id))
            by_id = np.argsort(ids)
            rows = by_id[np.searchsorted(ids[by_id], np.array([n[0] for n in noted], dtype=np.int64))]
            notes[rows] = [n[1] for n in noted]
        self._latest_answer[evaluation_id] = max((g[6] for g in groups), default=None)
        return AnswerColumns([v[1] for v in vendors], [e[1] for e in evaluators], pairs,
                             vendor_code, evaluator_code, pair_code, notes)

    def acknowledgements(self, evaluation_id: int | None = None,
                         engagement_id: int | None = None) -> dict[tuple[str, str], Acknowledgement]:
        where, params = [], []
        if evaluation_id is not None:
            where.append("evaluation_id = ?")
            params.append(evaluation_id)
        if engagement_id is not None:
            where.append("engagement_id = ?")
            params.append(engagement_id)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return {(r.vendor, r.rule): acknowledgement_of(r) for r in self.rows(
            f'SELECT vendor, rule, rationale, "by", "at" FROM flag_ack{clause} ORDER BY id', *params)}

    def reference_checks(self, evaluation_id: int) -> dict[str, list[ReferenceCheck]]:
        """Vendor name → its reference checks, oldest first."""
        out: dict[str, list[ReferenceCheck]] = defaultdict(list)
        for r in self.rows(
            'SELECT v.name AS vendor, c.company AS company, c.confirmed_production AS confirmed_production, '
            'c.stage AS stage, c.industry AS industry, c."by" AS "by", c."at" AS "at", c.note AS note '
            'FROM reference_check c JOIN vendor v ON v.id = c.vendor_id WHERE v.evaluation_id = ? '
            'ORDER BY c."at", c.id', evaluation_id,
        ):
            out[r.vendor].append(reference_check_of(r))
        return dict(out)

    def evidence(self, evaluation_id: int, evaluation: str) -> Evidence:
        """The evaluation's documents, citations and pages' text (what the flags and the report read)."""
        docs = [
            Document(r.id, evaluation, r.vendor, r.name, r.sha256, r.format, _document_kind(r.kind), int(r.size),
                     int(r.pages), day(r.valid_until), stamp(r.added_at) or _EPOCH, r.added_by)
            for r in self.rows(
                "SELECT d.id AS id, v.name AS vendor, d.name AS name, d.sha256 AS sha256, b.format AS format, "
                "d.kind AS kind, b.size AS size, b.pages AS pages, d.valid_until AS valid_until, "
                "d.added_at AS added_at, d.added_by AS added_by FROM evidence_document d "
                "JOIN evidence_blob b ON b.sha256 = d.sha256 JOIN vendor v ON v.id = d.vendor_id "
                "WHERE v.evaluation_id = ? ORDER BY v.position, v.id, d.position, d.id", evaluation_id)
        ]
        if not docs:
            return Evidence()
        by_id = {d.id: d for d in docs}
        citations = tuple(
            Citation(r.id, evaluation, by_id[r.document_id].vendor, r.qid, r.evaluator, by_id[r.document_id], r.page,
                     r.quote, stamp(r.cited_at) or _EPOCH, r.cited_by)
            for r in self.rows(
                "SELECT c.id AS id, c.document_id AS document_id, c.qid AS qid, c.evaluator AS evaluator, "
                "c.page AS page, c.quote AS quote, c.cited_at AS cited_at, c.cited_by AS cited_by "
                "FROM evidence_citation c JOIN evidence_document d ON d.id = c.document_id "
                "JOIN vendor v ON v.id = d.vendor_id WHERE v.evaluation_id = ? ORDER BY c.id", evaluation_id)
            if r.document_id in by_id
        )
        by_sha: dict[str, list[Document]] = defaultdict(list)
        for d in docs:
            by_sha[d.sha256].append(d)
        pages = [Page(d.id, number, text) for sha, number, text in self.tuples(
            "SELECT p.sha256, p.number, p.text FROM evidence_page p WHERE p.sha256 IN ("
            "SELECT d.sha256 FROM evidence_document d JOIN vendor v ON v.id = d.vendor_id WHERE v.evaluation_id = ?) "
            "ORDER BY p.sha256, p.number", evaluation_id) for d in by_sha[sha]]
        pages.sort(key=lambda p: (p.document, p.number))
        return Evidence(tuple(docs), citations, tuple(pages))

    def snapshot(self, ev: Any) -> EvaluationSnapshot:
        """The whole evaluation `ev` (a row with id, name, bank_version_id, use_case_id)."""
        return EvaluationSnapshot(
            name=ev.name,
            organization=self.organization(),
            bank=self.bank(ev.bank_version_id),
            evaluators=self.evaluators(ev.id),
            vendors=self.vendors(ev.id),
            answers=self.answer_columns(ev.id),
            use_case=None if ev.use_case_id is None else self.use_case(ev.use_case_id),
            acknowledgements=self.acknowledgements(evaluation_id=ev.id),
            reference_checks=self.reference_checks(ev.id),
            evidence=self.evidence(ev.id, ev.name),
            as_of=max(m.astimezone().date() for m in self.last_changes(ev.id)),
        )

    # --- an engagement (Oversee, `diligence oversight` and the monthly review PDF) ---

    def engagement(self, ref: str | int) -> SimpleNamespace:
        """The engagement row by id (an int or digits) or by name, its days as dates and its
        promises (`promises`) as the domain's."""
        columns = ("SELECT id, name, vendor, use_case_title, kickoff, promised_months, production_date, "
                   "evaluation_id, quote_amount, quote_currency, cost_growth_pct, cost_threshold, adoption_promises "
                   "FROM engagement")
        number = row_id(ref)
        row = None if number is None else self.first(f"{columns} WHERE id = ?", number)
        if row is None:
            row = self.first(f"{columns} WHERE name = ?", str(ref))
        if row is None:
            raise NoSuchEngagement(ref)
        row.kickoff, row.production_date = day(row.kickoff), day(row.production_date)
        row.promises = promises_of(row)
        return row

    def engagements(self) -> list[tuple[int, str, str]]:
        """(id, name, vendor) of every engagement, oldest first."""
        return [(int(i), n, v) for i, n, v in self.tuples("SELECT id, name, vendor FROM engagement ORDER BY id")]

    def engagement_metrics(self, engagement_id: int) -> dict[int, SuccessMetric]:
        """The metrics locked at kickoff by their row id, in their order."""
        return {m.id: success_metric_of(m) for m in self.rows(
            "SELECT id, name, unit, baseline, target, direction, target_date, method, owner FROM engagement_metric "
            "WHERE engagement_id = ? ORDER BY position, id", engagement_id)}

    def engagement_milestones(self, engagement_id: int) -> list[tuple[Milestone, date | None]]:
        """The promised milestones, each with the day it was reached (or None)."""
        return [(Milestone(name, month), day(reached)) for name, month, reached in self.tuples(
            "SELECT name, month, reached_on FROM engagement_milestone WHERE engagement_id = ? ORDER BY position, id",
            engagement_id)]

    def monthly_reviews(self, engagement_id: int, metric_names: dict[int, str]) -> list[Review]:
        """Every monthly review, by month, with its actuals (by metric name, from `metric_names`:
        metric row id → name) and its decisions: three queries, whatever the count."""
        from app.domain.oversight import Decision

        reviews = self.rows(
            "SELECT id, month, blockers, decisions_needed, recovery_plan, minutes, explained, spend_amount, "
            "spend_currency FROM monthly_review WHERE engagement_id = ? ORDER BY month", engagement_id)
        actuals: dict[int, dict[str, float | None]] = defaultdict(dict)
        for review_id, metric_id, value in self.tuples(
            "SELECT a.review_id, a.metric_id, a.value FROM review_actual a JOIN monthly_review r ON r.id = a.review_id "
            "WHERE r.engagement_id = ? ORDER BY a.review_id, a.metric_id", engagement_id,
        ):
            actuals[review_id][metric_names[metric_id]] = value
        decisions: dict[int, list[Decision]] = defaultdict(list)
        for review_id, text, owner, due, decided_on in self.tuples(
            "SELECT d.review_id, d.text, d.owner, d.due, d.decided_on FROM review_decision d "
            "JOIN monthly_review r ON r.id = d.review_id WHERE r.engagement_id = ? ORDER BY d.position, d.id",
            engagement_id,
        ):
            decisions[review_id].append(Decision(text, owner, day(due), day(decided_on)))
        return [review_of(r, actuals.get(r.id, {}), decisions.get(r.id, [])) for r in reviews]

    def vendor_answer_count(self, evaluation_id: int, vendor: str) -> int:
        """How many answers (of every evaluator) the vendor named `vendor` has in the evaluation."""
        found = self.first(
            "SELECT COUNT(*) AS n FROM answer a JOIN vendor v ON v.id = a.vendor_id "
            "WHERE v.evaluation_id = ? AND v.name = ?", evaluation_id, vendor)
        return int(found.n) if found is not None else 0

    def last_changes(self, evaluation_id: int) -> list[datetime]:
        """When the evaluation was made and its latest answer, submission, acknowledgement, reference check,
        document and citation (the report's date, and the day expiry is judged on)."""
        found = []
        latest_answer = ("SELECT MAX(answer.updated_at) FROM answer JOIN vendor ON answer.vendor_id = vendor.id "
                         "WHERE vendor.evaluation_id = ?")
        for sql in (
            "SELECT created_at FROM evaluation WHERE id = ?",
            latest_answer,
            "SELECT MAX(submitted_at) FROM evaluator WHERE evaluation_id = ?",
            'SELECT MAX("at") FROM flag_ack WHERE evaluation_id = ?',
            'SELECT MAX(c."at") FROM reference_check c JOIN vendor v ON v.id = c.vendor_id WHERE v.evaluation_id = ?',
            "SELECT MAX(d.added_at) FROM evidence_document d JOIN vendor v ON v.id = d.vendor_id "
            "WHERE v.evaluation_id = ?",
            "SELECT MAX(c.cited_at) FROM evidence_citation c JOIN evidence_document d ON d.id = c.document_id "
            "JOIN vendor v ON v.id = d.vendor_id WHERE v.evaluation_id = ?",
        ):
            known = sql is latest_answer and evaluation_id in self._latest_answer
            for (value,) in [(self._latest_answer[evaluation_id],)] if known else self.tuples(sql, evaluation_id):
                moment = stamp(value)
                if moment is not None:
                    found.append(moment)
        return found


@contextlib.contextmanager
def reading(ws: Workspace) -> Iterator[Reader]:
    """A Reader on a connection of its own to the workspace, closed afterwards.

    A workspace file is read through the standard sqlite3 module and a team workspace through
    psycopg (`ServerWorkspace.read_connection`: one repeatable-read snapshot), so SQLAlchemy is
    not imported. A damaged file surfaces as the WorkspaceError the ORM path gives.
    """
    read_connection = getattr(ws, "read_connection", None)
    if read_connection is not None:
        with read_connection() as con:
            yield Reader(con)
        return
    con = connect(ws.db, read_only=ws.read_only, immutable=ws.immutable_file())
    try:
        con.execute("BEGIN")  # every query sees the same state, even while another process writes
        yield Reader(con)
    except sqlite3.DatabaseError as exc:
        raise (explain(ws.db, exc) or exc) from exc
    finally:
        con.rollback()
        con.close()

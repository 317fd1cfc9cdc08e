"""Synthetic workspaces, banks and exchange files for the benchmarks, cached under bench/.cache.

The large workspace is made by `open_workspace` (so the schema is the real, migrated one) and
then filled with plain sqlite3 `executemany` inside one transaction: 2.4 million answers go in
in seconds instead of the hours an ORM would take. Everything is seeded, so two runs build the
same data; the cache key carries GENERATOR_VERSION, so changing the generator rebuilds it.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.domain.bank import Bank, Question, QuestionType

GENERATOR_VERSION = 2  # 2: the report benchmark's evaluators have submitted
SCORECARD_VERSION = 2
ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"
DATA = ROOT.parent / "data"

SECTIONS = (
    "Track record",
    "Data readiness",
    "Systems integration",
    "People and change",
    "Delivery plan",
    "Measurement",
    "Security and privacy",
    "Model operations",
    "Commercials",
    "Support",
    "Governance",
    "Exit and ownership",
)
LAYERS = ("data", "systems", "people", "commercial")
STAMP = "2026-11-25 09:00:00.000000"


# ----- banks ---------------------------------------------------------------------------------


def bank_rows(n_questions: int, sections: int = 12, seed: int = 1) -> list[dict[str, object]]:
    """Rows in the bank file format: a realistic mix of types, weights, knockouts and flag rules."""
    rnd = random.Random(seed)
    rows: list[dict[str, object]] = []
    kinds = ("scale", "yes_no", "number", "choice", "scale", "yes_no", "scale", "text")
    for i in range(n_questions):
        kind = kinds[i % len(kinds)]
        section = SECTIONS[i % sections] if sections <= len(SECTIONS) else f"Section {i % sections + 1:02d}"
        row: dict[str, object] = {
            "id": f"Q{i + 1:04d}",
            "section": section,
            "layer": LAYERS[i % len(LAYERS)],
            "question": f"Question {i + 1} about {section.lower()}: describe how you handle case {rnd.randint(1, 999)}.",
            "type": kind,
            "weight": 0 if kind == "text" else rnd.choice((1, 2, 3, 4, 5)),
            "guidance": "Good: specific, named, measured. Bad: generic claims without evidence.",
            "options": "",
            "scoring": "",
            "knockout_min": "",
            "flag_rule": "",
            "allow_na": "yes" if i % 11 == 0 and kind != "text" else "",
        }
        if kind == "scale":
            row["options"] = "|".join(f"{k}=Level {k}" for k in range(6))
            if i % 37 == 0:
                row["knockout_min"] = 1
            if i % 23 == 0:
                row["flag_rule"] = "<2:high:Weak answer on a key question"
        elif kind == "number":
            row["scoring"] = ">=10:5; >=5:4; >=1:2; else:0"
        elif kind == "choice":
            row["options"] = "Fixed fee=5|Time and materials=3|Retainer=2|Unclear=0"
        elif kind == "text":
            row["flag_rule"] = "contains=tbd|depends:medium:Vague answer"
        rows.append(row)
    return rows


def synthetic_bank(n_questions: int, sections: int = 12, name: str = "Benchmark bank", seed: int = 1) -> Bank:
    return Bank.from_rows(name, bank_rows(n_questions, sections, seed))


def answer_values(q: Question) -> list[str]:
    """Stored (normalised) values an evaluator might give to `q`."""
    if q.type is QuestionType.TEXT:
        raw: list[object] = ["We start with a data assessment.", "Timeline tbd after discovery.", "Named team of four."]
    elif q.type is QuestionType.YES_NO:
        raw = ["yes", "no", "yes"]
    elif q.type is QuestionType.SCALE:
        raw = ["0", "1", "2", "3", "4", "5", "3", "4"]
    elif q.type is QuestionType.NUMBER:
        raw = ["0", "2", "6", "12", "7"]
    else:
        raw = [label for label, _ in q.choices]
    if q.allow_na:
        raw.append("n/a")
    return [q.read(v).value for v in raw]


# ----- the large workspace -------------------------------------------------------------------


def large_workspace(evaluations: int = 200, vendors: int = 30, questions: int = 200, evaluators: int = 2) -> Path:
    """A workspace folder with `evaluations` × `vendors` × `questions` × `evaluators` answers."""
    key = f"large-v{GENERATOR_VERSION}-{evaluations}x{vendors}x{questions}x{evaluators}"
    target = CACHE / key
    if (target / "diligence.sqlite").exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = CACHE / (key + ".building")
    shutil.rmtree(tmp, ignore_errors=True)
    from app.store.workspace import open_workspace

    ws = open_workspace(tmp, create=True)  # the real, migrated schema
    db = ws.db
    ws.close()
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.execute("PRAGMA synchronous=OFF")  # a cache we can rebuild; the app itself uses FULL
        con.execute("BEGIN")
        _fill(con, evaluations, vendors, questions, evaluators)
        con.execute("COMMIT")
        con.execute("ANALYZE")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)  # a half-built cache is never mistaken for a finished one
    return target


def _fill(con: sqlite3.Connection, n_eval: int, n_vendors: int, n_questions: int, n_evaluators: int) -> None:
    rnd = random.Random(7)
    demo = json.loads((DATA / "demo.json").read_text(encoding="utf-8"))
    org = demo["organization"]
    con.execute(
        "INSERT INTO organization (id, name, industry, stage, systems, infrastructure, regulations) VALUES (1,?,?,?,?,?,?)",
        (org["name"], org["industry"], org["stage"], json.dumps(org["systems"]),
         json.dumps(org["infrastructure"]), json.dumps(org["regulations"])),
    )
    # Use cases: one per ten evaluations.
    n_uc = max(1, n_eval // 10)
    con.executemany(
        "INSERT INTO use_case (id, title, decision, actors, impact_kind, impact_amount, impact_unit, position, created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        [(u + 1, f"Prioritizing which inbound leads our SDRs should call first (region {u + 1})",
          "Rank every new inbound lead by its likelihood to book a meeting within 14 days.",
          "SDR team", "revenue", 100000.0 * (u + 1), "USD/year", u, STAMP) for u in range(n_uc)],
    )
    con.executemany(
        "INSERT INTO data_source (use_case_id, system, access, position) VALUES (?,?,?,?)",
        [(u + 1, s, a, k) for u in range(n_uc) for k, (s, a) in enumerate((("Salesforce", "yes"), ("Snowflake", "partial")))],
    )
    con.executemany(
        "INSERT INTO success_metric (use_case_id, name, unit, baseline, target, direction, target_date, method, owner, position)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(u + 1, "Lead-to-meeting conversion", "%", 8.0, 12.0, "up", "2027-06-30", "Salesforce report", "RevOps", 0)
         for u in range(n_uc)],
    )
    # Banks: five banks, each with four versions (20 versions), evaluations pin them round-robin.
    version_ids: list[tuple[int, Bank]] = []
    qid = 0
    vid = 0
    for b in range(5):
        con.execute("INSERT INTO bank (id, name, created_at) VALUES (?,?,?)", (b + 1, f"Benchmark bank {b + 1}", STAMP))
        for v in range(4):
            vid += 1
            bank = synthetic_bank(n_questions, name=f"Benchmark bank {b + 1}", seed=100 * b + v)
            con.execute(
                "INSERT INTO bank_version (id, bank_id, version, hash, note, created_at) VALUES (?,?,?,?,?,?)",
                (vid, b + 1, v + 1, bank.hash, "generated", STAMP),
            )
            rows = []
            for pos, q in enumerate(bank.questions):
                qid += 1
                rows.append((qid, vid, pos, q.id, q.section, q.layer.value, q.question, q.type.value, q.weight,
                             q.guidance, q.options, q.scoring, q.knockout_min, q.flag_rule, q.allow_na))
            con.executemany(
                "INSERT INTO question (id, bank_version_id, position, qid, section, layer, question, type, weight,"
                " guidance, options, scoring, knockout_min, flag_rule, allow_na) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            version_ids.append((vid, bank))
    demo_vendors = demo["vendors"]
    evaluator_id = 0
    vendor_id = 0
    start = date(2024, 1, 1)
    for e in range(n_eval):
        ev = e + 1
        version, bank = version_ids[e % len(version_ids)]
        created = (start + timedelta(days=3 * e)).isoformat() + " 10:00:00.000000"
        con.execute(
            "INSERT INTO evaluation (id, name, use_case_id, bank_version_id, created_at) VALUES (?,?,?,?,?)",
            (ev, f"Evaluation {ev:03d}: lead scoring partner", e % n_uc + 1, version, created),
        )
        first_evaluator = evaluator_id + 1
        con.executemany(
            "INSERT INTO evaluator (id, evaluation_id, name, submitted_at, position) VALUES (?,?,?,?,?)",
            [(first_evaluator + k, ev, f"Evaluator {k + 1}", created if k == 0 else None, k) for k in range(n_evaluators)],
        )
        evaluator_id += n_evaluators
        values = [answer_values(q) for q in bank.questions]
        qids = [q.id for q in bank.questions]
        vendors_rows, refs, milestones, answers = [], [], [], []
        for v in range(n_vendors):
            vendor_id += 1
            base = demo_vendors[v % len(demo_vendors)]
            t = base["timeline"]
            p = base["pricing"]
            vendors_rows.append((
                vendor_id, ev, f"{base['name']} #{v + 1}", json.dumps(base["industries"]), base["claims"],
                base["production_deployments_in_industry"], t["kickoff_to_production_months"], t["description"],
                p["model"], float(p["amount"]), p["currency"], json.dumps(p["assumes"]),
                json.dumps(base["assumed_infrastructure"]), base["demo_rating"], v,
            ))
            refs += [(vendor_id, r["company"], r["industry"], r["stage"], r["in_production"], r["contactable"], k)
                     for k, r in enumerate(base["references"])]
            milestones += [(vendor_id, m["name"], m["month"], k) for k, m in enumerate(t["milestones"])]
            for k in range(n_evaluators):
                ek = first_evaluator + k
                for qi in range(len(qids)):
                    choices = values[qi]
                    answers.append((vendor_id, ek, qids[qi], choices[rnd.randrange(len(choices))], "", "import", created))
        con.executemany(
            "INSERT INTO vendor (id, evaluation_id, name, industries, claims, production_deployments,"
            " kickoff_to_production_months, timeline_description, pricing_model, pricing_amount, pricing_currency,"
            " pricing_assumes, assumed_infrastructure, demo_rating, position) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            vendors_rows,
        )
        con.executemany(
            "INSERT INTO vendor_reference (vendor_id, company, industry, stage, in_production, contactable, position)"
            " VALUES (?,?,?,?,?,?,?)", refs,
        )
        con.executemany("INSERT INTO milestone (vendor_id, name, month, position) VALUES (?,?,?,?)", milestones)
        con.executemany(
            "INSERT INTO answer (vendor_id, evaluator_id, qid, value, note, source, updated_at) VALUES (?,?,?,?,?,?,?)",
            answers,
        )
    _engagements(con, n_eval, n_vendors, demo, rnd)
    con.executemany(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after, reason) VALUES (?,?,?,?,?,?,?,?)",
        [(STAMP, "bench", "answer changed", "answer", f"Evaluation {k % n_eval + 1:03d}/v/e/Q0001",
          json.dumps({"value": "2"}), json.dumps({"value": "3"}), "") for k in range(20_000)],
    )


def _engagements(con: sqlite3.Connection, n_eval: int, n_vendors: int, demo: dict[str, Any], rnd: random.Random) -> None:
    """One engagement per ten evaluations, each with two metrics, milestones and 18 monthly reviews."""
    eng = demo["engagement"]
    metric_id = review_id = 0
    for g in range(max(1, n_eval // 10)):
        gid = g + 1
        ev = g * 10 + 1
        con.execute(
            "INSERT INTO engagement (id, name, evaluation_id, vendor, use_case_title, kickoff, promised_months,"
            " production_date, locked_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (gid, f"{eng['name']} {gid}", ev, f"{demo['vendors'][0]['name']} #1",
             "Prioritizing which inbound leads our SDRs should call first", "2025-01-01", 5.0, None, STAMP),
        )
        metrics = []
        for k, (name, unit, base, target, direction) in enumerate(
            (("Lead-to-meeting conversion", "%", 8.0, 12.0, "up"), ("Time to first touch", "hours", 20.0, 4.0, "down"))
        ):
            metric_id += 1
            metrics.append((metric_id, base, target))
            con.execute(
                "INSERT INTO engagement_metric (id, engagement_id, name, unit, baseline, target, direction, target_date,"
                " method, owner, position) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (metric_id, gid, name, unit, base, target, direction, "2026-06-30", "monthly report", "RevOps", k),
            )
        con.executemany(
            "INSERT INTO engagement_milestone (engagement_id, name, month, reached_on, position) VALUES (?,?,?,?,?)",
            [(gid, m["name"], m["month"], None, k) for k, m in enumerate(demo["vendors"][0]["timeline"]["milestones"])],
        )
        for m in range(18):
            review_id += 1
            month = f"{2025 + (m + 1) // 12}-{(m + 1) % 12 + 1:02d}"
            con.execute(
                "INSERT INTO monthly_review (id, engagement_id, month, blockers, decisions_needed, recovery_plan, created_at)"
                " VALUES (?,?,?,?,?,?,?)",
                (review_id, gid, month, "Data sync delay for one region.", "Approve warehouse access.",
                 "" if m % 3 else "Vendor adds two ride-alongs.", STAMP),
            )
            con.executemany(
                "INSERT INTO review_actual (review_id, metric_id, value) VALUES (?,?,?)",
                [(review_id, mid, round(b + (t - b) * min(1.0, m / 17) * rnd.uniform(0.6, 1.1), 2)) for mid, b, t in metrics],
            )


# ----- smaller inputs ------------------------------------------------------------------------


def exchange_document(vendors: int = 10, questions: int = 100, evaluators: int = 3, seed: int = 3) -> dict[str, Any]:
    """An evaluation exchange document built on the demo's organization, use case and vendors."""
    rnd = random.Random(seed)
    demo = json.loads((DATA / "demo.json").read_text(encoding="utf-8"))
    rows = bank_rows(questions, seed=seed)
    bank = Bank.from_rows("Report benchmark bank", rows)
    names = [f"Evaluator {k + 1}" for k in range(evaluators)]
    doc_vendors = []
    for v in range(vendors):
        base = dict(demo["vendors"][v % len(demo["vendors"])])
        base["name"] = f"{base['name']} #{v + 1}"
        base["answers"] = [
            {"question": q.id, "evaluator": e, "value": rnd.choice(answer_values(q)), "note": "Checked on the call."}
            for q in bank.questions for e in names
        ]
        doc_vendors.append(base)
    return {
        "format": "diligence-evaluation",
        "version": 1,
        "organization": demo["organization"],
        "use_case": demo["use_case"],
        "bank": {"name": bank.name, "questions": [{k: ("" if v is None else v) for k, v in r.items()} for r in rows]},
        # Everyone has submitted: the report shows every evaluator's scores (blind scoring hides
        # an evaluator's answers until they submit, and the benchmark measures the full report).
        "evaluation": {"name": f"Report benchmark {vendors}x{questions}x{evaluators}", "evaluators": names,
                       "submitted": dict.fromkeys(names, "2026-01-15T10:00:00+00:00")},
        "vendors": doc_vendors,
    }


def exchange_file(vendors: int = 10, questions: int = 100, evaluators: int = 3) -> Path:
    path = CACHE / f"exchange-v{GENERATOR_VERSION}-{vendors}x{questions}x{evaluators}.json"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(exchange_document(vendors, questions, evaluators), ensure_ascii=False), encoding="utf-8")
        tmp.rename(path)
    return path


def bank_xlsx(questions: int = 5000) -> Path:
    """A bank in our file format as the first sheet of an .xlsx workbook."""
    path = CACHE / f"bank-v{GENERATOR_VERSION}-{questions}.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    CACHE.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Questions")
    header = ["id", "section", "layer", "question", "type", "weight", "guidance", "options", "scoring",
              "knockout_min", "flag_rule", "allow_na"]
    sheet.append(header)
    for row in bank_rows(questions, seed=5):
        sheet.append([row[h] for h in header])
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.rename(path)
    return path


def scorecard_xlsx(vendors: int = 10, questions: int = 100, evaluators: int = 3) -> Path:
    """The report benchmark's content as the scorecard workbook a team would otherwise keep.

    A ranking sheet (vendor, answers given, mean score by section) and a question sheet
    (each question with its section, weight and every vendor's mean answer): the tables the
    executive report lays out, so LibreOffice converting this workbook to PDF is a fair
    same-machine baseline for `diligence report` (docs/performance.md).
    """
    path = CACHE / f"scorecard-v{GENERATOR_VERSION}.{SCORECARD_VERSION}-{vendors}x{questions}x{evaluators}.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    doc = exchange_document(vendors, questions, evaluators)
    rows = {str(r["id"]): r for r in doc["bank"]["questions"]}
    sections = sorted({str(r["section"]) for r in rows.values()})
    means: dict[str, dict[str, float | None]] = {}
    for vendor in doc["vendors"]:
        given: dict[str, list[float]] = {}
        for a in vendor["answers"]:
            value = str(a["value"])
            if value.isdigit():
                given.setdefault(a["question"], []).append(float(value))
        means[vendor["name"]] = {qid: round(sum(v) / len(v), 2) if v else None for qid, v in given.items()}
    wb = Workbook()
    ranking = wb.active
    ranking.title = "Ranking"
    ranking.append(["Vendor", "Answers", *sections])
    for vendor in doc["vendors"]:
        by_section = {s: [m for qid, m in means[vendor["name"]].items()
                          if m is not None and rows[qid]["section"] == s] for s in sections}
        ranking.append([vendor["name"], len(vendor["answers"]),
                        *[round(sum(v) / len(v), 2) if v else None for v in by_section.values()]])
    sheet = wb.create_sheet("Questions")
    sheet.append(["ID", "Section", "Question", "Weight", *[v["name"] for v in doc["vendors"]]])
    for qid, row in rows.items():
        sheet.append([qid, row["section"], row["question"], row["weight"],
                      *[means[v["name"]].get(qid) for v in doc["vendors"]]])
    sheet.column_dimensions["C"].width = 50
    for cell in sheet["C"]:
        cell.alignment = Alignment(wrap_text=True)
    for ws in (ranking, sheet):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.page_setup.orientation = "landscape"
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.rename(path)
    return path


def filled_board(vendors: int = 20, questions: int = 200, evaluators: int = 5, seed: int = 11) -> Any:
    """A ScoreBoard with every answer given."""
    from app.domain.scoring import ScoreBoard

    rnd = random.Random(seed)
    bank = synthetic_bank(questions, seed=seed)
    vnames = [f"Vendor {v + 1:02d}" for v in range(vendors)]
    enames = [f"Evaluator {k + 1}" for k in range(evaluators)]
    board = ScoreBoard(bank, vnames, enames)
    for q in bank.questions:
        values = answer_values(q)
        for v in vnames:
            for e in enames:
                board.set_answer(v, e, q.id, rnd.choice(values))
    return board


def sensitivity_inputs(vendors: int = 20, sections: int = 12, seed: int = 13) -> dict[str, Any]:
    """Arguments of `sensitivity.analyse` for vendors × sections."""
    import numpy as np

    rng = np.random.default_rng(seed)
    weights = rng.uniform(5.0, 20.0, sections)
    den = np.tile(weights, (vendors, 1))
    num = den * rng.uniform(0.4, 0.9, (vendors, sections))
    totals = [float(100.0 * num[v].sum() / den[v].sum()) for v in range(vendors)]
    return {
        "vendors": [f"Vendor {v + 1:02d}" for v in range(vendors)],
        "section_names": [f"Section {k + 1:02d}" for k in range(sections)],
        "section_weights": list(weights),
        "num": num,
        "den": den,
        "knocked_out": [False] * vendors,
        "totals": totals,
    }


if __name__ == "__main__":
    for label, fn in (("large workspace", large_workspace), ("exchange file", exchange_file), ("bank xlsx", bank_xlsx)):
        t0 = time.perf_counter()
        print(f"{label}: {fn()} ({time.perf_counter() - t0:.1f} s)")

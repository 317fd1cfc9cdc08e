"""An outside team's audit of the docs/formats.md contracts, end to end through `diligence` in a subprocess.

Each test crafts its own exchange file, so the domain rules are checked on inputs built for the
edge they test (thresholds, ties, severities), not only on the demo.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from app.paths import data_dir

ORG = {"name": "Acme", "industry": "B2B SaaS", "stage": "scale-up", "infrastructure": ["CRM", "cloud data warehouse"]}


def run(*args: str, workspace: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--workspace", str(workspace)] if workspace else []
    return subprocess.run(
        [sys.executable, "-m", "app", *args, *extra],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def q(qid: str, qtype: str = "scale", weight: float = 1, section: str = "S", **extra: Any) -> dict[str, Any]:
    return {"id": qid, "section": section, "layer": "data", "question": f"Question {qid}?", "type": qtype, "weight": weight, **extra}


def good_vendor(name: str, answers: Sequence[tuple[Any, ...]] = (), **extra: Any) -> dict[str, Any]:
    """A vendor that raises no profile red flag, so a test sees only the flags it provokes."""
    v: dict[str, Any] = {
        "name": name,
        "industries": ["B2B SaaS"],
        "references": [{"company": "Ref", "industry": "B2B SaaS", "stage": "scale-up", "in_production": True, "contactable": True}],
        "production_deployments_in_industry": 3,
        "timeline": {"kickoff_to_production_months": 5, "milestones": [{"name": "Pilot", "month": 3}], "description": "Pilot in month 3."},
        "answers": [{"question": a[0], "evaluator": a[2] if len(a) > 2 else "E1", "value": a[1]} for a in answers],
    }
    if "references" not in extra:  # a reference nobody called is claimed, not confirmed: a flag of its own
        v["reference_checks"] = [CONFIRMED]
    v.update(extra)
    return v


CONFIRMED = {"company": "Ref", "confirmed_production": True, "stage": "", "industry": "", "by": "E1",
             "at": "2027-01-03T10:00:00+00:00", "note": ""}


def doc(questions: list[dict[str, Any]], vendors: list[dict[str, Any]], name: str = "Audit", evaluators: tuple[str, ...] = ("E1",), **extra: Any) -> dict[str, Any]:
    return {
        "format": "diligence-evaluation",
        "version": 1,
        "organization": ORG,
        "bank": {"name": f"Bank for {name}", "questions": questions},
        # Everyone has submitted: these tests are about the scores, not blind scoring.
        "evaluation": {"name": name, "evaluators": list(evaluators),
                       "submitted": dict.fromkeys(evaluators, "2027-01-04T09:00:00+00:00")},
        "vendors": vendors,
        **extra,
    }


def imported(tmp_path: Path, document: dict[str, Any], workspace: Path | None = None) -> Path:
    ws = workspace or tmp_path / "ws"
    path = tmp_path / f"{document['evaluation']['name']}.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    r = run("import", str(path), workspace=ws)
    assert r.returncode == 0, r.stderr
    return ws


def scored(ws: Path, evaluation: str = "Audit") -> dict[str, Any]:
    r = run("score", evaluation, "--json", workspace=ws)
    assert r.returncode == 0, r.stderr
    data: dict[str, Any] = json.loads(r.stdout)
    return data


def by_vendor(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {v["vendor"]: v for v in data["ranking"]}


def flags_of(entry: dict[str, Any]) -> dict[str, str]:
    return {f["rule"]: f["severity"] for f in entry["flags"]}


def counts(ws: Path) -> dict[str, int]:
    with sqlite3.connect(ws / "diligence.sqlite") as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("evaluation", "vendor", "answer", "bank_version")}


# ----- 1. command line ------------------------------------------------------------------------


def test_every_documented_command_and_option_is_spelled_as_documented(tmp_path: Path) -> None:
    """`--help` of each command lists the documented options, and `--workspace` goes on every command."""
    documented = {
        ("gui",): ["--smoke"],
        ("demo",): [],
        ("bank", "import"): ["--name", "--sheet", "--header-row", "--map"],
        ("bank", "export"): [],
        ("bank", "list"): [],
        ("usecase", "check"): ["--json"],
        ("import",): [],
        ("export",): [],
        ("questionnaire",): ["--vendor", "--out"],
        ("answers", "import"): ["--evaluation", "--evaluator"],
        ("score",): ["--json"],
        ("report",): ["--out"],
        ("oversight",): ["--json"],
        ("review-report",): ["--month", "--out"],
        ("check",): [],
    }
    for command, options in documented.items():
        r = run(*command, "--help")
        assert r.returncode == 0, (command, r.stderr)
        for option in [*options, "--workspace"]:
            assert option in r.stdout, (command, option)


def test_workspace_from_the_environment_and_names_or_ids(tmp_path: Path) -> None:
    ws = tmp_path / "from-env"
    r = run("demo", env={"DILIGENCE_WORKSPACE": str(ws)})
    assert r.returncode == 0, r.stderr
    assert (ws / "diligence.sqlite").exists()
    by_name = run("oversight", "Lead scoring rollout", "--json", env={"DILIGENCE_WORKSPACE": str(ws)})
    by_id = run("--workspace", str(ws), "oversight", "1", "--json")
    assert by_name.returncode == 0 and json.loads(by_name.stdout) == json.loads(by_id.stdout)
    out_name, out_id = tmp_path / "by-name.csv", tmp_path / "by-id.csv"
    assert run("bank", "export", "AI implementation partner — standard", str(out_name), workspace=ws).returncode == 0
    assert run("bank", "export", "1", str(out_id), workspace=ws).returncode == 0
    assert out_name.read_bytes() == out_id.read_bytes()


def test_usage_errors_are_one_line_on_stderr(tmp_path: Path) -> None:
    for args in (["score"], ["frobnicate"], ["report", "x"], ["bank", "import"], ["score", "x", "--bogus"]):
        r = run(*args, workspace=tmp_path / "ws")
        assert r.returncode == 2, args
        assert len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)


def test_a_report_that_cannot_be_written_leaves_no_file(tmp_path: Path, demo_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    for args in (
        ["report", "1", "--out", str(blocker / "r.pdf")],
        ["review-report", "1", "--out", str(blocker / "r.pdf")],
        ["export", "1", str(blocker / "e.json")],
    ):
        r = run(*args, workspace=demo_path)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert str(blocker) in r.stderr
    target = tmp_path / "folder"
    (target / "inside").mkdir(parents=True)
    r = run("report", "1", "--out", str(target), workspace=demo_path)
    assert r.returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "demo-workspace", "folder"]
    assert [p.name for p in target.iterdir()] == ["inside"]


def test_an_evaluation_without_evaluators_scores(tmp_path: Path) -> None:
    """Regression: scoring crashed (exit 1, numpy reduction over zero evaluators)."""
    ws = imported(tmp_path, doc([q("Q1")], [good_vendor("V")], evaluators=()))
    data = scored(ws)
    # Nobody can have scored it: not scored yet (no total, no rank, no gaps, not knocked out).
    entry = data["ranking"][0]
    assert entry["total"] is None and entry["rank"] is None and entry["gaps"] == []
    assert entry["knocked_out"] is False
    assert run("score", "Audit", workspace=ws).returncode == 0


# ----- 2. JSON outputs -----------------------------------------------------------------------


def test_score_json_types_null_total_and_null_stability(tmp_path: Path) -> None:
    questions = [q("Q1", weight=2, section="A"), q("Q2", allow_na=True, section="B"), q("T", "text", 0, section="B")]
    vendors = [
        good_vendor("Scorable", [("Q1", 4), ("Q2", 2)]),
        good_vendor("Nothing", [("Q2", "n/a"), ("T", "We do everything")]),
    ]
    data = scored(imported(tmp_path, doc(questions, vendors)))
    assert data["evaluation"] == "Audit" and data["bank"]["name"] == "Bank for Audit"
    assert isinstance(data["bank"]["version"], int) and len(data["bank"]["hash"]) == 64
    entries = by_vendor(data)
    assert entries["Scorable"]["total"] == pytest.approx(100 * (2 * 0.8 + 0.4) / 3, abs=1e-12)
    assert entries["Scorable"]["total"] != round(entries["Scorable"]["total"], 1)  # full precision
    assert entries["Nothing"]["total"] is None
    # Regression: a vendor with no total showed section and layer scores of 0.0 (the total's own
    # questions, the same formula) — shown as —, not 0, like the total.
    assert entries["Nothing"]["sections"] == {"A": None, "B": None} and entries["Nothing"]["layers"] == {"data": None}
    assert entries["Scorable"]["sections"] == {"A": 80.0, "B": 40.0}
    assert [e["vendor"] for e in data["ranking"]] == ["Scorable", "Nothing"]
    assert [e["rank"] for e in data["ranking"]] == [1, 2]
    for e in data["ranking"]:
        assert isinstance(e["knocked_out"], bool) and isinstance(e["knockout_reasons"], list)
        assert all(isinstance(x, float) for x in e["sections"].values() if x is not None)
        assert set(e["layers"]) <= {"data", "systems", "people", "commercial"}
        for f in e["flags"]:
            assert set(f) == {"rule", "severity", "message", "evidence", "acknowledged"}
            assert f["severity"] in {"critical", "high", "medium"} and f["acknowledged"] is False
            assert isinstance(f["evidence"], list) and all(isinstance(x, str) for x in f["evidence"])
    sens = data["sensitivity"]
    assert sens["too_close_to_call"] is False
    assert sens["win_share"] == {"Scorable": 1.0, "Nothing": 0.0}
    assert sens["weight_stability"] == {"A": None, "B": None}  # one scorable vendor: always stable


@pytest.mark.parametrize(
    "text", ["Prioritizing which inbound leads our SDRs should call first", "Building an AI-powered platform", "Churn"]
)
def test_usecase_check_json_verdicts(text: str) -> None:
    r = run("usecase", "check", text, "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) == {"verdict", "score", "reasons"}
    assert data["verdict"] in {"specific", "needs work", "slogan"}
    assert type(data["score"]) is int and 0 <= data["score"] <= 100
    assert all(isinstance(x, str) and x for x in data["reasons"])


# ----- 3. exchange file ----------------------------------------------------------------------


def test_a_minimal_file_imports_and_exports_with_the_documented_defaults(tmp_path: Path) -> None:
    minimal = {
        "format": "diligence-evaluation",
        "version": 1,
        "bank": {"name": "Mini", "questions": [{"id": "Q1", "section": "S", "layer": "data", "question": "How?", "type": "scale"}]},
        "evaluation": {"name": "Mini"},
        "vendors": [{"name": "V"}],
    }
    ws = imported(tmp_path, {**minimal})
    out = tmp_path / "out.json"
    assert run("export", "Mini", str(out), workspace=ws).returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["organization"] == {"name": "", "industry": "", "stage": "scale-up", "systems": [], "infrastructure": [], "regulations": []}
    assert data["use_case"]["impact"] == {"kind": "revenue", "amount": 0, "unit": "USD/year"}
    vendor = data["vendors"][0]
    assert vendor["pricing"] == {"model": "", "amount": 0, "currency": "USD", "assumes": []}
    assert vendor["timeline"] == {"kickoff_to_production_months": None, "milestones": [], "description": ""}
    assert vendor["demo_rating"] is None and vendor["answers"] == [] and vendor["references"] == []
    assert "engagement" not in data


def test_unknown_keys_anywhere_are_named_by_path(tmp_path: Path) -> None:
    base = doc([q("Q1")], [good_vendor("V", [("Q1", 3)])])
    cases: list[tuple[Callable[[dict[str, Any]], None], str]] = [
        (lambda d: d["bank"]["questions"][0].update(colour="red"), "bank.questions[0].colour"),
        (lambda d: d["vendors"][0]["timeline"].update(eta="soon"), "vendors[0].timeline.eta"),
        (lambda d: d["vendors"][0]["answers"][0].update(score=1), "vendors[0].answers[0].score"),
        (lambda d: d["organization"].update(size=5), "organization.size"),
        (lambda d: d.update(extra=1), "extra"),
    ]
    for i, (change, where) in enumerate(cases):
        bad = json.loads(json.dumps(base))
        change(bad)
        path = tmp_path / f"bad{i}.json"
        path.write_text(json.dumps(bad), encoding="utf-8")
        r = run("import", str(path), workspace=tmp_path / "ws")
        assert r.returncode == 2 and where in r.stderr and "unknown key" in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "ws" / "diligence.sqlite").exists()


def test_a_file_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    path.write_text(json.dumps({**doc([q("Q1")], []), "version": 2}), encoding="utf-8")
    r = run("import", str(path), workspace=tmp_path / "ws")
    assert r.returncode == 2
    assert "version" in r.stderr and "newer version of Diligence" in r.stderr and str(path) in r.stderr


def test_round_trip_with_unicode_markup_rtl_numbers_and_an_engagement(tmp_path: Path) -> None:
    hostile = "<b>Ünïcödé</b> & \"quotes\" — Ελληνικά Кириллица שלום עולם مرحبا 😀 =1+1"
    document = doc(
        [
            q("Q1", weight=0.1, guidance=hostile, options="0=none|5=<all>", knockout_min=0.5, flag_rule="<2:high:Weak & <b>"),
            q("Q2", "number", 2.5, section="Σ", scoring=">=0.1:5; else:0", allow_na=True),
            q("Q3", "choice", 1, options="Ja=5|Нет=0|لا=1"),
            q("Q4", "yes_no", 1, scoring="invert"),
            q("T", "text", 0),
        ],
        [
            good_vendor(
                hostile,
                # Exported answers are grouped by evaluator (in the order evaluators are listed).
                [("Q1", 3, "E1"), ("Q2", 0.1), ("Q3", "Нет"), ("Q4", "no"), ("T", hostile), ("Q1", 4, "Ω"), ("Q2", "n/a", "Ω")],
                claims=hostile,
                demo_rating=3.5,
                pricing={"model": hostile, "amount": 0.1, "currency": "€", "assumes": ["CRM"]},
            )
        ],
        name="Évaluation ‏עברית‏",
        evaluators=("E1", "Ω"),
        use_case={
            "title": "Prioritizing which inbound leads our SDRs should call first",
            "decision": hostile,
            "actors": "SDRs",
            "impact": {"kind": "cost", "amount": 0.1, "unit": "€/year"},
            "data_sources": [{"system": "Salesforce", "access": "partial"}],
            "success_metrics": [
                {"name": "Conversion ‰", "unit": "%", "baseline": 0.1, "target": 0.3, "direction": "up",
                 "target_date": "2027-06-30", "method": hostile, "owner": "Maya"},
            ],
        },
        engagement={
            "name": "Rollout ✓",
            "vendor": hostile,
            "kickoff": "2027-01-01",
            "milestones": [{"name": hostile, "due_month": 3, "reached_on": "2027-03-29"}],
            "reviews": [{"month": "2027-02", "actuals": {"Conversion ‰": 0.1}, "blockers": hostile, "decisions_needed": "", "recovery_plan": "x",
                         "minutes": 31.5, "explained": False, "spend": {"amount": 1234.5, "currency": "EUR"},
                         "decisions": [{"text": hostile, "owner": "CFO ✓", "due": "2027-03-31", "decided_on": None},
                                       {"text": "second", "owner": "", "due": None, "decided_on": "2027-02-10"}]}],
        },
    )
    document["vendors"][0]["timeline"]["kickoff_to_production_months"] = 4.5
    document["vendors"][0]["reference_checks"] = [{**CONFIRMED, "note": hostile, "by": hostile, "stage": "Σ"}]
    ws = imported(tmp_path, document)
    out = tmp_path / "out.json"
    r = run("export", "Évaluation ‏עברית‏", str(out), workspace=ws)
    assert r.returncode == 0, r.stderr
    exported = json.loads(out.read_text(encoding="utf-8"))
    # The input left optional keys out; fill them with the documented defaults before comparing.
    expected = json.loads(json.dumps(document))
    expected["organization"] = {**ORG, "systems": [], "regulations": []}
    for question in expected["bank"]["questions"]:
        for key, default in {"guidance": "", "options": "", "scoring": "", "knockout_min": None, "flag_rule": "", "allow_na": False}.items():
            question.setdefault(key, default)
    vendor = expected["vendors"][0]
    for a in vendor["answers"]:
        a["note"] = ""
    vendor["assumed_infrastructure"] = []
    assert exported == expected


# ----- 5. domain rules through the command line -----------------------------------------------


def test_na_knockout_ranking_ties_and_disagreement(tmp_path: Path) -> None:
    questions = [
        q("K", weight=1, knockout_min=3),
        q("N", weight=3, allow_na=True),
        q("D", weight=1),
        q("Y", "yes_no", 0),  # weight 0: never scored
    ]
    vendors = [
        good_vendor("Zed", [("K", 5), ("N", "n/a"), ("D", 5)]),  # 100 over K + D: n/a leaves the total
        good_vendor("Able", [("K", 5), ("N", "n/a"), ("D", 5)]),  # ties with Zed: by name
        good_vendor("Mid", [("K", 3), ("N", 3), ("D", 3)]),  # 60; K exactly at the minimum
        good_vendor("Out high", [("K", 2), ("N", 5), ("D", 5)]),  # 2 < 3: knocked out, total 92
        good_vendor("Out silent", [("N", 5), ("D", 5)]),  # K unanswered: knocked out, gap
        good_vendor("Split", [("K", 5, "E1"), ("K", 5, "E2"), ("D", 1, "E1"), ("D", 3, "E2"), ("N", 2, "E1"), ("N", 3, "E2")]),
    ]
    data = scored(imported(tmp_path, doc(questions, vendors, evaluators=("E1", "E2"))))
    assert [e["vendor"] for e in data["ranking"]] == ["Able", "Zed", "Mid", "Split", "Out high", "Out silent"]
    e = by_vendor(data)
    assert e["Zed"]["total"] == pytest.approx(100.0) and e["Mid"]["total"] == pytest.approx(60.0)
    assert e["Out high"]["knocked_out"] and e["Out high"]["knockout_reasons"]
    assert e["Out silent"]["knocked_out"] and e["Out silent"]["knockout_reasons"]
    assert "K" in e["Out silent"]["gaps"] and e["Out silent"]["total"] == pytest.approx(80.0)
    assert not e["Mid"]["knocked_out"] and e["Mid"]["knockout_reasons"] == []
    # D: 1 vs 3 on the 0–5 scale is a spread of 0.4 (0.6 − 0.2 in floating point); N: 0.2, below.
    assert e["Split"]["disagreements"] == ["D"]


def _two_vendor_total(tmp_path: Path, name: str, b_small: int) -> dict[str, Any]:
    questions = [q("Big", weight=97, section="A"), q("Small", weight=3, section="B")]
    vendors = [good_vendor("A", [("Big", 5), ("Small", 5)]), good_vendor("B", [("Big", 5), ("Small", b_small)])]
    return scored(imported(tmp_path, doc(questions, vendors, name=name), tmp_path / "ws"), name)


def test_too_close_to_call_below_three_points(tmp_path: Path) -> None:
    exactly_three = _two_vendor_total(tmp_path, "Three", 0)  # 100 vs 97
    assert exactly_three["sensitivity"]["too_close_to_call"] is False
    closer = _two_vendor_total(tmp_path, "Closer", 1)  # 100 vs 97.6
    assert closer["sensitivity"]["too_close_to_call"] is True


def test_red_flag_rules_and_severities(tmp_path: Path) -> None:
    ref = {"company": "R", "in_production": True, "contactable": True}
    questions = [q("Q1", flag_rule="<2:high:Weak rollback procedures")]
    vendors = [
        good_vendor("Clean", [("Q1", 2)], industries=["B2B SaaS", "fintech", "retail", "health", "logistics"]),
        good_vendor("No refs", references=[]),
        good_vendor("Other industry", references=[{**ref, "industry": "retail", "stage": "scale-up"}]),
        good_vendor("Other stage", references=[{**ref, "industry": "  b2b   saas ", "stage": "enterprise"}]),
        good_vendor("Vague words", [("Q1", 1)], timeline={"kickoff_to_production_months": 4, "milestones": [{"name": "x", "month": 2}], "description": "ASAP, depends on data"}),
        good_vendor("Vague demo", demo_rating=4, timeline={"milestones": [{"name": "x", "month": 2}]}),
        good_vendor("Vague no month", demo_rating=3.9, timeline={"kickoff_to_production_months": 4, "milestones": [{"name": "x"}]}),
        good_vendor("Mismatch", assumed_infrastructure=["crm ", "MLOps platform"], pricing={"model": "", "amount": 1, "currency": "USD", "assumes": ["Feature store"]}),
        good_vendor("Any industry", industries=["Any"]),
        good_vendor("Six industries", industries=["B2B SaaS", "fintech", "retail", "health", "logistics", "energy"]),
        good_vendor("Big claims", claims="Honestly, we can do anything for you."),
        good_vendor("Zero deployments", production_deployments_in_industry=0),
        good_vendor("Unknown deployments", production_deployments_in_industry=None),
        good_vendor("Unconfirmed", reference_checks=[]),
        good_vendor("Pilot only", reference_checks=[{**CONFIRMED, "confirmed_production": False, "note": "pilot only"}]),
    ]
    e = by_vendor(scored(imported(tmp_path, doc(questions, vendors))))
    expected = {
        "Clean": {},
        "No refs": {"no_relevant_references": "critical"},
        "Other industry": {"no_relevant_references": "high"},
        "Other stage": {"no_relevant_references": "medium"},
        "Vague words": {"vague_timeline": "high", "question:Q1": "high"},
        "Vague demo": {"vague_timeline": "critical"},
        "Vague no month": {"vague_timeline": "high"},
        "Mismatch": {"infrastructure_mismatch": "high"},
        "Any industry": {"generalist": "medium"},
        "Six industries": {"generalist": "medium"},
        "Big claims": {"generalist": "medium"},
        "Zero deployments": {"no_production_track_record": "high"},
        "Unknown deployments": {"no_production_track_record": "high"},
        "Unconfirmed": {"no_relevant_references": "medium"},
        "Pilot only": {"reference_contradicts": "high", "no_relevant_references": "medium"},
    }
    assert {name: flags_of(entry) for name, entry in e.items()} == expected
    mismatch = next(f for f in e["Mismatch"]["flags"] if f["rule"] == "infrastructure_mismatch")
    evidence = " ".join(mismatch["evidence"])
    assert "MLOps platform" in evidence and "Feature store" in evidence and "crm" not in evidence.lower()
    weak = next(f for f in e["Vague words"]["flags"] if f["rule"] == "question:Q1")
    assert "Weak rollback procedures" in weak["message"] + " ".join(weak["evidence"])


def test_oversight_status_at_the_tolerance_edge_and_the_off_track_flag(tmp_path: Path) -> None:
    metrics = [
        {"name": "Up", "unit": "%", "baseline": 0, "target": 100, "direction": "up", "target_date": "2027-03-31"},
        {"name": "Down", "unit": "h", "baseline": 100, "target": 0, "direction": "down", "target_date": "2027-03-31"},
    ]
    reviews = [
        # kickoff on the month's last day: f = 0, expected = baseline, tolerance = 10
        {"month": "2027-01", "actuals": {"Up": -10, "Down": 110}},
        {"month": "2027-02", "actuals": {"Up": -10.5, "Down": 110.5}},
        # on and after the target date: f = 1 (clipped), expected = target
        {"month": "2027-03", "actuals": {"Up": 89.5, "Down": 10}, "recovery_plan": "Add two analysts"},
        {"month": "2027-04", "actuals": {"Up": 89.9, "Down": 10.5}},
        {"month": "2027-05", "actuals": {"Up": 90, "Down": 5}},
    ]
    document = doc(
        [q("Q1")],
        [good_vendor("V")],
        use_case={"title": "Forecasting inventory needs by SKU", "success_metrics": metrics},
        engagement={"name": "Go", "vendor": "V", "kickoff": "2027-01-31", "reviews": reviews},
    )
    ws = imported(tmp_path, document)
    r = run("oversight", "Go", "--json", workspace=ws)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) == {"engagement", "conversation", "metrics", "milestones", "flags", "retrospective"} and data["engagement"] == "Go"
    status = {m["name"]: [p["status"] for p in m["reviews"]] for m in data["metrics"]}
    assert status == {
        "Up": ["on track", "off track", "off track", "off track", "on track"],
        "Down": ["on track", "off track", "on track", "off track", "on track"],
    }
    up = data["metrics"][0]["reviews"]
    assert [p["month"] for p in up] == ["2027-01", "2027-02", "2027-03", "2027-04", "2027-05"]
    assert up[0]["expected"] == 0 and up[4]["expected"] == 100 and up[0]["actual"] == -10
    # Up: off in 02 (no plan) after on in 01 → nothing; off in 02 and 03 but 03 has a plan → nothing;
    # off in 03 and 04 and 04 has no plan → the flag. Down is never off two months running.
    assert [(f["rule"], f["severity"]) for f in data["flags"] if f["rule"] != "milestones_missed"] == [("metrics_off_track", "high")]
    assert "Up" in data["flags"][0]["message"] and "2027-04" in " ".join(data["flags"][0]["evidence"])


# ----- 4. bank file --------------------------------------------------------------------------


def test_bank_template_and_a_semicolon_bom_file_with_odd_headers_import(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    template = data_dir() / "bank_template.csv"
    r = run("bank", "import", str(template), "--name", "Template", workspace=ws)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    lines = template.read_text(encoding="utf-8-sig").splitlines()
    header = ";".join(h.upper() if i % 2 else h.title() for i, h in enumerate(lines[0].split(","))) + ";Reviewer notes"
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    body = io.StringIO()
    csv.writer(body, delimiter=";", lineterminator="\n").writerows([*row, "internal"] for row in rows)
    odd = tmp_path / "odd.csv"
    odd.write_bytes(("\ufeff" + header + "\n" + body.getvalue()).encode("utf-8"))
    r = run("bank", "import", str(odd), "--name", "Odd", workspace=ws)
    assert r.returncode == 0, r.stderr
    assert "warning" in r.stderr and "Reviewer notes" in r.stderr
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run("bank", "export", "Template", str(a), workspace=ws).returncode == 0
    assert run("bank", "export", "Odd", str(b), workspace=ws).returncode == 0
    assert a.read_bytes() == b.read_bytes()
    assert a.read_text(encoding="utf-8-sig") == template.read_text(encoding="utf-8-sig")


def test_a_bad_bank_row_names_file_row_and_column_and_saves_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert run("bank", "list", workspace=ws).returncode == 0
    before = counts(ws)
    lines = (data_dir() / "bank_template.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(",scale,4,", ",scale,heavy,")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = run("bank", "import", str(bad), workspace=ws)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1
    assert "bad.csv" in r.stderr and "row 3" in r.stderr and "weight" in r.stderr, r.stderr
    assert counts(ws) == before


def test_answer_values_as_strings_or_numbers_and_na_only_where_allowed(tmp_path: Path) -> None:
    questions = [q("S1"), q("N1", "number", scoring=">=1:5; else:0"), q("C1", "choice", options="A=5|B=0"), q("Y1", "yes_no"), q("T1", "text", 0)]
    answers = [("S1", "3"), ("N1", "0.1"), ("C1", "A"), ("Y1", "YES"), ("T1", 42)]
    ws = imported(tmp_path, doc(questions, [good_vendor("V", answers)], engagement=None))
    out = tmp_path / "out.json"
    assert run("export", "Audit", str(out), workspace=ws).returncode == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    # Values come back in their canonical form: numbers for scale and number questions, text otherwise.
    assert [a["value"] for a in exported["vendors"][0]["answers"]] == [3, 0.1, "A", "yes", "42"]
    assert "engagement" not in exported
    before = counts(ws)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc(questions, [good_vendor("V", [("S1", "n/a")])], name="Other")), encoding="utf-8")
    r = run("import", str(bad), workspace=ws)
    assert r.returncode == 2 and "vendors[0].answers[0].value" in r.stderr and "n/a is not allowed" in r.stderr
    assert counts(ws) == before

"""`diligence import` / `export` and the exact error contract for bad exchange files."""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.paths import data_dir
from tests.conftest import DEMO_EVALUATION


def run(*args: str, workspace: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args, "--workspace", str(workspace)],
                          capture_output=True, text=True, timeout=120)


def demo_doc() -> dict[str, Any]:
    return json.loads((data_dir() / "demo.json").read_text(encoding="utf-8"))


def counts(workspace: Path) -> dict[str, int]:
    db = workspace / "diligence.sqlite"
    if not db.exists():
        return {}
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("evaluation", "vendor", "answer", "use_case", "engagement", "monthly_review")}
    finally:
        con.close()


def test_import_then_export_is_lossless(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    src = data_dir() / "demo.json"
    r = run("import", str(src), workspace=ws)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out.json"
    r = run("export", DEMO_EVALUATION, str(out), workspace=ws)
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == demo_doc()


def _mutate(path: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(demo_doc())
    target: Any = doc
    parts = path.replace("]", "").replace("[", ".").split(".")
    for p in parts[:-1]:
        target = target[int(p)] if p.isdigit() else target[p]
    last = parts[-1]
    if value is _DELETE:
        del target[last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return doc


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "where", "fragment"),
    [
        ("vendors[1].surprise", 1, "vendors[1].surprise", "unknown key"),
        ("vendors[2].answers[5].value", {"x": 1}, "vendors[2].answers[5].value", "expected text or a number"),
        ("vendors[0].answers[0].question", "NOPE", "vendors[0].answers[0].question", "no question 'NOPE'"),
        ("vendors[0].answers[0].evaluator", "Mallory", "vendors[0].answers[0].evaluator", "not listed"),
        ("vendors[1].name", "Signal & Scale Partners", "vendors[1].name", "appears twice"),
        ("vendors[0].demo_rating", "high", "vendors[0].demo_rating", "expected a number"),
        ("bank.questions[0].scoring", ">=ten:5", "bank.questions[0].scoring", "not a number"),
        ("organization.stage", "unicorn", "organization.stage", "not one of"),
        ("format", "something-else", "format", "not a Diligence evaluation file"),
    ],
)
def test_bad_files_exit_2_naming_the_path_and_write_nothing(tmp_path: Path, path: str, value: Any, where: str, fragment: str) -> None:
    ws = tmp_path / "ws"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_mutate(path, value)), encoding="utf-8")
    before = counts(ws)
    r = run("import", str(bad), workspace=ws)
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    assert str(bad) in lines[0] and where in lines[0] and fragment in lines[0]
    assert counts(ws) == before


def test_answer_value_error_names_the_value(tmp_path: Path) -> None:
    doc = demo_doc()
    # find an answer to a scale question and give it an impossible value
    scale_ids = {q["id"] for q in doc["bank"]["questions"] if q["type"] == "scale"}
    answers = doc["vendors"][2]["answers"]
    index = next(i for i, a in enumerate(answers) if a["question"] in scale_ids)
    answers[index]["value"] = 9
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    r = run("import", str(bad), workspace=tmp_path / "ws")
    assert r.returncode == 2
    assert f"vendors[2].answers[{index}].value" in r.stderr and "0 to 5" in r.stderr


def test_importing_the_same_evaluation_twice_is_refused_cleanly(demo_path: Path) -> None:
    before = counts(demo_path)
    r = run("import", str(data_dir() / "demo.json"), workspace=demo_path)
    assert r.returncode == 2 and "already exists" in r.stderr
    assert counts(demo_path) == before


def test_not_json_at_all(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    r = run("import", str(bad), workspace=tmp_path / "ws")
    assert r.returncode == 2 and "not valid JSON" in r.stderr and "line 1" in r.stderr

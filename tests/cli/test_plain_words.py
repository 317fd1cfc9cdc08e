"""The CLI's human output reads plainly: no rule ids, no rule syntax, correct plurals (`--json` keeps ids)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_commands import run
from tests.conftest import DEMO_EVALUATION
from tests.plain_words import jargon

DEMO_ENGAGEMENT = "Lead scoring rollout"


def test_score_output_has_no_rule_ids_or_rule_syntax(demo_path: Path) -> None:
    r = run("score", DEMO_EVALUATION, workspace=demo_path)
    assert r.returncode == 0, r.stderr
    assert jargon(r.stdout) == []
    # The question flags' thresholds are said in words instead of "(rule <2)".
    assert "scored 1.5 of 5 (flagged at less than 2 of 5)" in r.stdout


def test_score_json_keeps_the_rule_ids(demo_path: Path) -> None:
    data = json.loads(run("score", DEMO_EVALUATION, "--json", workspace=demo_path).stdout)
    rules = {f["rule"] for v in data["ranking"] for f in v["flags"]}
    assert {"no_relevant_references", "vague_timeline", "question:SO03"} <= rules


def test_oversight_explains_the_tolerance_in_words(demo_path: Path) -> None:
    r = run("oversight", DEMO_ENGAGEMENT, workspace=demo_path)
    assert r.returncode == 0, r.stderr
    assert jargon(r.stdout) == []
    assert (
        "on track: within 0.4 percentage points of the expected value (10 % of the way from baseline to target)"
        in r.stdout
    )
    assert "(higher is better)" in r.stdout and "(lower is better)" in r.stdout


def test_demo_and_bank_export_count_in_words(workspace_path: Path, tmp_path: Path) -> None:
    r = run("demo", workspace=workspace_path)
    assert r.returncode == 0, r.stderr
    assert "4 vendors" in r.stdout and jargon(r.stdout.replace(str(workspace_path), "")) == []
    out = run("bank", "export", "AI implementation partner — standard", str(tmp_path / "b.csv"), workspace=workspace_path)
    assert out.returncode == 0, out.stderr
    assert " questions, " in out.stdout and jargon(out.stdout.replace(str(tmp_path), "")) == []

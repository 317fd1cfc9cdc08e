"""End-to-end command line on the demo data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO_EVALUATION


def run(*args: str, workspace: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args, "--workspace", str(workspace)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_score_json_ranks_the_specialist_first(demo_path: Path) -> None:
    r = run("score", DEMO_EVALUATION, "--json", workspace=demo_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["ranking"][0]["vendor"] == "Signal & Scale Partners"
    assert data["ranking"][-1]["knocked_out"] is True

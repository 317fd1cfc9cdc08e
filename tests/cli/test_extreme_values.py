"""Values an import once accepted and later choked on, and inputs that once exited 1 or hung (issue #19).

Each is refused by `diligence import` with exit 2 and one message naming the place, and the
workspace is left as it was. A total is never NaN or infinite.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app import cli

ROOT = Path(__file__).resolve().parents[2]


def demo_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((ROOT / "data" / "demo.json").read_text(encoding="utf-8"))
    doc["evaluation"]["name"] = "Extreme"
    doc["engagement"]["name"] = "Extreme rollout"
    return doc


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        *parts, last = path.split(".")
        target: Any = doc
        for p in parts:
            target = target[int(p)] if p.isdigit() else target[p]
        target[int(last) if last.isdigit() else last] = value
    return apply


EXTREMES = {
    "milestone month 10^12": (_set("vendors.0.timeline.milestones.0.month", 10**12), "vendors[0].timeline.milestones[0].month"),
    "promised months 1e300": (_set("vendors.0.timeline.kickoff_to_production_months", 1e300), "kickoff_to_production_months"),
    "deployments 10^15": (_set("vendors.0.production_deployments_in_industry", 10**15), "production_deployments_in_industry"),
    "price 1e300": (_set("vendors.0.pricing.amount", 1e300), "pricing.amount"),
    "kickoff in 9999": (_set("engagement.kickoff", "9999-10-01"), "engagement.kickoff"),
    "baseline 1e308": (_set("use_case.success_metrics.0.baseline", 1e308), "success_metrics[0].baseline"),
    "baseline -1e308": (_set("use_case.success_metrics.0.baseline", -1e308), "success_metrics[0].baseline"),
    "weight 1e308": (_set("bank.questions.0.weight", 1e308), "weight"),
    "review month 0000": (_set("engagement.reviews.0.month", "0000-08"), "reviews[0].month"),
}


@pytest.fixture
def demo_ws(demo_path: Path) -> Path:
    return demo_path


def _evaluations(ws: Path) -> list[str]:
    con = sqlite3.connect(ws / "diligence.sqlite")
    try:
        return sorted(r[0] for r in con.execute("select name from evaluation"))
    finally:
        con.close()


def _import(ws: Path, file: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["--workspace", str(ws), "import", str(file)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", list(EXTREMES))
def test_extreme_values_are_refused_at_import_with_exit_2(demo_ws: Path, tmp_path: Path, case: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    mutate, where = EXTREMES[case]
    doc = demo_doc()
    mutate(doc)
    file = tmp_path / "extreme.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    before = _evaluations(demo_ws)
    code, err = _import(demo_ws, file, capsys)
    assert code == 2, err
    assert where in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert _evaluations(demo_ws) == before


def test_nan_is_named_as_such(demo_ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = json.dumps(demo_doc()).replace('"baseline": 8', '"baseline": NaN', 1)
    file = tmp_path / "nan.json"
    file.write_text(text, encoding="utf-8")
    code, err = _import(demo_ws, file, capsys)
    assert code == 2 and "found NaN or infinity" in err  # once: "expected a number, found a number"


@pytest.mark.parametrize(("name", "text", "message"), [
    ("huge integer", '{"format": ' + "9" * 5000 + "}", "not valid JSON"),
    ("lone surrogate", None, "lone UTF-16 surrogate"),
    ("repeated key", '{"format": "diligence-evaluation", "format": "x"}', "appears twice"),
])
def test_malformed_json_exits_2(demo_ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                name: str, text: str | None, message: str) -> None:
    if text is None:
        text = json.dumps(demo_doc()).replace('"claims": "', '"claims": "\\ud800', 1)
    file = tmp_path / "bad.json"
    file.write_text(text, encoding="utf-8")
    code, err = _import(demo_ws, file, capsys)
    assert code == 2, err
    assert message in err


def test_a_folder_a_device_and_a_pipe_are_refused_not_read(demo_ws: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _import(demo_ws, tmp_path, capsys)
    assert code == 2 and "folder" in err
    code, err = _import(demo_ws, Path("/dev/zero"), capsys)  # once: read until memory ran out
    assert code == 2 and "not a regular file" in err
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result: list[tuple[int, str]] = []
    worker = threading.Thread(target=lambda: result.append((cli.main(["--workspace", str(demo_ws), "import", str(fifo)]), "")))
    worker.start()
    worker.join(60)
    if worker.is_alive():  # unblock the hung reader before failing
        with open(fifo, "wb"):
            pass
        worker.join(10)
        pytest.fail("importing a FIFO waited for a writer")
    assert result[0][0] == 2 and "not a regular file" in capsys.readouterr().err


def test_review_months_are_stored_as_validated(demo_ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = demo_doc()
    doc["engagement"]["reviews"][0]["month"] = " 2026-08 "
    file = tmp_path / "spaced.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    code, err = _import(demo_ws, file, capsys)
    assert code == 0, err
    con = sqlite3.connect(demo_ws / "diligence.sqlite")
    months = [r[0] for r in con.execute("select month from monthly_review")]
    con.close()
    assert " 2026-08 " not in months and months.count("2026-08") == 2  # the demo's and the import's


def test_out_never_replaces_the_workspace_or_a_backup_and_follows_symlinks(demo_ws: Path, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import hashlib

    from tests.conftest import DEMO_EVALUATION

    db = demo_ws / "diligence.sqlite"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for command in (["export", DEMO_EVALUATION, str(db)], ["report", DEMO_EVALUATION, "--out", str(db)]):
        code = cli.main(["--workspace", str(demo_ws), *command])
        err = capsys.readouterr().err
        assert code == 2 and "was not overwritten" in err, err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert cli.main(["--workspace", str(demo_ws), "backup"]) == 0
    (copy,) = (demo_ws / "backups").glob("*.sqlite")
    kept = copy.read_bytes()
    assert cli.main(["--workspace", str(demo_ws), "backup", "--out", str(copy)]) == 2
    assert cli.main(["--workspace", str(demo_ws), "export", DEMO_EVALUATION, str(copy)]) == 2
    assert copy.read_bytes() == kept

    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert cli.main(["--workspace", str(demo_ws), "export", DEMO_EVALUATION, str(link)]) == 0
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["evaluation"]["name"] == DEMO_EVALUATION

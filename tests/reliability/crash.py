"""Kill Diligence with SIGKILL at random moments and check that nothing acknowledged was lost.

Used by tests/reliability/test_crash.py (a few kills in `make test`) and tests/fuzz (many more
under `make fuzz`). Randomness is seeded, so a failure can be replayed with its seed.
"""

from __future__ import annotations

import copy
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "data" / "demo.json"


@dataclass
class CrashStats:
    runs: int = 0
    killed_while_running: int = 0  # SIGKILL landed before the process finished
    imports_present: int = 0
    imports_absent: int = 0
    edits_acknowledged: int = 0
    problems: list[str] = field(default_factory=list)


def big_exchange(name: str, vendors: int) -> dict[str, object]:
    """The demo evaluation blown up to `vendors` vendors (all with full answers) under a new name."""
    doc = json.loads(DEMO.read_text(encoding="utf-8"))
    base = doc["vendors"]
    doc["evaluation"]["name"] = name
    out = []
    for i in range(vendors):
        v = copy.deepcopy(base[i % len(base)])
        v["name"] = f"{v['name']} #{i:03d}"
        out.append(v)
    if doc.get("engagement"):
        doc["engagement"]["name"] = f"{name} rollout"
        doc["engagement"]["vendor"] = out[0]["name"]
    doc["vendors"] = out
    return doc


def expected_counts(doc: dict[str, object]) -> tuple[int, int]:
    vendors = doc["vendors"]
    assert isinstance(vendors, list)
    return len(vendors), sum(len(v.get("answers", [])) for v in vendors)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "app", *args]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT)
    return env


def prepare_workspace(folder: Path) -> None:
    r = subprocess.run(cli("bank", "list", "--workspace", str(folder)), capture_output=True, text=True,
                       timeout=120, env=_env())
    assert r.returncode == 0, r.stderr


def integrity(folder: Path) -> list[str]:
    """What SQLite's checks say after recovery (the WAL is replayed on open, as the app would)."""
    con = sqlite3.connect(folder / "diligence.sqlite")
    try:
        problems = [row[0] for row in con.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [f"foreign key {row}" for row in con.execute("PRAGMA foreign_key_check")]
        return problems
    finally:
        con.close()


def import_state(folder: Path, name: str) -> tuple[int, int, int, int] | None:
    """(vendors, answers, engagements, audit entries) of an imported evaluation, or None when absent."""
    con = sqlite3.connect(folder / "diligence.sqlite")
    try:
        row = con.execute("select id from evaluation where name = ?", (name,)).fetchone()
        engagements = con.execute("select count(*) from engagement where name = ?", (f"{name} rollout",)).fetchone()[0]
        if row is None:
            return None if engagements == 0 else (0, 0, engagements, 0)
        (eid,) = row
        vendors = con.execute("select count(*) from vendor where evaluation_id = ?", (eid,)).fetchone()[0]
        answers = con.execute(
            "select count(*) from answer join vendor on vendor.id = answer.vendor_id where vendor.evaluation_id = ?",
            (eid,),
        ).fetchone()[0]
        audited = con.execute(
            "select count(*) from audit_log where action = 'evaluation imported' and entity_id = ?", (str(eid),)
        ).fetchone()[0]
        return vendors, answers, engagements, audited
    finally:
        con.close()


def import_kills(folder: Path, kills: int, seed: int, vendors: int = 60) -> CrashStats:
    """Start `diligence import` of a large file and SIGKILL it after a random delay, `kills` times."""
    rng = random.Random(seed)
    stats = CrashStats()
    prepare_workspace(folder)
    # One uninterrupted import tells how long an import takes here, so kills land inside it.
    doc = big_exchange("Crash baseline", vendors)
    src = folder.parent / "crash-import.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    started = time.monotonic()
    r = subprocess.run(cli("import", str(src), "--workspace", str(folder)), capture_output=True, text=True,
                       timeout=300, env=_env())
    duration = time.monotonic() - started
    assert r.returncode == 0, r.stderr
    want_vendors, want_answers = expected_counts(doc)
    for i in range(kills):
        name = f"Crash import {seed}-{i}"
        doc = big_exchange(name, vendors)
        src.write_text(json.dumps(doc), encoding="utf-8")
        proc = subprocess.Popen(cli("import", str(src), "--workspace", str(folder)), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, env=_env())
        time.sleep(rng.uniform(0.2, 1.0) * duration)
        if proc.poll() is None:
            stats.killed_while_running += 1
            proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=120)
        stats.runs += 1
        problems = integrity(folder)
        if problems:
            stats.problems.append(f"{name}: integrity {problems}")
        state = import_state(folder, name)
        if state is None:
            stats.imports_absent += 1
        elif state == (want_vendors, want_answers, 1, 1):
            stats.imports_present += 1
        else:
            stats.problems.append(f"{name}: partly imported {state}, expected {(want_vendors, want_answers, 1, 1)}")
    return stats


def gui_kills(folder: Path, kills: int, seed: int) -> CrashStats:
    """Run scripted GUI edits in a subprocess and SIGKILL it after a random number of acknowledged edits."""
    rng = random.Random(seed)
    stats = CrashStats()
    for run in range(kills):
        target = rng.randint(1, 30)
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.gui_editor", str(folder), str(seed * 1000 + run)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT,
        )
        acknowledged: list[dict[str, str]] = []
        assert proc.stdout is not None
        while len(acknowledged) < target:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("acknowledged "):
                acknowledged.append(json.loads(line.split(" ", 2)[2]))
        # A few milliseconds more so that the kill often lands inside the next transaction.
        time.sleep(rng.uniform(0, 0.03))
        alive = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        _out, err = proc.communicate(timeout=120)
        stats.runs += 1
        stats.killed_while_running += int(alive)
        if len(acknowledged) < target:
            stats.problems.append(f"editor run {run} stopped early: {err[-2000:]}")
            continue
        stats.edits_acknowledged += len(acknowledged)
        problems = integrity(folder)
        if problems:
            stats.problems.append(f"editor run {run}: integrity {problems}")
        stats.problems += lost_edits(folder, acknowledged)
    return stats


def lost_edits(folder: Path, acknowledged: list[dict[str, str]]) -> list[str]:
    con = sqlite3.connect(folder / "diligence.sqlite")
    try:
        notes = {row[0] for row in con.execute("select json_extract(after, '$.note') from audit_log where action = 'answer changed'")}
        missing = [f"acknowledged edit lost: {e['note']}" for e in acknowledged if e["note"] not in notes]
        # The newest acknowledged edit of each answer is what the answer holds now, unless the
        # edit in flight at the kill (unacknowledged) committed after it.
        latest: dict[tuple[str, str, str], dict[str, str]] = {}
        for e in acknowledged:
            latest[(e["vendor"], e["evaluator"], e["qid"])] = e
        for (vendor, evaluator, qid), e in latest.items():
            row = con.execute(
                "select a.value, a.note from answer a join vendor v on v.id = a.vendor_id "
                "join evaluator r on r.id = a.evaluator_id where v.name = ? and r.name = ? and a.qid = ?",
                (vendor, evaluator, qid),
            ).fetchone()
            last_number = int(acknowledged[-1]["number"])
            if row is None or (row[1] != e["note"] and not row[1].endswith(f"edit {last_number + 1}")):
                missing.append(f"answer {vendor}/{evaluator}/{qid} holds {row}, expected {e['value']!r} ({e['note']})")
        return missing
    finally:
        con.close()

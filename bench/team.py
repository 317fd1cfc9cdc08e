"""Team workspace figures on a loopback PostgreSQL started for the run (tests/pgcluster.py).

- 20 evaluators in parallel processes, each connected as their own evaluator login (row-level
  security applies, as in real use) and saving 200 answers back to back through `record_answer`
  (one transaction each, as the app does), timed once every process is started and waiting:
  every save's time, no error, and no lost update (each evaluator's 200 answers read back
  exactly as that process last wrote them);
- opening the large workspace (200 evaluations × 30 vendors × 200 questions) from the server:
  the whole `open_workspace` + `list_evaluations` process;
- `diligence score` on 20 vendors × 200 questions × 5 evaluators, on the server and on SQLite,
  interleaved in the same run.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

EVALUATORS = 20
ANSWERS = 200

SAVER = """
import json, sys, time
from pathlib import Path
from app.services import evaluations
from app.store.workspace import open_workspace
url, name, evaluator, go, ready = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]), Path(sys.argv[6])
plan = json.loads(sys.argv[5])
ws = open_workspace(url, create=False)
evaluations.load_snapshot(ws, name)  # connected and warm, as an open window is
ready.write_text("ready")
while not go.exists():
    time.sleep(0.005)
times, errors = [], []
for vendor, qid, value in plan:
    t0 = time.perf_counter()
    try:
        evaluations.record_answer(ws, name, vendor, evaluator, qid, value, source="bench")
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    times.append(time.perf_counter() - t0)
ws.close()
print(json.dumps({"times": times, "errors": errors}))
"""


def _import(where: str | Path, doc: Path, env: dict[str, str]) -> str:
    out = subprocess.run([sys.executable, "-m", "app", "import", str(doc), "--workspace", str(where)], env=env,
                         capture_output=True, text=True, timeout=1800, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(doc.read_text(encoding="utf-8"))["evaluation"]["name"]  # type: ignore[no-any-return]


def parallel_saves(cluster: Any, url: str, env: dict[str, str], work: Path) -> dict[str, Any]:
    from bench import generate

    doc = generate.exchange_file(10, ANSWERS, EVALUATORS)
    name = _import(url, doc, env)
    from app.services import evaluations, team
    from app.store.workspace import open_workspace

    ws = open_workspace(url, create=False)
    snap = evaluations.load_snapshot(ws, name)
    # Each evaluator saves as their own login, as in real use: row-level security applies.
    dbname = url.rsplit("/", 1)[1]
    logins: dict[str, str] = {}
    for k, e in enumerate(snap.evaluators[:EVALUATORS]):
        logins[e.name] = f"{dbname}_evaluator_{k}"
        cluster.create_login(logins[e.name], secrets.token_urlsafe(12))
        team.grant(ws, logins[e.name], "evaluator", e.name)
    ws.close()
    questions = [q for q in snap.bank.questions if q.scored][:ANSWERS]
    vendors = [v.name for v in snap.vendors]
    go = work / "go"
    go.unlink(missing_ok=True)
    ready = [work / f"ready-{k}" for k in range(EVALUATORS)]
    for path in ready:
        path.unlink(missing_ok=True)
    plans: dict[str, list[tuple[str, str, str]]] = {}
    children = []
    for k, e in enumerate(snap.evaluators[:EVALUATORS]):
        plan = []
        for i in range(ANSWERS):
            q = questions[i % len(questions)]
            values = generate.answer_values(q)
            plan.append((vendors[(i + k) % len(vendors)], q.id, values[(i + k) % len(values)]))
        plans[e.name] = plan
        args = [cluster.url(dbname, logins[e.name]), name, e.name, str(go), json.dumps(plan), str(ready[k])]
        children.append(subprocess.Popen([sys.executable, "-c", SAVER, *args], env=env, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True))
    # Every process started, connected and waiting, as open windows are: on two cores, twenty
    # processes importing the app take many seconds, and saves timed meanwhile would time that.
    deadline = time.monotonic() + 600
    while not all(path.exists() for path in ready) and time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            break  # one failed to start: its error is collected below
        time.sleep(0.05)
    time.sleep(0.5)
    go.write_text("go")
    times: list[float] = []
    errors: list[str] = []
    for child in children:
        out, err = child.communicate(timeout=600)
        if child.returncode != 0:
            errors.append(err[-500:])
            continue
        got = json.loads(out.strip().splitlines()[-1])
        times += got["times"]
        errors += got["errors"]
    # No lost update: every evaluator's answers are what its process wrote last.
    ws = open_workspace(url, create=False)
    answers = evaluations.load_snapshot(ws, name).answers
    ws.close()
    stored = {(a.vendor, a.evaluator, a.question): a.value for a in answers}
    lost = 0
    for evaluator, plan in plans.items():
        last = {(v, evaluator, q): value for v, q, value in plan}
        lost += sum(1 for key, value in last.items() if stored.get(key) != _reading(snap, key[2], value))
    return {"times": times, "errors": errors, "lost": lost, "saves": EVALUATORS * ANSWERS}


def _reading(snap: Any, qid: str, value: str) -> str:
    return str(snap.bank.question(qid).read(value).value)


def measure(ctx: Any, cluster: Any, env: dict[str, str]) -> dict[str, Any]:
    from app.services.workspace_copy import copy_workspace
    from bench import generate

    got: dict[str, Any] = {}
    os.environ["PGPASSFILE"] = str(cluster.pgpass)  # this process reads the server too
    url = cluster.create_database("bench_saves")
    got["saves"] = parallel_saves(cluster, url, env, ctx.work)
    large = generate.large_workspace()
    from app.store.workspace import open_workspace

    open_workspace(large).close()  # a cache made by an older schema is upgraded first
    url = cluster.create_database("bench_large")
    t0 = time.perf_counter()
    copy_workspace(large, url)
    got["large_copy_s"] = time.perf_counter() - t0
    got["large_url"] = url
    doc = generate.exchange_file(20, 200, 5)
    got["score_url"] = cluster.create_database("bench_score")
    got["score_name"] = _import(got["score_url"], doc, env)
    folder = ctx.work / "score-sqlite"
    _import(folder, doc, env)
    got["score_folder"] = str(folder)
    return got

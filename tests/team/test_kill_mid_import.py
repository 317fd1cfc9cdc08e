"""kill -9 of a client in the middle of an import leaves nothing of it on the server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from app.services import transfer
from app.services.banks import ensure_default_bank
from app.store.server import make_server_engine, parse_address
from app.store.workspace import open_workspace
from tests.conftest import DEMO_EVALUATION

TABLES = ("evaluation", "vendor", "evaluator", "answer", "bank_version", "question", "audit_log", "engagement")

# Imports the file, and kills itself (SIGKILL, no clean-up of any kind) once the third
# vendor's answers have gone to the server: the transaction is open and holds rows.
CHILD = """
import os, signal, sys
from app.store import repo
from app.services import transfer
from app.store.workspace import open_workspace

original = repo.add_answers
calls = []

def add_answers(s, *args, **kwargs):
    n = original(s, *args, **kwargs)
    s.flush()
    calls.append(n)
    if len(calls) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return n

repo.add_answers = add_answers
ws = open_workspace(sys.argv[1])
transfer.import_file(ws, __import__("pathlib").Path(sys.argv[2]))
"""


def _counts(url: str) -> dict[str, int]:
    engine = make_server_engine(parse_address(url))
    try:
        with engine.connect() as con:
            return {t: int(con.execute(text(f"select count(*) from {t}")).scalar_one()) for t in TABLES}  # noqa: S608
    finally:
        engine.dispose()


def test_kill_9_mid_import_leaves_nothing_half_written(pg_url: str, demo_path: Path, tmp_path: Path) -> None:
    ws = open_workspace(pg_url)
    ensure_default_bank(ws)
    ws.close()
    source = open_workspace(demo_path)
    exported = tmp_path / "demo.json"
    transfer.export_file(source, DEMO_EVALUATION, exported)
    source.close()
    before = _counts(pg_url)
    r = subprocess.run([sys.executable, "-c", CHILD, pg_url, str(exported)], capture_output=True, text=True,
                       timeout=180, env=os.environ.copy())
    assert r.returncode == -9, r.stderr  # killed, not finished
    assert _counts(pg_url) == before
    # The same import then runs whole.
    ws = open_workspace(pg_url)
    summary = transfer.import_file(ws, exported)
    ws.close()
    assert summary.vendors == 4 and _counts(pg_url)["answer"] == summary.answers

"""SIGKILL while `diligence evidence add` runs: each document is whole or absent, never a row
without its file, a file with other bytes, or pages missing from the index."""

from __future__ import annotations

import hashlib
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import DEMO_EVALUATION
from tests.evidence_files import make_pdf
from tests.reliability.crash import _env, cli, integrity

pytestmark = pytest.mark.slow
VENDOR = "Fresh Ridge Labs"
PAGES = 80


def _state(folder: Path, pdf: Path) -> list[str]:
    """Problems in the evidence of the workspace; [] when each document is whole or absent."""
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    con = sqlite3.connect(folder / "diligence.sqlite")
    try:
        docs = con.execute("select count(*) from evidence_document where sha256 = ?", (sha,)).fetchone()[0]
        blob = con.execute("select pages from evidence_blob where sha256 = ?", (sha,)).fetchone()
        pages = con.execute("select count(*) from evidence_page where sha256 = ?", (sha,)).fetchone()[0]
        indexed = con.execute("select count(*) from evidence_fts where evidence_fts match 'kickoff'").fetchone()[0]
    finally:
        con.close()
    path = folder / "documents" / sha[:2] / sha
    problems = []
    if docs and blob is None:
        problems.append("a document row without its blob row")
    if blob is not None and (blob[0] != PAGES or pages != PAGES or indexed != PAGES):
        problems.append(f"blob of {blob[0]} pages, {pages} page rows, {indexed} indexed")
    if blob is not None and (not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != sha):
        problems.append("a blob row whose file is missing or other bytes")
    return problems


def test_sigkill_during_evidence_add_leaves_each_document_whole_or_absent(demo_path: Path, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "proposal.pdf", [[f"Page {i}: kickoff plan and delivery notes"] * 30
                                              for i in range(1, PAGES + 1)])
    add = cli("evidence", "add", DEMO_EVALUATION, "--vendor", VENDOR, str(pdf), "--workspace", str(demo_path))
    started = time.monotonic()
    r = subprocess.run(add, capture_output=True, text=True, timeout=300, env=_env())
    duration = time.monotonic() - started
    assert r.returncode == 0, r.stderr
    rng = random.Random(17)
    outcomes = []
    for _ in range(4):
        # Start from a workspace without the document (the service removes it, file and all).
        remove = [*cli()[:1], "-c", (
            "import sys; from app.store.workspace import open_workspace; from app.services import evidence; "
            "ws = open_workspace(sys.argv[1]); "
            "[evidence.remove_document(ws, d) for d in evidence.list_documents(ws, sys.argv[2], sys.argv[3])]; ws.close()"),
            str(demo_path), DEMO_EVALUATION, VENDOR]
        subprocess.run(remove, check=True, capture_output=True, timeout=120, env=_env())
        proc = subprocess.Popen(add, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
        time.sleep(rng.uniform(0.3, duration))
        proc.send_signal(signal.SIGKILL)
        outcomes.append(proc.wait(timeout=60))
        assert integrity(demo_path) == []
        assert _state(demo_path, pdf) == []
    # Whatever the kills left (a whole file without its row at most), the next add completes.
    r = subprocess.run(add, capture_output=True, text=True, timeout=300, env=_env())
    assert r.returncode in (0, 2), r.stderr  # 2: a kill landed after the commit, the document is there
    assert _state(demo_path, pdf) == []
    assert any(code == -signal.SIGKILL for code in outcomes)

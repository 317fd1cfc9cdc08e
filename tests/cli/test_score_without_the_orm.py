"""`diligence score` reads and scores an evaluation without loading SQLAlchemy, and numpy's
matrix products run on one thread.

Opening a 400,000-answer evaluation is budgeted at 1 s, whole process (`make bench`);
importing SQLAlchemy and SQLModel alone was half a second of it, and OpenBLAS's spinning
threads made the sensitivity's products 5-10× slower on a busy two-core machine
(docs/performance.md). These check which modules load and what the process sets, not how long
anything takes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO_EVALUATION


def test_score_prints_the_ranking_without_loading_the_orm(demo_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "app", "score", DEMO_EVALUATION, "--workspace", str(demo_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr[-800:]
    assert DEMO_EVALUATION in r.stdout and "Total" in r.stdout
    loaded = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert "app.domain.sensitivity" in loaded  # it really scored
    assert not {"sqlalchemy", "sqlmodel", "app.store.tables"} & loaded
    # An evaluation has no engagement: the oversight rules (and calendar, ~8 ms) stay unloaded.
    assert not {"app.domain.oversight", "app.domain.conversations"} & loaded


def _blas_threads(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    r = subprocess.run([sys.executable, "-c", "import app, os; print(os.environ['OPENBLAS_NUM_THREADS'])"],
                       capture_output=True, text=True, timeout=60, env={**base, **env})
    assert r.returncode == 0, r.stderr[-800:]
    return r.stdout.strip()


def test_numpy_products_run_on_one_thread_unless_the_user_chose() -> None:
    assert _blas_threads() == "1"
    assert _blas_threads(OPENBLAS_NUM_THREADS="4") == "4"

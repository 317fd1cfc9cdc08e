"""The first window appears without loading what only scoring needs.

Start-up is budgeted against a bare PySide6 window (`make bench`). numpy and the scoring engine
cost about 0.14 s to import, so they load when an evaluation is first scored, not at start-up; a
module-level import of a domain type in a page's import chain once pulled them in (2.60× instead
of 2.06× the bare window). The bank model (dataclasses, hashing: ~20 ms), the spreadsheet
service and Qt PDF load when first used too. This checks which modules load, not how long
anything takes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_the_window_opens_without_loading_numpy_or_the_scoring_engine(demo_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "app", "gui", "--smoke", "--workspace", str(demo_path)],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert r.returncode == 0, r.stderr[-800:]
    loaded = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert "PySide6.QtWidgets" in loaded  # the window really was built
    assert not {"numpy", "app.domain.scoring", "app.domain.flags"} & loaded
    assert not {"app.domain.bank", "app.services.spreadsheets", "PySide6.QtPdf", "app.cli_evidence"} & loaded

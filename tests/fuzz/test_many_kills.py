"""`make fuzz` only: many more SIGKILLs during imports and GUI edits than `make test` runs."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.fuzz.conftest import FUZZING
from tests.reliability.crash import gui_kills, import_kills

pytestmark = pytest.mark.skipif(not FUZZING, reason="many kills run under `make fuzz` (HYPOTHESIS_PROFILE=fuzz)")

KILLS = int(os.environ.get("DILIGENCE_KILLS", "40"))
SEED = int(os.environ.get("DILIGENCE_KILL_SEED", str(random.SystemRandom().randint(0, 10**6))))


def test_many_kills_during_import(tmp_path: Path) -> None:
    stats = import_kills(tmp_path / "ws", kills=KILLS, seed=SEED)
    print(f"seed {SEED}: {stats}")
    assert stats.problems == [], f"seed {SEED}"


def test_many_kills_during_gui_edits(tmp_path: Path) -> None:
    stats = gui_kills(tmp_path / "ws", kills=KILLS, seed=SEED)
    print(f"seed {SEED}: {stats}")
    assert stats.problems == [], f"seed {SEED}"

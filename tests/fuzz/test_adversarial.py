"""The adversarial pass of issue #19, kept: odd folder names and extreme numbers, at random.

`make fuzz` also runs the fixed adversarial cases: tests/reliability/test_adverse_conditions.py
(full disk on a small tmpfs or under a file-size limit, read-only disk, a busy workspace),
test_odd_paths.py, test_two_processes.py (the CLI and the app at once) and
tests/cli/test_extreme_values.py.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.services import backups, evaluations, transfer
from app.services.errors import InputError
from app.store.workspace import WorkspaceError, open_workspace
from tests.fuzz.conftest import PROFILE, Counter, row_counts
from tests.fuzz.test_json_import import _small_demo

# Characters that mean something to a URI, a shell or SQL, plus letters from other scripts.
NAME_CHARS = st.sampled_from(list("#?%&;'\" =+@!$()[]{},~^`") + list("aZ09") + ["ü", "工", "☃", "\u202e", "%20", "%41"])
FOLDER_NAMES = st.lists(NAME_CHARS, min_size=1, max_size=40).map("".join).filter(
    lambda n: n not in {".", ".."} and len(n.encode()) <= 255)


@PROFILE
@given(FOLDER_NAMES)
def test_any_folder_name_keeps_the_data_and_backs_up_whole(name: str) -> None:
    Counter.tick("odd-paths")
    with tempfile.TemporaryDirectory() as tmp:
        parent = Path(tmp) / "parent"
        parent.mkdir()
        where = parent / name / "ws"
        ws = open_workspace(where)
        try:
            from app.services.banks import ensure_default_bank

            ensure_default_bank(ws)
            copy = backups.backup(ws)
        finally:
            ws.close()
        again = open_workspace(where, create=False)  # once: re-created over the real one
        again.close()
        counts = row_counts(where / "diligence.sqlite")
        assert counts["question"] > 0
        assert row_counts(copy) == counts
        assert sorted(p.name for p in parent.iterdir()) == [name]


NUMBER_PATHS = [
    ("vendors", 0, "timeline", "kickoff_to_production_months"),
    ("vendors", 0, "timeline", "milestones", 0, "month"),
    ("vendors", 0, "production_deployments_in_industry"),
    ("vendors", 0, "pricing", "amount"),
    ("vendors", 1, "demo_rating"),
    ("use_case", "success_metrics", 0, "baseline"),
    ("use_case", "success_metrics", 0, "target"),
    ("bank", "questions", 0, "weight"),
    ("bank", "questions", 5, "weight"),
]
EXTREME_NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-10**20, 10**20),
    st.sampled_from([1e308, -1e308, 5e-324, 1e12, 1e12 + 1, 2**31 - 1, 2**31, 10**15, 0, -0.0]),
)


@PROFILE
@given(st.lists(st.tuples(st.sampled_from(NUMBER_PATHS), EXTREME_NUMBERS), min_size=1, max_size=3),
       st.integers(0, 10**9))
def test_extreme_numbers_are_refused_or_score_finite(fuzz_workspace: Any, changes: list[Any], salt: int) -> None:
    Counter.tick("extreme-numbers")
    doc = _small_demo()
    doc["evaluation"]["name"] = f"Extreme {salt}"
    doc.pop("engagement", None)
    for path, value in changes:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    before = row_counts(fuzz_workspace.db)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "e.json"
        file.write_text(json.dumps(doc), encoding="utf-8")
        try:
            transfer.import_file(fuzz_workspace, file)
        except (InputError, WorkspaceError):
            assert row_counts(fuzz_workspace.db) == before
            return
    results = evaluations.score(fuzz_workspace, doc["evaluation"]["name"])
    for v in results.ranking:  # a total is never NaN or infinite
        assert v.total is None or math.isfinite(v.total), (v.vendor, v.total)

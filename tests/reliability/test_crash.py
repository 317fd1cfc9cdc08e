"""SIGKILL during imports and during GUI edits: the workspace stays healthy and nothing acknowledged is lost.

A modest number of kills here (`make test`); tests/fuzz/test_many_kills.py runs many more under `make fuzz`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.crash import gui_kills, import_kills

pytestmark = pytest.mark.slow


def test_sigkill_during_import_leaves_each_import_whole_or_absent(tmp_path: Path) -> None:
    stats = import_kills(tmp_path / "ws", kills=6, seed=8)
    print(f"import kills: {stats}")
    assert stats.problems == []
    assert stats.runs == 6
    assert stats.imports_present + stats.imports_absent == 6


def test_sigkill_during_gui_edits_keeps_every_acknowledged_edit(tmp_path: Path) -> None:
    stats = gui_kills(tmp_path / "ws", kills=4, seed=8)
    print(f"gui kills: {stats}")
    assert stats.problems == []
    assert stats.runs == 4
    assert stats.edits_acknowledged >= 4

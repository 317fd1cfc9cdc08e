"""`diligence oversight` and `review-report` on a team server read through plain psycopg
(app.store.reader), as on a folder: the same output as through the ORM, the same as the same
engagements in a folder, and a cost threshold set by the command is what its report reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.store.server import ServerWorkspace
from app.store.workspace import Workspace
from tests.conftest import DEMO_ENGAGEMENT
from tests.services.test_oversight_reading import (
    EDGE,
    UNREVIEWED,
    add_edge_engagements,
    assert_same_both_ways,
    command_outputs,
)
from tests.team.test_server_ahead import CONSOLE
from tests.team.test_server_reading import server_demo  # noqa: F401 - the fixture, used here too


@pytest.fixture
def server_edge(server_demo: ServerWorkspace) -> ServerWorkspace:  # noqa: F811 - the imported fixture
    add_edge_engagements(server_demo)
    return server_demo


@pytest.mark.parametrize("engagement", [DEMO_ENGAGEMENT, EDGE, UNREVIEWED])
def test_oversight_on_a_server_reads_the_same_as_through_the_orm_and_as_a_folder(
        server_edge: ServerWorkspace, demo_url: str, demo: Workspace, demo_path: Path, engagement: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    on_server = assert_same_both_ways(demo_url, engagement, tmp_path, capsys, monkeypatch, server_edge)
    add_edge_engagements(demo)
    in_folder = command_outputs(str(demo_path), engagement, tmp_path / "review.pdf", capsys)
    for server, folder in zip(on_server, in_folder, strict=True):
        assert server == folder, server[0]


def test_a_cost_threshold_set_through_the_helper_is_what_the_read_after_it_sees(server_edge: ServerWorkspace,
                                                                               demo_url: str) -> None:
    """The helper connects before the command writes; its read is a snapshot taken after the write."""
    runs = {}
    for percent in ("5", "200"):
        r = subprocess.run([sys.executable, "-c", CONSOLE, "oversight", EDGE, "--month", "2026-02", "--json",
                            "--cost-threshold", percent, "--workspace", demo_url],
                           capture_output=True, text=True, timeout=180)
        assert r.returncode == 0 and "AHEAD True" in r.stderr, r.stderr
        runs[percent] = r.stdout
    assert '"rule": "cost_overrun"' in runs["5"] and '"rule": "cost_overrun"' not in runs["200"]

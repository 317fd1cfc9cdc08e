"""Shared fixtures: every test gets its own workspace; the demo is built once and copied."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Diligence is offline by promise: any test that opens a network socket fails.
pytest_plugins = ["tests.network_guard"]

# `make test` must be repeatable: hypothesis explores the same examples on every run (and keeps
# no example database). `make fuzz` sets HYPOTHESIS_PROFILE=fuzz to explore at random, at length.
settings.register_profile("repeatable", derandomize=True, database=None, deadline=None)
if not os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile("repeatable")


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's workspace or settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("DILIGENCE_WORKSPACE", str(home / "default-workspace"))


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.services.banks import ensure_default_bank
    from app.services.transfer import load_demo
    from app.store.workspace import open_workspace

    folder = tmp_path_factory.mktemp("demo-template")
    ws = open_workspace(folder)
    ensure_default_bank(ws)
    load_demo(ws)
    with ws.engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    ws.close()
    return folder


@pytest.fixture
def workspace_path(tmp_path: Path) -> Path:
    """A folder for a new, empty workspace."""
    return tmp_path / "workspace"


@pytest.fixture
def workspace(workspace_path: Path) -> Iterator[object]:
    """A fresh workspace holding only the default bank."""
    from app.services.banks import ensure_default_bank
    from app.store.workspace import open_workspace

    ws = open_workspace(workspace_path)
    ensure_default_bank(ws)
    yield ws
    ws.close()


@pytest.fixture
def demo_path(tmp_path: Path, _demo_template: Path) -> Path:
    """A folder holding a private copy of the demo workspace."""
    target = tmp_path / "demo-workspace"
    shutil.copytree(_demo_template, target, ignore=shutil.ignore_patterns("*.lock"))
    return target


@pytest.fixture
def demo(demo_path: Path) -> Iterator[object]:
    """The demo workspace, open."""
    from app.store.workspace import open_workspace

    ws = open_workspace(demo_path)
    yield ws
    ws.close()


DEMO_EVALUATION = "Lead scoring partner 2026"
DEMO_ENGAGEMENT = "Lead scoring rollout"

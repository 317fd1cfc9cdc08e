"""Pages built ahead: Use cases and Compare are built hidden while the window is idle after
start-up, so their first show does not also build them; hidden, they read nothing, and when
they are first shown they show what is saved then (another workspace, a use case added)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from app.domain.models import UseCase
from app.services import usecases
from app.services.changes import Changes
from app.store.workspace import Workspace
from app.ui import workspace_actions
from app.ui.compare.page import Page as ComparePage
from app.ui.context import AppContext
from app.ui.main_window import PAGES, MainWindow
from app.ui.pages.usecases import Page as UseCasesPage
from app.ui.tasks import wait_for_workers
from tests.ui.counting import shown

SPECIFIC = "Rank inbound leads daily for the two SDRs by likely deal size"


def test_pages_built_ahead_stay_hidden_read_nothing_and_show_what_is_saved_when_first_shown(
    qtbot: Any, workspace: Workspace, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace_actions, "offer_first_run", lambda _window: None)
    ahead = {spec.key for spec in PAGES if spec.ahead}
    assert {"usecases", "compare"} <= ahead
    window = MainWindow(AppContext(workspace))
    qtbot.addWidget(window)
    window.show()
    window.show_page("organization")
    # Nobody opens them: the window builds them on its own once it is idle.
    qtbot.waitUntil(lambda: ahead <= set(window.built), timeout=10_000)
    organization = window.page("organization")
    assert window.stack.currentWidget() is organization and organization.isVisible()
    use_cases, compare = window.page("usecases"), window.page("compare")
    assert isinstance(use_cases, UseCasesPage) and isinstance(compare, ComparePage)
    assert not use_cases.isVisible() and not compare.isVisible()

    # Another workspace opened while they are hidden: they read nothing of it yet ...
    assert workspace_actions.switch_workspace(window, demo_path)
    demo = window.ctx.workspace
    assert demo.location == demo_path
    assert use_cases.list_model.rowCount() == 0
    assert compare.evaluation_id is None and compare.loaded is None and not compare.busy
    # ... and a use case is saved there before either is shown.
    usecases.create(demo, UseCase(SPECIFIC))
    window.ctx.announce(Changes(use_cases=True))

    # First shown, each shows the workspace as saved now.
    page = shown(qtbot, window, "usecases", UseCasesPage, lambda p: not p.busy)
    titles = [page.list_model.summary(r).title for r in range(page.list_model.rowCount())]
    assert titles == [uc.title for _id, uc in usecases.read_use_cases(demo)]
    assert SPECIFIC in titles and len(titles) > 1
    page_ = shown(qtbot, window, "compare", ComparePage, lambda p: not p.busy and p.results is not None)
    assert page_ is compare and window.stack.currentWidget() is compare
    assert compare.ranking.rowCount() == 4  # the demo evaluation's four vendors
    assert compare.ranking_view.currentIndex().isValid()  # the leader, ready to be selected
    wait_for_workers()


def test_a_page_is_built_ahead_only_in_a_quiet_turn(qtbot: Any, workspace: Workspace) -> None:
    # The window was busy with something else since the last idle tick (opening a workspace,
    # say: 100 ms of the GUI thread's CPU), so building a page now could lengthen that stall: it
    # waits (three turns at most, on a machine too busy ever to be quiet).
    window = MainWindow(AppContext(workspace))
    qtbot.addWidget(window)
    window._warm_timer.stop()
    first, second = [spec.key for spec in PAGES if spec.ahead][:2]
    window._warm = [("build", first), ("build", second)]
    for _ in range(3):
        window._warm_cpu = time.thread_time() - 0.1
        window._warm_up()
        assert first not in window.built
    window._warm_cpu = time.thread_time() - 0.1
    window._warm_up()
    assert first in window.built
    built = set(window.built)
    window._warm_up()  # a quiet turn: the next one is built at once
    assert set(window.built) - built == {second}


def test_the_import_plan_lists_a_pages_modules_dependencies_first_without_importing_them() -> None:
    # In a fresh interpreter: reading the plan imports nothing; following it, one module at a
    # time, imports the page (each step short: no page module comes before what it imports).
    code = """
import sys
from app.ui.import_plan import import_plan
before = set(sys.modules)
plan = import_plan(["app.ui.compare.page"], before)
assert set(sys.modules) == before, sorted(set(sys.modules) - before)
assert plan[-1] == "app.ui.compare.page", plan[-5:]
assert plan.index("app.ui.compare.models") < plan.index("app.ui.compare.chart") < plan.index("app.ui.compare.page")
assert plan.index("app.ui.evaluate.models") < plan.index("app.ui.compare.page")
assert plan.index("PySide6.QtWidgets") < plan.index("app.ui.compare.chart")
assert len(plan) == len(set(plan)) and not set(plan) & before
import importlib
for name in plan:
    importlib.import_module(name)
print(len(plan))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr[-1500:]
    assert int(r.stdout) > 20  # the page's own modules and what they import, one step each

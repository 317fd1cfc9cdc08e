"""Pages built ahead: Use cases and Compare are built hidden while the window is idle after
start-up, so their first show does not also build them; hidden, they read nothing, and when
they are first shown they show what is saved then (another workspace, a use case added)."""

from __future__ import annotations

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
    # The idle-time timer came late: the window was busy with something else (opening a
    # workspace, say), so building a page now would lengthen that stall: it waits (three turns
    # at most, on a machine too busy to be on time).
    window = MainWindow(AppContext(workspace))
    qtbot.addWidget(window)
    window._warm_timer.stop()
    window._warm = []  # the page modules are imported (the first kind of slice)
    first = next(spec.key for spec in PAGES if spec.ahead)
    for _ in range(3):
        window._warm_due = time.monotonic() - 0.1  # 100 ms late
        window._warm_up()
        assert first not in window.built
    window._warm_due = time.monotonic() - 0.1
    window._warm_up()
    assert first in window.built
    built = set(window.built)
    window._warm_due = time.monotonic() + 0.1  # on time: the next one is built at once
    window._warm_up()
    assert len(set(window.built) - built) == 1

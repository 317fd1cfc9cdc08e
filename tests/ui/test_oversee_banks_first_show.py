"""Oversee and Question banks on their first show: built ahead while the window is idle (hidden,
reading nothing), then showing what is saved; the dashboard built in parts shows each red flag
once, in order, as a build in one go does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from app.services import banks, engagements
from app.store.workspace import open_workspace
from app.ui import workspace_actions
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.oversee import dashboard
from app.ui.oversee.page import Page as OverseePage
from app.ui.pages.banks import Page as BanksPage
from app.ui.tasks import wait_for_workers
from tests.ui.counting import reads, shown


def test_oversee_and_banks_are_built_ahead_read_nothing_hidden_and_show_the_saved_state(
    qtbot: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace_actions, "offer_first_run", lambda _window: None)
    ws = open_workspace(demo_path)
    listed_engagements = reads(monkeypatch, engagements, "list_engagements")
    listed_banks = reads(monkeypatch, banks, "list_banks")
    window = MainWindow(AppContext(ws))
    qtbot.addWidget(window)
    window.show()
    window.show_page("organization")
    qtbot.waitUntil(lambda: {"oversee", "banks"} <= set(window.built), timeout=15_000)
    oversee, bank_page = window.page("oversee"), window.page("banks")
    assert isinstance(oversee, OverseePage) and isinstance(bank_page, BanksPage)
    assert not oversee.isVisible() and not bank_page.isVisible()
    assert listed_engagements == [] and listed_banks == []  # hidden: nothing read yet

    page = shown(qtbot, window, "oversee", OverseePage, lambda p: not p.loading and p.oversight is not None)
    assert page is oversee and window.stack.currentWidget() is oversee
    assert oversee.picker.count() == len(engagements.list_engagements(ws)) == 1
    assert len(oversee.dashboard.flag_boxes) == len(oversee.oversight.flags) > 0

    page_ = shown(qtbot, window, "banks", BanksPage, lambda p: not p.busy)
    assert page_ is bank_page
    names = [b.name for b in banks.list_banks(ws)]
    assert [bank_page.bank_list.item(i).text() for i in range(bank_page.bank_list.count())] == names
    newest = banks.versions(ws, names[0])[-1]
    assert bank_page.base is not None and bank_page.base.version == newest.version
    assert bank_page.questions.rowCount() == newest.questions
    assert bank_page.draft_label.text().startswith(f"v{newest.version} · {newest.questions} questions")
    wait_for_workers()
    window.close()
    ws.close()


def test_the_dashboard_built_in_parts_shows_each_flag_once_in_order(
    qtbot: Any, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard, "FLAGS_PER_PART", 1)  # one flag per event-loop turn
    ws = open_workspace(demo_path)
    window = MainWindow(AppContext(ws))
    qtbot.addWidget(window)
    window.show()
    page = shown(qtbot, window, "oversee", OverseePage, lambda p: not p.loading and p.oversight is not None)
    o = page.oversight
    assert o is not None and len(o.flags) >= 2

    def titles() -> list[str]:
        return [f.findChild(QLabel, "flagTitle").text() for f in page.dashboard.flag_boxes]

    staged = titles()
    assert len(staged) == len(o.flags)
    page.dashboard.show_oversight(o, engagements.metric_changes(ws, o.engagement.id))  # in one go
    assert titles() == staged
    # The review form and retrospective came last, for the engagement shown.
    assert page.review_form.snapshot is not None
    wait_for_workers()
    window.close()
    ws.close()

"""Use cases, Oversee and Question banks: shown again with nothing changed, a page reads and
rebuilds nothing; a change saved elsewhere meanwhile is on screen when it is shown again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from app.domain.bank import Bank
from app.domain.models import UseCase
from app.services import banks, engagements, usecases
from app.services.changes import Changes
from app.store.workspace import Workspace, open_workspace
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.oversee.page import Page as OverseePage
from app.ui.pages.banks import Page as BanksPage
from app.ui.pages.usecases import Page as UseCasesPage
from tests.ui.counting import Resets, reads, shown

SPECIFIC = "Rank inbound leads daily for the two SDRs by likely deal size"


@pytest.fixture
def window(qtbot: Any, demo: Workspace) -> Iterator[MainWindow]:
    w = MainWindow(AppContext(demo))
    qtbot.addWidget(w)
    w.show()
    yield w


def banks_page(qtbot: Any, window: MainWindow) -> BanksPage:
    """The Question banks page shown, once it has read the version it shows (on a worker)."""
    return shown(qtbot, window, "banks", BanksPage, lambda p: not p.busy)


def use_cases_page(qtbot: Any, window: MainWindow) -> UseCasesPage:
    return shown(qtbot, window, "usecases", UseCasesPage, lambda p: not p.busy)  # every verdict checked


def oversee_page(qtbot: Any, window: MainWindow) -> OverseePage:
    return shown(qtbot, window, "oversee", OverseePage, lambda p: not p.loading and p.oversight is not None)


def test_use_cases_shown_again_unchanged_reads_nothing(qtbot: Any, window: MainWindow,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    page = use_cases_page(qtbot, window)
    listed = [page.list_model.summary(r) for r in range(page.list_model.rowCount())]
    assert listed and all(s.verdict for s in listed)
    selected, editor_title = page.current_id, page.title.text()
    resets, read = Resets(page.list_model), reads(monkeypatch, usecases, "read_use_cases")
    for other in ("organization", "banks", "evaluations"):
        window.show_page(other)
        # Saved elsewhere, and nothing the Use cases page shows: it stays as it is.
        window.ctx.announce(Changes(banks=True))
        window.show_page("usecases")
    assert read == [] and resets.count == 0 and not page.busy
    assert [page.list_model.summary(r) for r in range(page.list_model.rowCount())] == listed
    assert page.current_id == selected and page.title.text() == editor_title


def test_a_use_case_saved_elsewhere_is_listed_when_the_page_is_shown_again(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = use_cases_page(qtbot, window)
    before = page.list_model.rowCount()
    selected = page.current_id
    window.show_page("organization")
    ws = window.ctx.workspace
    read = reads(monkeypatch, usecases, "read_use_cases")
    new_id = usecases.create(ws, UseCase(SPECIFIC, decision="Which leads the SDRs call first each morning"))
    window.ctx.announce(Changes(use_cases=True))  # as the page that saved it does
    assert read == []  # hidden: nothing is read until it is shown
    window.show_page("usecases")
    assert read == [1]
    assert page.list_model.rowCount() == before + 1
    row = page.list_model.row_of(new_id)
    assert page.list_model.index(row, 0).data() == SPECIFIC
    # Its verdict is checked on a worker and arrives without another read; the editor stayed put.
    qtbot.waitUntil(lambda: not page.busy)
    assert page.list_model.index(row, 1).data() == usecases.summary(new_id, usecases.get(ws, new_id)).verdict != ""
    assert page.current_id == selected and read == [1]


def test_oversee_shown_again_unchanged_keeps_its_dashboard(qtbot: Any, window: MainWindow,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    page = oversee_page(qtbot, window)
    oversight, charts = page.oversight, dict(page.dashboard.charts)
    flags = list(page.dashboard.flag_boxes)
    assert charts and flags
    loads = reads(monkeypatch, engagements, "oversight")
    listed = reads(monkeypatch, engagements, "list_engagements")
    for other in ("compare", "usecases", "banks"):
        window.show_page(other)
        window.ctx.announce(Changes(banks=True))  # nothing the dashboard shows
        window.show_page("oversee")
        assert not page.loading
    qtbot.wait(50)
    assert loads == [] and listed == []
    assert page.oversight is oversight
    # The very same widgets: nothing was rebuilt.
    assert all(page.dashboard.charts[name] is chart for name, chart in charts.items())
    assert page.dashboard.flag_boxes == flags and all(box.isVisible() for box in flags)


def test_a_milestone_reached_elsewhere_shows_when_oversee_is_shown_again(qtbot: Any, window: MainWindow) -> None:
    page = oversee_page(qtbot, window)
    assert page.oversight is not None
    eid = page.oversight.engagement.id
    milestone = next(ms for ms in page.oversight.milestones if ms.reached_on is None)
    window.show_page("compare")
    reached = page.oversight.engagement.kickoff.replace(day=28)
    engagements.set_milestone_reached(window.ctx.workspace, eid, milestone.name, reached)
    window.ctx.announce(Changes(engagements=True))
    window.show_page("oversee")
    qtbot.waitUntil(lambda: not page.loading
                    and page.dashboard.milestone_dates[milestone.name].value() == reached, timeout=10000)
    assert isinstance(reached, date)


def test_question_banks_shown_again_unchanged_keep_their_table(qtbot: Any, window: MainWindow,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    page = banks_page(qtbot, window)
    assert page.base is not None
    base, rows = page.base, page.questions.rowCount()
    resets = Resets(page.questions), Resets(page.versions)
    listed = reads(monkeypatch, banks, "list_banks")
    for other in ("usecases", "oversee", "organization"):
        window.show_page(other)
        window.ctx.announce(Changes(use_cases=True))  # nothing the bank shows
        window.show_page("banks")
        assert not page.busy  # nothing to read, not even on a worker
    assert listed == [] and [r.count for r in resets] == [0, 0]
    assert page.base is base and page.questions.rowCount() == rows


def test_a_bank_version_saved_elsewhere_is_listed_when_the_page_is_shown_again(
    qtbot: Any, window: MainWindow
) -> None:
    page = banks_page(qtbot, window)
    assert page.base is not None and page.bank_name is not None
    newest = page.versions.info(0).version
    window.show_page("evaluations")
    rows = page.base.rows()
    rows[0] = {**rows[0], "question": rows[0]["question"] + " (revised)"}
    _vid, number, created = banks.save(window.ctx.workspace, Bank.from_rows(page.bank_name, rows), note="revised")
    assert created and number == newest + 1
    window.ctx.announce(Changes(banks=True))
    banks_page(qtbot, window)
    assert page.versions.info(0).version == number
    assert page.versions.index(0, 4).data() == "revised"


def test_pages_shown_after_another_workspace_is_opened_show_that_workspace(
    qtbot: Any, window: MainWindow, workspace_path: Any
) -> None:
    page = use_cases_page(qtbot, window)
    assert page.list_model.rowCount() > 0
    bank_page = banks_page(qtbot, window)
    assert bank_page.bank_name is not None
    window.show_page("organization")
    window.ctx.set_workspace(open_workspace(workspace_path))  # empty: no use case, no bank
    window.show_page("usecases")
    assert page.list_model.rowCount() == 0 and page.editor_stack.currentIndex() == 0
    banks_page(qtbot, window)
    assert bank_page.bank_list.count() == 0 and bank_page.base is None

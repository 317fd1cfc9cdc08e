"""What a page redraw or a background load leaves behind: nothing, however often it happens.

Each test repeats one thing the app does on every page switch (or every edit) many times after a
warm-up and counts what is still alive: objects of a type, Python wrappers, or the bytes in use
on the C heap, where Qt's own objects live (a chart the app forgot to delete is invisible to
Python's garbage collector). Counts, not timings. `make soak` is the long version: the real app
driven by keystrokes for minutes, with bounds on memory, objects and references to None.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import importlib.util
import sys
import weakref
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QCompleter, QListWidget

from app.services import engagements, organization
from app.store.workspace import Workspace
from app.ui.compare.chart import SectionChart
from app.ui.context import UNDO_LIMIT, AppContext
from app.ui.main_window import PAGES, MainWindow
from app.ui.stats import StatsWriter
from app.ui.tasks import Task, wait_for_workers
from app.ui.undo import push
from tests.reliability.test_soak import show_page
from tests.ui.test_oversee_conversations import open_demo


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
    ]


def _libc() -> Any:
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is None or not hasattr(libc, "mallinfo2"):
        pytest.skip("the C heap is measured with glibc's mallinfo2, which this platform lacks")
    libc.mallinfo2.restype = _MallInfo2
    return libc


def settle() -> None:
    """Let loads finish and deleteLater() take effect, as returning to the event loop does."""
    wait_for_workers()
    QApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def warmed(qtbot: Any, window: MainWindow) -> None:
    """Wait until the window's idle-time work is done: building the pages it builds ahead
    allocates, and would be counted as the growth of whatever is measured meanwhile."""
    qtbot.waitUntil(lambda: not window.warming, timeout=30_000)
    settle()


def heap_growth(libc: Any, action: Any, times: int) -> int:
    """Bytes still in use on the C heap after doing `action` `times` times (after a warm-up)."""

    def in_use() -> int:
        settle()
        gc.collect()
        info = libc.mallinfo2()
        return int(info.uordblks + info.hblkhd)

    for _ in range(5):
        action()
        settle()
    before = in_use()
    for _ in range(times):
        action()
        settle()
    return in_use() - before


def test_redrawing_the_oversee_dashboard_frees_its_charts(qtbot: Any, demo_path: Path) -> None:
    # Every redraw builds a chart per metric and the spend chart. When they were QtCharts views,
    # each was created with an empty chart of its own that setChart() then released without
    # deleting: about 32 KiB per view, three per redraw. The painted charts must not leak either.
    libc = _libc()
    window, page, ws = open_demo(qtbot, demo_path)
    warmed(qtbot, window)
    o = page.oversight
    assert o is not None
    changes = engagements.metric_changes(ws, o.engagement.id)
    charts = len(page.dashboard.charts) + 1  # and the spend chart
    assert charts >= 3

    def redraw() -> None:
        page.dashboard.show_oversight(o, changes)

    grown = heap_growth(libc, redraw, 30)
    # Before the fix: 30 × 3 × 32 KiB ≈ 2.8 MB. Now a few KiB (Qt's caches).
    assert grown < 400_000, f"30 dashboard redraws kept {grown:,} bytes of C heap"
    assert sorted(page.dashboard.charts) == sorted(t.metric.name for t in o.tracks)
    assert all(c.series_names() for c in page.dashboard.charts.values())


def test_compare_chart_redrawn_with_other_vendors_keeps_nothing(qtbot: Any) -> None:
    # Another evaluation (other vendors or sections) redraws the chart. The QtCharts chart it
    # replaced got new axes each time, detached from the chart but never deleted (12 KiB each);
    # the painted chart keeps only the numbers it draws.
    libc = _libc()
    chart = SectionChart()
    qtbot.addWidget(chart)
    chart.resize(480, 300)
    rounds = iter(range(10**6))

    def other_evaluation() -> None:
        n = next(rounds)
        vendors = ["Acme", "Globex"] if n % 2 else ["Initech", "Umbrella", "Hooli"]
        chart.set_data(vendors, ["Security", "Fit"], [[50.0, 60.0]] * len(vendors))
        chart.grab()  # painted, legend and labels laid out

    grown = heap_growth(libc, other_evaluation, 40)
    assert grown < 250_000, f"40 redraws with other vendors kept {grown:,} bytes of C heap"
    assert len(chart.legend_entries()) == len(chart.vendors)


def test_showing_evaluate_again_keeps_one_completer_per_tag_editor(qtbot: Any, demo: Workspace) -> None:
    # Each load of the evaluation offered our capabilities to the vendor's "Price assumes" and
    # "Assumed infrastructure" fields by creating two new completers, which lived as long as
    # the page: two more objects (and their word lists) on every page switch.
    window = MainWindow(AppContext(demo))
    qtbot.addWidget(window)
    window.show()
    warmed(qtbot, window)

    def show_evaluate() -> Any:
        window.show_page("organization")
        page = window.show_page("evaluations")
        qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
        settle()
        return page

    page = show_evaluate()
    completers = len(page.findChildren(QCompleter))
    for _ in range(25):
        page = show_evaluate()
    assert len(page.findChildren(QCompleter)) == completers
    # And typing still offers the organization's capabilities.
    editor = page.vendors_tab.vendor_editor.infrastructure
    completer = editor.entry.completer()
    assert completer is not None
    offered = [completer.model().index(i, 0).data() for i in range(completer.model().rowCount())]
    assert offered == list(organization.get(demo).infrastructure)
    assert offered, "the demo organization lists its infrastructure"


class _Payload:
    """Something a background function captured (in the app: a workspace, an evaluation id…)."""


def test_finished_background_loads_leave_nothing_behind(qtbot: Any) -> None:
    # A page switch starts loads on the thread pool. Handed over as auto-deleting QRunnable
    # subclasses, some runs (1 in 60 to 1 in 3) were never freed by PySide6, with their
    # function, what it captured and their relay: a leak on every switch. 600 runs left 10–200.
    owner = QObject()
    task = Task(owner)
    alive: weakref.WeakSet[_Payload] = weakref.WeakSet()
    results: list[int] = []

    for i in range(600):
        payload = _Payload()
        alive.add(payload)

        def fn(p: _Payload = payload, i: int = i) -> int:
            return i if p is not None else -1

        task.run(fn, results.append)
        del payload, fn
        if i % 3 == 0:
            settle()
    settle()
    gc.collect()
    assert results, "the newest run delivered"
    assert results[-1] == 599
    assert len(alive) == 0, f"{len(alive)} finished runs still hold what their function captured"


def test_showing_organization_again_keeps_its_tag_chips(qtbot: Any, demo: Workspace) -> None:
    # The page sets its tag lists each time it is shown; the same tags used to be rebuilt as
    # new chips every time (each deleted chip left a reference to None behind in PySide6 6.11).
    window = MainWindow(AppContext(demo))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("organization")
    chips = page.infrastructure.chips
    assert chips.count() >= 2, "the demo organization lists its infrastructure"
    first = [chips.item(i) for i in range(chips.count())]
    for _ in range(10):
        window.show_page("compare")
        window.show_page("organization")
    settle()
    assert [chips.item(i) for i in range(chips.count())] == first
    assert all(shiboken6.isValid(item) for item in first)
    # A change made elsewhere still shows.
    org = organization.get(demo)
    organization.save(demo, replace(org, infrastructure=[*org.infrastructure, "Feature store"]))
    window.show_page("compare")
    window.show_page("organization")
    assert [chips.item(i).text() for i in range(chips.count())] == [*org.infrastructure, "Feature store"]


def test_undo_keeps_the_latest_steps_and_frees_the_older_ones(qtbot: Any, demo: Workspace) -> None:
    # Every answer typed pushed an undo step that lived until the app quit, with what its
    # functions captured (about 2 KiB an answer): a day of scoring only ever grew.
    ctx = AppContext(demo)
    alive: weakref.WeakSet[_Payload] = weakref.WeakSet()
    value = [0]
    steps = UNDO_LIMIT + 50
    for i in range(1, steps + 1):
        payload = _Payload()
        alive.add(payload)
        push(
            ctx,
            f"Set to {i}",
            apply=lambda i=i, p=payload: value.__setitem__(0, i),
            revert=lambda i=i, p=payload: value.__setitem__(0, i - 1),
        )
        del payload
    gc.collect()
    assert value == [steps]
    assert ctx.undo_stack.count() == UNDO_LIMIT
    assert len(alive) == UNDO_LIMIT, "the steps dropped from the bottom were freed"
    while ctx.undo_stack.canUndo():
        ctx.undo_stack.undo()
    assert value == [steps - UNDO_LIMIT], "undo goes back through the latest steps, in order"


def _soak_script() -> Any:
    path = Path(__file__).resolve().parents[2] / "scripts" / "soak.py"
    spec = importlib.util.spec_from_file_location("soak_script", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_soak_judges_growth_after_the_warm_up(qtbot: Any, tmp_path: Path) -> None:
    # The app's own figures (DILIGENCE_STATS): counts by type and the undo steps kept.
    sidebar = QListWidget()
    qtbot.addWidget(sidebar)
    undo = QUndoStack()
    undo.setUndoLimit(2)
    writer = StatsWriter(tmp_path / "stats.jsonl", sidebar, undo=undo)
    writer.timer.stop()
    soak = _soak_script()
    line = soak.last_stats(tmp_path / "stats.jsonl")
    assert line["undo_steps"] == 0 and line["undo_limit"] == 2
    assert line["types"]["app.ui.stats.StatsWriter"] == 1
    assert line["objects"] > 1000

    # The soak's verdict from such lines: the warm-up lasts until undo is full, and a type that
    # keeps growing afterwards is named.
    def at(seconds: float, steps: int, commands: int, rss_kib: int) -> dict[str, Any]:
        return {"seconds": seconds, "rss_kib": rss_kib, "none_refs": 70_000, "objects": 150_000 + commands,
                "page_switches": int(seconds), "undo_steps": steps, "undo_limit": 300,
                "types": {"app.ui.undo.ServiceCommand": commands}}

    stats = [at(10, 100, 100, 200_000), at(60, 250, 250, 201_000), at(100, 300, 300, 202_000),
             at(150, 300, 300, 202_500), at(190, 300, 300, 202_600)]
    since = soak.warmed_up(stats, 60.0)
    assert since == 100  # not 60: undo was not full yet
    flat = soak.growth(stats, since)
    assert soak.over_bounds(flat) == []
    stats[-1] = at(190, 300, 900, 220_000)  # 600 more steps kept, 18 MiB more: a leak
    leaking = soak.growth(stats, since)
    assert leaking["types_grown"] == {"app.ui.undo.ServiceCommand": 600}
    assert [p.split()[0] for p in soak.over_bounds(leaking)] == ["rss_mib", "per_type"]


def test_showing_every_page_again_keeps_references_to_none_flat(qtbot: Any, demo: Workspace) -> None:
    # With PySide6 6.11 each widget Qt deletes leaves a reference to None behind (no memory, but
    # the soak's sign of a page rebuilding itself). The Oversee page rebuilt its whole dashboard
    # on every show: 2,000 references a switch, 436,000 in a 3-minute soak.
    window = MainWindow(AppContext(demo))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    warmed(qtbot, window)
    for _ in range(2):  # every page built and loaded, caches filled
        for row in range(len(PAGES)):
            show_page(qtbot, window, row)
    settle()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(5):
        for row in range(len(PAGES)):
            show_page(qtbot, window, row)
    settle()
    gc.collect()
    grown = sys.getrefcount(None) - before
    assert grown < 300, f"30 page switches added {grown} references to None"

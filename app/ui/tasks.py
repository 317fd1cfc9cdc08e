"""Run a Qt-free function on a worker thread and hand its result back to the GUI thread, newest only."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

# What a task function may receive: `progress(fraction, message)` and `cancelled() -> bool`.
Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]


# While a worker runs Python, every call from Qt into Python on the GUI thread (a model's
# data(), a slot, a timer) must take the GIL back and may wait a whole switch interval for it:
# at the default 5 ms, painting one table during a PDF export stalled the window 20–60 ms. At
# 1 ms the worker's throughput is unchanged (measured) and the GUI thread gets its turn sooner.
SWITCH_INTERVAL = 0.001


def share_gil_finely() -> None:
    """Let the GUI thread take the GIL back quickly while workers run (call before starting one)."""
    if sys.getswitchinterval() > SWITCH_INTERVAL:
        sys.setswitchinterval(SWITCH_INTERVAL)


# A full garbage collection holds the GIL (so stalls the GUI thread too) for ~50 ms on a large
# heap, and a task that loads thousands of objects triggers one. While any task runs, the heap
# that existed when the first one started is frozen: the collector skips it (reference counting
# still frees it). When the last task ends it is thawed, so cyclic garbage that was frozen is
# collected as usual and memory stays flat over a long session (tests/reliability/test_memory.py).
_freeze_lock = threading.Lock()
_running = 0


def _freeze_heap() -> None:
    global _running
    with _freeze_lock:
        if _running == 0:
            gc.collect(1)  # young garbage first (cheap), so little of it is frozen meanwhile
            gc.freeze()
        _running += 1


def _thaw_heap() -> None:
    global _running
    with _freeze_lock:
        _running -= 1
        if _running == 0:
            gc.unfreeze()


class TaskCancelled(Exception):
    """Raised by a task function that noticed `cancelled()`; the task then reports nothing."""


class _Relay(QObject):
    """Carries one run's signals from the worker to the GUI thread (queued connections).

    It has no parent and is kept alive by the runnable and by Task until delivery, so a worker
    never emits on a deleted object even when the page that started it has gone.
    """

    done = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, float, str)
    cancelled = Signal(int)


class _Runnable:
    """One run's work, handed to the thread pool as a plain callable (`run`).

    Not a QRunnable subclass: the pool deletes an auto-deleting Python QRunnable from the
    worker, and with PySide6 6.11 some of those wrappers (1 in 60 to 1 in 3, more under load)
    then stayed alive for good, holding the function (and what it captured) and the relay: a
    leak on every page switch that started a load (tests/reliability/test_leaks.py).
    """

    def __init__(
        self,
        generation: int,
        fn: Callable[..., Any],
        relay: _Relay,
        stop: threading.Event,
        wants: bool,
    ) -> None:
        self.generation = generation
        self.fn = fn
        self.relay = relay
        self.stop = stop
        self.wants = wants  # pass progress and cancelled to fn

    def run(self) -> None:
        try:
            self._run()
        except RuntimeError:
            pass  # the relay is gone (the application is quitting): nobody is left to tell

    def _run(self) -> None:
        gen, relay = self.generation, self.relay
        _freeze_heap()
        try:
            if self.wants:
                result = self.fn(_percent_steps(lambda f, m: relay.progressed.emit(gen, f, m)), self.stop.is_set)
            else:
                result = self.fn()
        except TaskCancelled:
            relay.cancelled.emit(gen)
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, never lost in a worker
            relay.failed.emit(gen, exc)
        else:
            if self.stop.is_set():
                relay.cancelled.emit(gen)
            else:
                relay.done.emit(gen, result)
        finally:
            _thaw_heap()


def _percent_steps(emit: Callable[[float, str], None]) -> Callable[..., None]:
    """`emit` only when the whole percent or the message changes.

    A report calls progress once per flowable (500 and more times); each call reaching the GUI
    thread costs a queued signal and, in a modal progress dialog, an event-loop pass
    (docs/performance.md). Nobody sees the difference between 41.2 % and 41.3 %.
    """
    last: list[tuple[int, str]] = []

    def progress(fraction: float, message: str = "") -> None:
        key = (int(float(fraction) * 100), message)
        if not last or last[0] != key:
            last[:] = [key]
            emit(float(fraction), message)

    return progress


class Task(QObject):
    """One kind of background work of a page (e.g. "load the evaluation").

    `run(fn, on_done)` starts `fn()` on the global thread pool; `on_done(result)` is later called
    on the GUI thread, unless another `run` (or `cancel`) came after it: a stale result, say of
    the evaluation the person left a moment ago, is dropped. `fn` must not touch Qt widgets and
    must open its own database session. With `progress=True` it is called as
    `fn(progress, cancelled)` and `progressed(fraction, message)` is re-emitted here.
    """

    started = Signal()
    finished = Signal()  # the newest run delivered, failed or was cancelled: nothing is pending
    progressed = Signal(float, str)
    stopped = Signal()  # the newest run noticed `cancelled()` and stopped (see `request_stop`)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.generation = 0
        self._pending: dict[int, tuple[_Relay, threading.Event]] = {}
        self._on_done: Callable[[Any], None] | None = None
        self._on_error: Callable[[Exception], None] | None = None
        self.error: Exception | None = None

    @property
    def busy(self) -> bool:
        """Whether the newest run has not reported yet."""
        return self.generation in self._pending

    def run(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
        progress: bool = False,
    ) -> int:
        self.cancel(quiet=True)
        self.generation += 1
        gen = self.generation
        relay, stop = _Relay(), threading.Event()
        relay.done.connect(self._done)
        relay.failed.connect(self._failed)
        relay.progressed.connect(self._progressed)
        relay.cancelled.connect(self._cancelled)
        self._pending[gen] = (relay, stop)
        self._on_done, self._on_error = on_done, on_error
        self.error = None
        runnable = _Runnable(gen, fn, relay, stop, progress)
        self.started.emit()
        share_gil_finely()
        QThreadPool.globalInstance().start(runnable.run)
        return gen

    def cancel(self, quiet: bool = False) -> None:
        """Ask the running function to stop (if it checks) and ignore whatever it returns."""
        pending = self._pending.get(self.generation)
        if pending is not None:
            pending[1].set()
        was_busy = self.busy
        self.generation += 1  # whatever is in flight is now stale
        if was_busy and not quiet:
            self.finished.emit()

    def request_stop(self) -> None:
        """Ask the running function to stop, and hear back through `stopped` once it has.

        Unlike `cancel`, the run stays the newest, so its end is reported (as `stopped`, even
        when the function finished anyway). Safe from any thread (it only sets an event).
        """
        pending = self._pending.get(self.generation)
        if pending is not None:
            pending[1].set()

    def _current(self, gen: int) -> bool:
        # Every report ends a run; only the newest run's reports reach the page.
        self._pending.pop(gen, None)
        return gen == self.generation

    def _done(self, gen: int, result: object) -> None:
        if self._current(gen):
            callback = self._on_done
            try:
                if callback is not None:
                    callback(result)
            finally:
                self.finished.emit()

    def _failed(self, gen: int, exc: object) -> None:
        if not self._current(gen):
            return
        assert isinstance(exc, Exception)
        self.error = exc
        try:
            if self._on_error is not None:
                self._on_error(exc)
            else:
                raise exc
        finally:
            self.finished.emit()

    def _progressed(self, gen: int, fraction: float, message: str) -> None:
        if gen == self.generation:
            self.progressed.emit(fraction, message)

    def _cancelled(self, gen: int) -> None:
        if self._current(gen):
            try:
                self.stopped.emit()
            finally:
                self.finished.emit()


class Stages(QObject):
    """Work shown in parts, one event-loop turn apart, so the window repaints and reacts in
    between (a large evaluation's tables take a while each). `run` drops whatever parts of the
    previous run are still waiting. `pause_ms` is how long the window gets between two parts:
    a frame (16) lets what a part shows be painted before the next part starts."""

    def __init__(self, parent: QObject | None = None, pause_ms: int = 1) -> None:
        super().__init__(parent)
        self._parts: list[Callable[[], None]] = []
        self._run = 0
        self._pause = pause_ms

    @property
    def busy(self) -> bool:
        """Whether parts are still waiting for their turn."""
        return bool(self._parts)

    def run(self, parts: list[Callable[[], None]]) -> None:
        self._parts = list(parts)
        self._run += 1
        self._schedule()

    def cancel(self) -> None:
        self._parts = []

    def _schedule(self) -> None:
        if self._parts:
            run = self._run
            # 1 ms, not 0: a zero timeout is a posted call, run before the window's own overdue
            # timers; a real timer waits its turn behind them (and behind input).
            QTimer.singleShot(self._pause, self, lambda: self._next(run))

    def _next(self, run: int) -> None:
        if run != self._run or not self._parts:
            return  # a newer run took over: it has its own turn waiting
        self._parts.pop(0)()
        if run == self._run:  # (a part that started a newer run has scheduled its turn)
            self._schedule()


def wait_for_workers(msecs: int = 30_000) -> bool:
    """Block until the global pool is idle (tests and shutdown: never leave a worker on a closed workspace)."""
    return QThreadPool.globalInstance().waitForDone(msecs)

"""What the page tests share: showing a page until it is ready, how often it rebuilt its tables,
and how often it read from the workspace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

T = TypeVar("T")


class Resets:
    """How often any of the models was reset (each reset redraws every row of its view)."""

    def __init__(self, *models: Any) -> None:
        self.count = 0
        for model in models:
            model.modelReset.connect(self._reset)

    def _reset(self) -> None:
        self.count += 1


def shown(qtbot: Any, window: Any, key: str, kind: type[T], ready: Callable[[T], bool], timeout: int = 10_000) -> T:
    """Show the page `key` and wait until `ready(page)`: a page that loads on a worker or in parts."""
    page = window.show_page(key)
    assert isinstance(page, kind)
    qtbot.waitUntil(lambda: ready(page), timeout=timeout)
    return page


def reads(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """Count calls of the service function `module.name` (what a page reads from the workspace)."""
    calls: list[int] = []
    real = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls

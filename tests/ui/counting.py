"""Counters the page tests share: how often a page rebuilt its tables."""

from __future__ import annotations

from typing import Any


class Resets:
    """How often any of the models was reset (each reset redraws every row of its view)."""

    def __init__(self, *models: Any) -> None:
        self.count = 0
        for model in models:
            model.modelReset.connect(self._reset)

    def _reset(self) -> None:
        self.count += 1

"""GUI tests run as the app runs (English plural forms installed), each with empty settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def _translations(qapp) -> None:  # type: ignore[no-untyped-def]
    from app.ui.i18n import install_translations

    assert install_translations(qapp)


@pytest.fixture(autouse=True)
def _fresh_settings(qapp) -> None:  # type: ignore[no-untyped-def]
    # Qt fixes the settings file on first use in a process, so a test's HOME does not isolate it:
    # the last export folder or window geometry of one test would leak into the next.
    QSettings().clear()

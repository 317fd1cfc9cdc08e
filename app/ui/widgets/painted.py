"""What the charts painted with QPainter (Compare's sections, Oversee's lines) share: laying the
legend's entries out in rows, and answering a hover with a tooltip."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QToolTip, QWidget


def wrap_rows(widths: Sequence[float], width: float) -> list[list[int]]:
    """The entries (by index) laid left to right in rows no wider than `width`; an entry wider
    than a row has a row of its own."""
    rows: list[list[int]] = [[]]
    used = 0.0
    for i, w in enumerate(widths):
        if rows[-1] and used + w > width:
            rows.append([])
            used = 0.0
        rows[-1].append(i)
        used += w
    return rows


def show_tip(widget: QWidget, event: QHelpEvent, tip: str) -> bool:
    """Show `tip` where the pointer rests, or hide the tooltip when there is nothing under it."""
    if tip:
        QToolTip.showText(event.globalPos(), tip, widget)
    else:
        QToolTip.hideText()
        event.ignore()
    return True

"""Mouse work on the evidence viewer for GUI tests: where a line of text is, and a drag across it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt

from app.ui.evidence.viewer import DocumentViewer


def line_rect(viewer: DocumentViewer, page: int, needle: str) -> QRectF:
    """Where the line holding `needle` is on `page` (from 0), in points."""
    found = viewer.document.getAllText(page)
    index = next(i for i, line in enumerate(found.text().splitlines()) if needle in line)
    return found.bounds()[index].boundingRect()


def to_viewport(viewer: DocumentViewer, page: int, at: QPointF) -> QPoint:
    """A point on `page` (points) as a position in the viewer's viewport (pixels)."""
    rect = viewer.pdf.layout_.page_in_viewport(page)
    return (QPointF(rect.topLeft()) + at * viewer.pdf.layout_.scale).toPoint()


def drag(qtbot, viewer: DocumentViewer, start: QPoint, end: QPoint) -> None:  # type: ignore[no-untyped-def]
    """Press at `start`, move through the middle to `end`, release: a person selecting text."""
    target = viewer.pdf.viewport()
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(target, pos=(start + end) / 2)
    qtbot.mouseMove(target, pos=end)
    qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=end)

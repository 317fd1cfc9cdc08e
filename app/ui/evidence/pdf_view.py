"""A QPdfView in which a person selects text with the mouse, and an excerpt can be highlighted.

QPdfView paints pages but offers neither text selection nor a mapping from the widget to page
coordinates. `PageLayout` mirrors how QPdfView (Qt 6.6–6.11, `calculateDocumentLayout`) places
pages in Custom zoom mode: page size = points × (logical DPI / 72) × zoom, rounded; pages centred
horizontally, stacked with `pageSpacing` inside `documentMargins`; shifted by the scroll bars.
The view therefore always runs in Custom zoom ("fit width" computes a factor). A test checks the
mapping against the pixels Qt paints (tests/ui/test_evidence_viewer.py).

Selection: QPdfDocument.getSelection(page, start, end) only answers when both points lie on
characters, so each end of a drag is snapped onto the nearest text line (the line boxes come
from getAllText, one call per page) before asking it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtPdf import QPdfDocument, QPdfSelection
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QWidget

MARKER_HUE = 56  # yellow, as theme.tone("low")
ZOOM_STEPS = (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)


@dataclass(frozen=True)
class TextSelection:
    """What the person selected: the page (0-based), its text and where it lies (in points)."""

    page: int
    text: str
    bounds: tuple[QPolygonF, ...]


class PageLayout:
    """Where QPdfView paints each page, in the scroll area's content coordinates."""

    def __init__(self, view: QPdfView, resolution: float) -> None:
        self.view = view
        self.resolution = resolution  # device-independent pixels per point at zoom 1
        self._cache: tuple[tuple[int, int, float, int, int], dict[int, QSize]] | None = None

    @property
    def scale(self) -> float:
        """Pixels per point at the current zoom (Qt's screenScaleTransform)."""
        return self.resolution * self.view.zoomFactor()

    def pages(self) -> dict[int, QRect]:
        view = self.view
        doc = view.document()
        if doc is None or doc.status() != QPdfDocument.Status.Ready:
            return {}
        count = doc.pageCount()
        if view.pageMode() == QPdfView.PageMode.SinglePage:
            first = view.pageNavigator().currentPage()
            numbers = range(first, min(first + 1, count))
        else:
            numbers = range(count)
        margins = view.documentMargins()
        sizes = self._sizes(doc, numbers)
        total_width = max((s.width() for s in sizes.values()), default=0)
        total_width += margins.left() + margins.right()
        width = max(total_width, view.viewport().width())
        out: dict[int, QRect] = {}
        y = margins.top()
        for n in numbers:
            size: QSize = sizes[n]
            out[n] = QRect(QPoint((width - size.width()) // 2, y), size)
            y += size.height() + view.pageSpacing()
        return out

    def _sizes(self, doc: QPdfDocument, numbers: range) -> dict[int, QSize]:
        """Each page's size in pixels at the current zoom, kept until the document or zoom changes."""
        scale = self.scale
        key = (id(doc), doc.pageCount(), scale, numbers.start, numbers.stop)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, {n: QSizeF(doc.pagePointSize(n) * scale).toSize() for n in numbers})
        return self._cache[1]

    def forget(self) -> None:
        """The document was (re)loaded: page sizes must be read again."""
        self._cache = None

    def offset(self) -> QPoint:
        return QPoint(self.view.horizontalScrollBar().value(), self.view.verticalScrollBar().value())

    def page_in_viewport(self, page: int) -> QRect:
        rect = self.pages().get(page)
        return rect.translated(-self.offset()) if rect is not None else QRect()

    def page_at(self, pos: QPointF) -> tuple[int, QPointF] | None:
        """The page under a viewport position and the position on it in points, or None."""
        content = pos + QPointF(self.offset())
        for page, rect in self.pages().items():
            if QRectF(rect).contains(content):
                return page, (content - QPointF(rect.topLeft())) / self.scale
        return None

    def nearest_page(self, pos: QPointF) -> tuple[int, QPointF] | None:
        """As page_at, but a position beside or between pages counts on the closest page."""
        hit = self.page_at(pos)
        if hit is not None:
            return hit
        content = pos + QPointF(self.offset())
        best: tuple[float, int, QRect] | None = None
        for page, rect in self.pages().items():
            dy = 0.0 if rect.top() <= content.y() <= rect.bottom() else min(
                abs(content.y() - rect.top()), abs(content.y() - rect.bottom())
            )
            if best is None or dy < best[0]:
                best = (dy, page, rect)
        if best is None:
            return None
        _, page, rect = best
        return page, (content - QPointF(rect.topLeft())) / self.scale

    def to_viewport(self, page: int, polygon: QPolygonF) -> QPolygonF:
        """A polygon in page points as viewport pixels."""
        rect = self.page_in_viewport(page)
        if rect.isNull():
            return QPolygonF()
        origin = QPointF(rect.topLeft())
        return QPolygonF([origin + polygon.at(i) * self.scale for i in range(polygon.size())])


class PdfPageView(QPdfView):
    """The document's pages, with mouse selection and highlighted excerpts.

    `selection_changed(TextSelection | None)` follows the person's selection. `highlight` marks
    an excerpt (say, a citation's quote) without selecting it.
    """

    selection_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]  # the stubs say QWidget; Qt takes None
        # QPdfView reads the primary screen's DPI once, when it is built: so does the layout.
        screen = QGuiApplication.primaryScreen()
        self.layout_ = PageLayout(self, (screen.logicalDotsPerInch() if screen else 72.0) / 72.0)
        self.setPageMode(QPdfView.PageMode.MultiPage)
        self.setZoomMode(QPdfView.ZoomMode.Custom)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self._anchor: tuple[int, QPointF] | None = None
        self._lines: dict[int, list[QRectF]] = {}
        self.selection: TextSelection | None = None
        self.highlighted: TextSelection | None = None
        self.documentChanged.connect(lambda _d: self._forget())

    def _forget(self) -> None:
        self.layout_.forget()
        self._lines.clear()
        self.clear_selection()
        self.highlighted = None

    # ----- navigation and zoom -------------------------------------------------------------

    @property
    def page_count(self) -> int:
        doc = self.document()
        return doc.pageCount() if doc is not None else 0

    def current_page(self) -> int:
        return self.pageNavigator().currentPage()

    def go_to_page(self, page: int, y_points: float | None = None) -> None:
        """Show `page` (0-based); with `y_points`, scroll so that height on it is in view."""
        if not 0 <= page < self.page_count:
            return
        self.pageNavigator().jump(page, QPointF(), self.zoomFactor())
        rect = self.layout_.pages().get(page)
        if rect is not None:
            y = rect.top() - self.documentMargins().top()
            if y_points is not None:
                # The excerpt a third of the way down, so what precedes it shows too.
                y = rect.top() + round(y_points * self.layout_.scale) - self.viewport().height() // 3
            self.verticalScrollBar().setValue(max(0, y))

    def set_zoom(self, factor: float) -> None:
        page, at = self.current_page(), self._top_points()
        self.setZoomFactor(max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], factor)))
        self.go_to_page(page)  # keep the page that was being read in view
        if at is not None:
            rect = self.layout_.pages().get(page)
            if rect is not None:
                self.verticalScrollBar().setValue(rect.top() + round(at * self.layout_.scale))

    def _top_points(self) -> float | None:
        rect = self.layout_.pages().get(self.current_page())
        if rect is None:
            return None
        return max(0.0, (self.verticalScrollBar().value() - rect.top()) / self.layout_.scale)

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self.zoomFactor() + 1e-6), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(
            next((z for z in reversed(ZOOM_STEPS) if z < self.zoomFactor() - 1e-6), ZOOM_STEPS[0])
        )

    def fit_width(self) -> None:
        doc = self.document()
        if doc is None or self.page_count == 0:
            return
        margins = self.documentMargins()
        # The width with the vertical scroll bar shown (it is, or appears once zoomed), from the
        # area's own size: the viewport's may not have followed a scroll bar that just appeared.
        room = self.maximumViewportSize().width() - self.verticalScrollBar().sizeHint().width()
        room -= margins.left() + margins.right()
        width = doc.pagePointSize(self.current_page()).width() * self.layout_.resolution
        if width > 0 and room > 0:
            self.set_zoom(room / width)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            (self.zoom_in if event.angleDelta().y() > 0 else self.zoom_out)()
            event.accept()
            return
        super().wheelEvent(event)

    # ----- selection ---------------------------------------------------------------------

    def lines(self, page: int) -> list[QRectF]:
        """The text lines of `page` in reading order, in points (one getAllText call, kept)."""
        if page not in self._lines:
            doc = self.document()
            found = doc.getAllText(page) if doc is not None else None
            self._lines[page] = [p.boundingRect() for p in found.bounds()] if found else []
        return self._lines[page]

    def _snap(self, page: int, at: QPointF) -> tuple[int, QPointF] | None:
        """`at` moved onto the nearest text line of `page`: (line number, point on a character)."""
        lines = self.lines(page)
        if not lines:
            return None

        def distance(i: int) -> tuple[float, float]:
            r = lines[i]
            dy = 0.0 if r.top() <= at.y() <= r.bottom() else min(abs(at.y() - r.top()), abs(at.y() - r.bottom()))
            dx = 0.0 if r.left() <= at.x() <= r.right() else min(abs(at.x() - r.left()), abs(at.x() - r.right()))
            return dy, dx

        i = min(range(len(lines)), key=distance)
        r = lines[i]
        # On the line's right edge the last character counts as selected; past it nothing hits.
        x = min(max(at.x(), r.left()), r.right())
        return i, QPointF(x, r.center().y())

    def select(self, page: int, start: QPointF, end: QPointF) -> TextSelection | None:
        """Select the text of `page` from `start` to `end` (points), as a mouse drag would."""
        doc = self.document()
        a, b = self._snap(page, start), self._snap(page, end)
        if doc is None or a is None or b is None:
            self.clear_selection()
            return None
        if (b[0], b[1].x()) < (a[0], a[1].x()):
            a, b = b, a
        found: QPdfSelection = doc.getSelection(page, a[1], b[1])
        text = found.text().strip() if found.isValid() else ""
        self.selection = TextSelection(page, text, tuple(found.bounds())) if text else None
        self.viewport().update()
        self.selection_changed.emit(self.selection)
        return self.selection

    def clear_selection(self) -> None:
        had = self.selection is not None
        self.selection = None
        self.viewport().update()
        if had:
            self.selection_changed.emit(None)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self._anchor = self.layout_.page_at(event.position())
        self.clear_selection()
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._anchor is None or not event.buttons() & Qt.MouseButton.LeftButton:
            super().mouseMoveEvent(event)
            return
        self._drag_to(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._anchor is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        self._drag_to(event.position())
        self._anchor = None
        event.accept()

    def _drag_to(self, pos: QPointF) -> None:
        assert self._anchor is not None
        page, start = self._anchor
        hit = self.layout_.nearest_page(pos)
        if hit is None:
            return
        if hit[0] != page:
            # A selection stays on the page it started on (a citation names one page).
            end = QPointF(hit[1].x(), 1e6 if hit[0] > page else -1e6)
        else:
            end = hit[1]
        if (end - start).manhattanLength() < 1.0:
            return  # a click, not a drag
        self.select(page, start, end)

    # ----- highlights --------------------------------------------------------------------

    def highlight(self, page: int, start: int, length: int) -> TextSelection | None:
        """Mark characters [start, start + length) of `page` (e.g. a cited excerpt) and show them."""
        doc = self.document()
        if doc is None or not 0 <= page < self.page_count or length <= 0:
            self.highlighted = None
            self.viewport().update()
            return None
        found = doc.getSelectionAtIndex(page, start, length)
        bounds = tuple(found.bounds()) if found.isValid() else ()
        self.highlighted = TextSelection(page, found.text(), bounds) if bounds else None
        top = min((p.boundingRect().top() for p in bounds), default=None)
        self.go_to_page(page, top)
        self.viewport().update()
        return self.highlighted

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        marks = [(self.highlighted, _excerpt_colour(self.palette())), (self.selection, _selection_colour(self.palette()))]
        if not any(m for m, _ in marks):
            return
        painter = QPainter(self.viewport())
        painter.setPen(Qt.PenStyle.NoPen)
        for mark, colour in marks:
            if mark is None:
                continue
            painter.setBrush(colour)
            for polygon in mark.bounds:
                # The bounds hug the glyphs, rounded to whole points: a point's margin keeps a
                # closing full stop or the descenders inside the marker.
                padded = QPolygonF(polygon.boundingRect().adjusted(-1.0, -1.0, 2.0, 1.5))
                painter.drawRect(self.layout_.to_viewport(mark.page, padded).boundingRect())
        painter.end()


def _selection_colour(pal: QPalette) -> QColor:
    colour = QColor(pal.color(QPalette.ColorRole.Highlight))
    colour.setAlpha(90)
    return colour


def _excerpt_colour(pal: QPalette) -> QColor:
    # QPdfView paints pages white in light and dark mode alike, so the marker is a highlighter's
    # yellow at a fixed lightness, not a palette tone.
    del pal
    return QColor.fromHsl(MARKER_HUE, 230, 140, 120)

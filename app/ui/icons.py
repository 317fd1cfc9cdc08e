"""SVG icons drawn in the current palette's colours, so they stay legible when selected and in dark mode."""

from __future__ import annotations

import re
from functools import lru_cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.paths import resources_dir

# The icon files draw in this neutral grey; it is a placeholder replaced at render time,
# never shown as such.
SOURCE_COLOR = re.compile(r"#808080", re.IGNORECASE)

_CACHE_LIMIT = 256  # pixmaps: every icon of the app in two or three sizes and colours
_PIXMAPS: dict[tuple[str, int, int, float, int], QPixmap] = {}


@lru_cache(maxsize=64)
def _svg_text(name: str) -> str:
    return (resources_dir() / "icons" / name).read_text(encoding="utf-8")


def icon_color(
    mode: QIcon.Mode, role: QPalette.ColorRole = QPalette.ColorRole.WindowText
) -> QColor:
    """The colour an icon is drawn in for `mode`, from the application palette."""
    pal = QGuiApplication.palette()
    if mode == QIcon.Mode.Disabled:
        return pal.color(QPalette.ColorGroup.Disabled, role)
    if mode == QIcon.Mode.Selected:
        return pal.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    return pal.color(QPalette.ColorGroup.Active, role)


class PaletteIconEngine(QIconEngine):
    """Renders one SVG per request in the palette colour of the icon mode.

    The colour is read when the pixmap is drawn, so a palette or colour-scheme change only
    needs a repaint (which Qt does for every widget on PaletteChange); pixmaps are cached
    per icon, size, scale and colour, shared by every engine (six "add" and "remove" buttons
    on one page render two SVGs, not six).
    """

    def __init__(self, name: str, role: QPalette.ColorRole = QPalette.ColorRole.WindowText) -> None:
        super().__init__()
        self._name = name
        self._role = role

    def clone(self) -> QIconEngine:
        return PaletteIconEngine(self._name, self._role)

    def key(self) -> str:
        return "PaletteIconEngine"

    def iconName(self) -> str:  # noqa: N802 - Qt override
        return self._name

    def _render(self, size: QSize, mode: QIcon.Mode, scale: float) -> QPixmap:
        color = icon_color(mode, self._role)
        cache_key = (self._name, size.width(), size.height(), scale, color.rgba())
        cached = _PIXMAPS.get(cache_key)
        if cached is not None:
            return cached
        svg = SOURCE_COLOR.sub(color.name(QColor.NameFormat.HexRgb), _svg_text(self._name))
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        pixmap = QPixmap(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, pixmap.width(), pixmap.height()))
        if color.alphaF() < 1.0:
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationIn)
            painter.fillRect(pixmap.rect(), QColor(0, 0, 0, color.alpha()))
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        if len(_PIXMAPS) >= _CACHE_LIMIT:
            _PIXMAPS.clear()
        _PIXMAPS[cache_key] = pixmap
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return QPixmap(self._render(size, mode, 1.0))

    def scaledPixmap(  # noqa: N802 - Qt override
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        return QPixmap(self._render(size, mode, max(1.0, scale)))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self._render(rect.size(), mode, max(1.0, scale)))


def icon(name: str, role: QPalette.ColorRole = QPalette.ColorRole.WindowText) -> QIcon:
    """The icon `name` from resources/icons, drawn in `role` (HighlightedText when selected)."""
    return QIcon(PaletteIconEngine(name, role))

"""Severity colours and icons taken from the shared palette-derived theme."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPen, QPixmap

from app.ui import theme


def severity_color(severity: str) -> QColor:
    return theme.tone(severity)


def severity_icon(severity: str) -> QIcon:
    # Cached per palette so a light/dark switch repaints with the new tone.
    return _icon(severity, theme.is_dark())


@lru_cache(maxsize=32)
def _icon(severity: str, dark: bool) -> QIcon:
    color = theme.tone(severity)
    icon = QIcon()
    ratio = max(
        1.0,
        QGuiApplication.primaryScreen().devicePixelRatio()
        if QGuiApplication.primaryScreen()
        else 1.0,
    )
    for size in (16, 24):
        pix = QPixmap(int(size * ratio), int(size * ratio))
        pix.setDevicePixelRatio(ratio)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(color.darker(130) if not dark else color.lighter(115), 1.0))
        p.setBrush(color)
        inset = size * 0.2
        rect = QRectF(inset, inset, size - 2 * inset, size - 2 * inset)
        if severity == "critical":
            p.drawEllipse(rect)
        elif severity == "high":
            p.drawRoundedRect(rect, 2, 2)
        else:
            # A diamond for medium so severities differ by shape, not colour alone.
            c = rect.center()
            r = rect.width() / 2
            from PySide6.QtCore import QPointF
            from PySide6.QtGui import QPolygonF

            p.drawPolygon(
                QPolygonF(
                    [
                        QPointF(c.x(), c.y() - r),
                        QPointF(c.x() + r, c.y()),
                        QPointF(c.x(), c.y() + r),
                        QPointF(c.x() - r, c.y()),
                    ]
                )
            )
        p.end()
        icon.addPixmap(pix)
    return icon

"""Icons are drawn in the palette's text colour, follow a palette change, and an icon used by
several buttons is rendered once per size and colour."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from app.ui.icons import icon


def opaque_colors(pixmap: QPixmap) -> set[str]:
    image = pixmap.toImage()
    return {
        QColor(image.pixelColor(x, y)).name()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    }


def test_an_icon_is_drawn_in_the_text_colour_and_follows_a_palette_change(qapp: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    add = icon("add.svg")
    try:
        text = QGuiApplication.palette().color(QPalette.ColorRole.WindowText).name()
        assert opaque_colors(add.pixmap(QSize(24, 24))) == {text}
        dark = QPalette(before)
        dark.setColor(QPalette.ColorRole.WindowText, QColor("#dfe1e5"))
        app.setPalette(dark)
        assert opaque_colors(add.pixmap(QSize(24, 24))) == {"#dfe1e5"}
    finally:
        app.setPalette(before)
    assert opaque_colors(add.pixmap(QSize(24, 24))) == {text}


def test_the_same_icon_on_several_buttons_is_rendered_once_per_size_and_colour(qapp: Any) -> None:
    first, second = icon("remove.svg"), icon("remove.svg")
    a, b = first.pixmap(QSize(18, 18)), second.pixmap(QSize(18, 18))
    assert a.cacheKey() == b.cacheKey()  # one rendering, shared
    assert first.pixmap(QSize(20, 20)).cacheKey() != a.cacheKey()
    disabled = second.pixmap(QSize(18, 18), QIcon.Mode.Disabled)
    assert disabled.cacheKey() != a.cacheKey()

"""Status and severity colours derived from the current palette, so light and dark both read well."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QStyleOptionHeader, QWidget

# Only hues are fixed (red means bad everywhere); lightness and saturation follow the palette.
_HUES = {
    "critical": 0,
    "high": 22,
    "medium": 42,
    "low": 56,  # yellow
    "good": 135,
    "slogan": 0,
    "needs work": 38,
    "specific": 135,
    "off track": 0,
    "on track": 135,
}


def palette() -> QPalette:
    return QGuiApplication.palette()


def is_dark(pal: QPalette | None = None) -> bool:
    pal = pal or palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


def tone(kind: str, pal: QPalette | None = None) -> QColor:
    """A text colour for `kind` (a severity, a verdict or a status) readable on the base colour."""
    pal = pal or palette()
    hue = _HUES.get(kind)
    if hue is None:
        return pal.color(QPalette.ColorRole.Text)
    return QColor.fromHsl(hue, 170, 175 if is_dark(pal) else 85)


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """`a` moved `amount` (0–1) towards `b`."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )


def chip_colors(kind: str, pal: QPalette | None = None) -> tuple[QColor, QColor]:
    """(background, text) of a chip: the tone faintly over the base colour."""
    pal = pal or palette()
    base = pal.color(QPalette.ColorRole.Base)
    fg = tone(kind, pal)
    if kind not in _HUES:
        return mix(base, pal.color(QPalette.ColorRole.Text), 0.08), fg
    return mix(base, fg, 0.18), fg


_TIP_ROLES = (QPalette.ColorRole.ToolTipBase, QPalette.ColorRole.ToolTipText)
_dark_tips: list[QColor] = []  # the tooltip colours fit_tooltips set, while they are set


def fit_tooltips() -> None:
    """Tooltips in the scheme's colours. A dark scheme often keeps Qt's default tooltip colours
    (black on pale yellow; Fusion's dark palette does): the application palette then gets tooltips
    a little lighter than the window, in the window's text colour. Only those two roles are set,
    so everything else still follows the desktop; back in a light scheme they are unset again.
    The main window calls this when it is made and after every palette change."""
    pal = QGuiApplication.palette()
    base, text = (pal.color(r) for r in _TIP_ROLES)
    if is_dark(pal) and base.lightness() >= 128:
        fixed = QPalette(pal)
        fixed.setColor(_TIP_ROLES[0], mix(pal.color(QPalette.ColorRole.Window), pal.color(QPalette.ColorRole.WindowText), 0.12))
        fixed.setColor(_TIP_ROLES[1], pal.color(QPalette.ColorRole.WindowText))
        _dark_tips[:] = [fixed.color(r) for r in _TIP_ROLES]
        QGuiApplication.setPalette(fixed)
    elif not is_dark(pal) and _dark_tips:
        ours = _dark_tips == [base, text]  # (not when a whole new palette was set meanwhile)
        _dark_tips.clear()
        if ours:
            only_tips = QPalette()  # nothing set: its mask is then exactly the two tooltip roles
            only_tips.setResolveMask(0)
            for role in _TIP_ROLES:
                only_tips.setColor(role, base)
            light = QPalette(pal)
            light.setResolveMask(pal.resolveMask() & ~only_tips.resolveMask())
            QGuiApplication.setPalette(light)  # the light scheme's own tooltip colours again


def css(color: QColor) -> str:
    return color.name(QColor.NameFormat.HexRgb)


class NaturalSortArrows(QProxyStyle):
    """The application style with header sort arrows that point the way the values run.

    Qt draws an up arrow for a descending sort (a Windows 95 convention); in a table whose
    numbers fall from top to bottom people read that as "ascending", so the arrow is flipped:
    up for ascending (small at the top), down for descending.
    """

    def drawPrimitive(  # noqa: N802 - Qt override
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(
            option, QStyleOptionHeader
        ):
            flipped = QStyleOptionHeader(option)
            up, down = (
                QStyleOptionHeader.SortIndicator.SortUp,
                QStyleOptionHeader.SortIndicator.SortDown,
            )
            if option.sortIndicator == up:
                flipped.sortIndicator = down
            elif option.sortIndicator == down:
                flipped.sortIndicator = up
            option = flipped
        super().drawPrimitive(element, option, painter, widget)

"""A control the user may not use now is disabled, and its tooltip says why.

Whether something is allowed is decided once (`AppContext.can` / `why_not`: a read-only window,
or a role on a team workspace, from app.services.team); `allow` is how every page shows it, so a
button never offers what the server would refuse, and is never disabled without a reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QMenu, QPlainTextEdit, QWidget

_OWN_TIP = "diligenceOwnToolTip"  # the tooltip the control had before a reason replaced it


def allow(control: QWidget | QAction, why_not: str, enabled: bool = True) -> None:
    """Enable `control` when `why_not` is empty (and `enabled`: the page's own condition, such as a
    selection); otherwise disable it with `why_not` as its tooltip. Its own tooltip comes back
    once it is allowed again."""
    own = control.property(_OWN_TIP)
    if own is None:  # (a menu's action has no tooltip of its own: "" gives back Qt's default)
        own = control.toolTip() if isinstance(control, QWidget) else ""
        control.setProperty(_OWN_TIP, own)
    control.setEnabled(enabled and not why_not)
    control.setToolTip(why_not or str(own))
    if isinstance(control, QAction):
        control.setStatusTip(why_not)
        for menu in control.associatedObjects():
            if isinstance(menu, QMenu):
                menu.setToolTipsVisible(True)  # a menu shows an action's tooltip only when told to


def allow_all(controls: Iterable[QWidget | QAction], why_not: str) -> None:
    for control in controls:
        allow(control, why_not)


def allow_typing(fields: Iterable[QLineEdit | QAbstractSpinBox | QPlainTextEdit], why_not: str) -> None:
    """As `allow` for text fields, which stay readable (and selectable): read-only, not disabled."""
    for field in fields:
        own = field.property(_OWN_TIP)
        if own is None:
            own = field.toolTip()
            field.setProperty(_OWN_TIP, own)
        field.setReadOnly(bool(why_not))
        field.setToolTip(why_not or str(own))

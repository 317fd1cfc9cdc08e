"""Verdict chips paint their own colours (no style sheet): the tone of their kind, light and dark."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from app.ui import theme
from app.ui.widgets.verdict import PAD_X, VerdictChip


def _fill(chip: VerdictChip) -> QColor:
    """The colour inside the chip's box, left of its text."""
    image = chip.grab().toImage()
    return image.pixelColor(PAD_X // 2 + 1, image.height() // 2)


def test_a_chip_shows_the_tone_of_its_kind_and_follows_a_dark_palette(qtbot: Any, qapp: QApplication) -> None:
    chip = VerdictChip("off track", "off track")
    qtbot.addWidget(chip)
    chip.resize(chip.sizeHint())
    chip.show()
    assert chip.text() == "off track" and not chip.styleSheet()
    assert chip.sizeHint().width() > chip.fontMetrics().horizontalAdvance("off track") + 2 * PAD_X
    assert chip.font().weight() >= QFont.Weight.DemiBold
    light = theme.chip_colors("off track")[0]
    assert _fill(chip) == light
    chip.set_kind("on track", "on track")
    assert _fill(chip) == theme.chip_colors("on track")[0] != light

    original = qapp.palette()
    dark = QPalette(original)
    for role, color in ((QPalette.ColorRole.Window, "#202225"), (QPalette.ColorRole.Base, "#2b2d31"),
                        (QPalette.ColorRole.Text, "#e6e6e6"), (QPalette.ColorRole.WindowText, "#e6e6e6")):
        dark.setColor(role, QColor(color))
    try:
        qapp.setPalette(dark)
        qapp.processEvents()
        assert theme.is_dark()
        assert _fill(chip) == theme.chip_colors("on track")[0]
        assert _fill(chip).lightness() < 128  # a faint tone over the dark base, not a light box
    finally:
        qapp.setPalette(original)

"""A wrapped label that remembers its height per width must never keep a stale height: a longer
text, a bigger font or wider margins would otherwise be clipped on screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.ui.widgets.wrapping import WrapLabel

SHORT = "Metrics agreed before kickoff."
LONG = " ".join([SHORT] * 12)


def plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def test_height_for_width_is_a_wrapped_qlabels_and_follows_the_text(qtbot: Any) -> None:
    label = WrapLabel(SHORT)
    qtbot.addWidget(label)
    assert label.wordWrap()
    assert label.heightForWidth(200) == plain(SHORT).heightForWidth(200)
    label.setText(LONG)  # asked again at the same width: the new text's height, not the old one
    assert label.heightForWidth(200) == plain(LONG).heightForWidth(200)
    assert label.heightForWidth(200) > plain(SHORT).heightForWidth(200)


def test_a_bigger_font_or_margins_give_a_taller_label(qtbot: Any) -> None:
    label = WrapLabel(LONG)
    qtbot.addWidget(label)
    before = label.heightForWidth(300)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)
    assert label.heightForWidth(300) > before
    bigger = label.heightForWidth(300)
    label.setContentsMargins(0, 20, 0, 20)
    assert label.heightForWidth(300) == bigger + 40


def test_rich_text_and_plain_text_are_measured_as_shown(qtbot: Any) -> None:
    text = "<b>" + "word " * 60 + "</b>"
    label = WrapLabel(text)
    qtbot.addWidget(label)
    label.setTextFormat(Qt.TextFormat.PlainText)
    as_plain = label.heightForWidth(250)
    reference = plain(text)
    reference.setTextFormat(Qt.TextFormat.PlainText)
    assert as_plain == reference.heightForWidth(250)
    label.setTextFormat(Qt.TextFormat.RichText)  # the tags vanish: fewer characters, fewer lines
    reference.setTextFormat(Qt.TextFormat.RichText)
    assert label.heightForWidth(250) == reference.heightForWidth(250)


def test_in_a_layout_the_whole_text_shows_after_it_grows(qtbot: Any) -> None:
    box = QWidget()
    layout = QVBoxLayout(box)
    label = WrapLabel(SHORT)
    layout.addWidget(label)
    layout.addStretch(1)
    qtbot.addWidget(box)
    box.resize(240, 600)
    box.show()
    qtbot.waitExposed(box)
    label.setText(LONG)
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()))
    assert label.height() >= plain(LONG).heightForWidth(label.width())

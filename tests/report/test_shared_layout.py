"""Paragraphs of the same text share their parsed markup and their line breaking
(app/report/common.py): what is printed must be exactly what each paragraph says, wherever it
lands — in table cells, in two columns of different widths, split across a page."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from app.report import common
from app.report.common import Metadata, PageFrame, ReportDocument, markup, para, styles, table
from tests.report.helpers import flat, page_texts


def _build(story: list[object], path: Path) -> None:
    buf = io.BytesIO()
    doc = ReportDocument(buf, Metadata("t", "s"), PageFrame("left", "right", "1 January 2026"),
                         common.pdf_date(date(2026, 1, 1)))
    doc.build_story(story)
    path.write_bytes(buf.getvalue())


def test_a_repeated_cell_prints_whole_in_every_row_and_at_every_width(tmp_path: Path) -> None:
    st = styles()
    words = "Vendor answered with a vague timeline and no named owner for the rollout"
    narrow = table([["NOTE", "WIDE NOTE"]] + [[para(words, st.cell), para(words, st.cell)] for _ in range(30)],
                   [60, 300])
    _build([narrow], tmp_path / "t.pdf")
    text = flat(" ".join(page_texts(tmp_path / "t.pdf")))
    # 60 copies, whichever column (narrow: many lines; wide: one or two) and page they fell on.
    assert text.count("rollout") == 60
    assert text.count("owner") == 60


def test_a_shared_paragraph_split_across_pages_loses_no_words_nor_changes_its_twin(tmp_path: Path) -> None:
    st = styles()
    long_text = " ".join(f"word{i:03d}" for i in range(900))
    story: list[object] = [markup(long_text, st.body), markup(long_text, st.body), markup(long_text, st.body)]
    _build(story, tmp_path / "s.pdf")
    pages = page_texts(tmp_path / "s.pdf")
    assert len(pages) >= 2  # at least one copy is split across pages
    text = flat(" ".join(pages))
    for i in (0, 1, 450, 898, 899):
        assert text.count(f"word{i:03d}") == 3, i


def test_two_documents_drawn_side_by_side_each_print_their_own_characters(tmp_path: Path) -> None:
    """Each document numbers the characters of its font subset in the order it meets them; text
    remembered from one document must never be reused in another (exports may run side by side)."""
    from reportlab.pdfgen.canvas import Canvas

    styles()  # registers the fonts
    one, two = tmp_path / "one.pdf", tmp_path / "two.pdf"
    a, b = Canvas(str(one)), Canvas(str(two))
    for canvas in (a, b):
        canvas.setFont(common.FONT, 12)
    a.drawString(72, 700, "αβγ")  # α, β, γ get the next three codes of this document
    b.drawString(72, 700, "γβα")  # the other way round in that one
    a.drawString(72, 680, "γβα")
    b.drawString(72, 680, "αβγ")
    a.save()
    b.save()
    assert page_texts(one)[0].split("\n") == ["αβγ", "γβα"]
    assert page_texts(two)[0].split("\n") == ["γβα", "αβγ"]


def test_plain_text_gets_exactly_the_fragments_the_markup_parser_gives() -> None:
    """Plain text skips ReportLab's markup parser, and parsed markup is reused as copies: either way a
    paragraph must hold what the parser would make, in every style — else the printed text would change."""
    from reportlab.platypus import Paragraph

    st = styles()
    texts = ["MEDIUM", "Vendor answered   with\ta vague timeline", "  leading and trailing  ", "Ωmega 12 % — ok",
             "x" * 300]
    for style in (st.body, st.cell, st.cell_bold, st.cell_right, st.cell_muted, st.head, st.head_right, st.title):
        for text in texts + [f'<font color="#A4262C">{t}</font> and <b>more</b>' for t in texts]:
            theirs = Paragraph(text, style)
            for ours in (markup(text, style), markup(text, style)):  # made, then from the cache
                assert ours.text == theirs.text
                assert ours.style is theirs.style
                assert [vars(f) for f in ours.frags] == [vars(f) for f in theirs.frags], (style.name, text)
                assert [type(f) for f in ours.frags] == [type(f) for f in theirs.frags]

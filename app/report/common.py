"""What every Diligence PDF shares: the embedded font, the palette, text styles, escaping and the page frame."""

from __future__ import annotations

import copy
import functools
import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.paragraph import textTransformFrags
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from app.domain.evaluation import format_total
from app.domain.wording import share_words
from app.paths import resources_dir

# ReportLab checks every attribute set on a chart shape against a type table (11,000 checks in a
# 10-vendor report, ~7 % of its layout time). Our charts are built by code whose PDFs the tests
# read back, so the check is switched off as ReportLab's settings offer (docs/performance.md).
rl_config.shapeChecking = 0

FONT = "DiligenceSans"
FONT_BOLD = "DiligenceSans-Bold"
CONFIDENTIAL = "Confidential — prepared with Diligence"
AUTHOR = "Diligence"

# A restrained palette: ink and greys for text, one navy accent, three severity tones.
INK = colors.HexColor("#1B2430")
MUTED = colors.HexColor("#5E6875")
FAINT = colors.HexColor("#98A1AC")
RULE = colors.HexColor("#D6DBE1")
WASH = colors.HexColor("#F3F5F8")
ACCENT = colors.HexColor("#1F3A5F")
ACCENT_WASH = colors.HexColor("#E7EDF4")
GOOD = colors.HexColor("#2F6B4F")
SEVERITY = {
    "critical": colors.HexColor("#A4262C"),
    "high": colors.HexColor("#B9631B"),
    "medium": colors.HexColor("#8C7A2B"),
    "low": colors.HexColor("#A08A00"),  # yellow: the lowest severity
}
SEVERITY_WASH = {
    "critical": colors.HexColor("#F8E9EA"),
    "high": colors.HexColor("#FAEFE4"),
    "medium": colors.HexColor("#F5F1E3"),
    "low": colors.HexColor("#FBF7DA"),
}
# Vendors in charts, leader first: navy, then quieter tones so the leader stands out.
SERIES = [
    colors.HexColor("#1F3A5F"),
    colors.HexColor("#6E9BC5"),
    colors.HexColor("#B9C7D3"),
    colors.HexColor("#C9A66B"),
    colors.HexColor("#8A8F96"),
]

PORTRAIT: tuple[float, float] = A4
LANDSCAPE: tuple[float, float] = landscape(A4)
MARGIN_X: float = 20 * mm
MARGIN_TOP: float = 22 * mm
MARGIN_BOTTOM: float = 20 * mm


class Cancelled(Exception):
    """The person cancelled the export; nothing was written."""


# ----- fonts ---------------------------------------------------------------------------------

_registered = False


FONT_FILES: tuple[tuple[str, str], ...] = ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf"))


def font_folder() -> Path:
    return resources_dir() / "fonts"


def register_fonts() -> None:
    """Register the bundled DejaVu Sans once per process: parsed when the app was built
    (app/report/font_cache.py), or here when that copy is missing or stale (~22 ms)."""
    global _registered
    if _registered:
        return
    from app.report import font_cache

    folder = font_folder()
    parsed = font_cache.load(folder, FONT_FILES)
    for name, file in FONT_FILES:
        font = parsed.get(name) or TTFont(name, str(folder / file))
        # Line breaking measures the same words thousands of times in a long report; a width
        # depends only on (text, size, encoding), so remember it.
        font.stringWidth = functools.lru_cache(maxsize=16384)(font.stringWidth)
        font.splitString = _remembered_splits(font.splitString)
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _registered = True


def _remembered_splits(split: Callable[..., Any]) -> Callable[..., Any]:
    """TTFont.splitString, remembered per document.

    Drawing a string maps each character to the document's font subset. The first time a
    character is seen it is given a code, for good; after that the same text always maps to the
    same bytes in the same document. A report draws the same words again and again (2 of 3
    strings in a 10-vendor report), so the answer is kept for the document being built.
    """
    memos: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], Any]] = weakref.WeakKeyDictionary()

    def split_string(text: str, doc: Any, encoding: str = "utf-8") -> Any:
        memo = memos.get(doc)
        if memo is None:
            memo = memos.setdefault(doc, {})  # one per document: exports may run side by side
        key = (text, encoding)
        parts = memo.get(key)
        if parts is None:
            parts = memo[key] = split(text, doc, encoding)
        return parts

    return split_string


# ----- text ----------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean(text: object, limit: int | None = None) -> str:
    """User text made safe to print: control characters dropped, optionally shortened with an ellipsis."""
    s = "" if text is None else str(text)
    s = _SURROGATE.sub("\ufffd", _CONTROL.sub("", s.replace("\r\n", "\n").replace("\r", "\n")))
    if limit is not None and len(s) > limit:
        s = s[: max(1, limit - 1)].rstrip() + "…"
    return s


def escape(text: str) -> str:
    """`&`, `<` and `>` as entities, as `xml.sax.saxutils.escape` does. That module imports
    urllib.request (and with it http.client, email and ssl): ~20 ms of every report's start."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def esc(text: object, limit: int | None = None) -> str:
    """User text as Paragraph markup that prints literally: `<b>&amp;</b>` stays `<b>&amp;</b>`."""
    return escape(clean(text, limit)).replace("\n", "<br/>")


# Totals and scores as people read them: the domain's one formatter (one decimal, or a dash).
fmt1 = format_total


pct = share_words  # one way to print a share, shared with the app and the CLI


def signed(value: float) -> str:
    """A difference with its sign, one decimal, never "-0.0"."""
    v = round(value, 1)
    return "0.0" if v == 0 else f"{v:+.1f}"


def money(amount: float | None, unit: str = "") -> str:
    if amount is None:
        return "—"
    a = abs(amount)
    if a >= 1e9:
        s = f"{amount / 1e9:.1f} billion"
    elif a >= 1e6:
        s = f"{amount / 1e6:.1f} million"
    else:
        s = f"{amount:,.0f}"
    return f"{s} {clean(unit)}".strip()


def long_date(d: date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


# ----- styles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    kicker: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    cell_muted: ParagraphStyle
    head: ParagraphStyle
    head_right: ParagraphStyle
    big_number: ParagraphStyle
    callout: ParagraphStyle


_styles: Styles | None = None


def styles() -> Styles:
    global _styles
    if _styles is None:
        register_fonts()
        base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12.5, textColor=INK, alignment=TA_LEFT)

        def s(name: str, **kw: Any) -> ParagraphStyle:
            return ParagraphStyle(name, parent=base, **kw)

        _styles = Styles(
            title=s("title", fontName=FONT_BOLD, fontSize=19, leading=23, spaceAfter=3),
            subtitle=s("subtitle", fontSize=10.5, leading=14.5, textColor=MUTED),
            kicker=s("kicker", fontName=FONT_BOLD, fontSize=7.5, leading=10, textColor=ACCENT, spaceAfter=3),
            h1=s("h1", fontName=FONT_BOLD, fontSize=14, leading=18, spaceBefore=2, spaceAfter=6),
            h2=s("h2", fontName=FONT_BOLD, fontSize=10.5, leading=14, spaceBefore=10, spaceAfter=4),
            body=s("body"),
            small=s("small", fontSize=8, leading=10.5),
            muted=s("muted", fontSize=8, leading=10.5, textColor=MUTED),
            cell=s("cell", fontSize=8, leading=10),
            cell_bold=s("cell_bold", fontName=FONT_BOLD, fontSize=8, leading=10),
            cell_right=s("cell_right", fontSize=8, leading=10, alignment=TA_RIGHT),
            cell_muted=s("cell_muted", fontSize=7.5, leading=9.5, textColor=MUTED),
            # Headers never break inside a word ("INTEGRATIO/N"): they wrap between words only.
            head=s("head", fontName=FONT_BOLD, fontSize=6.5, leading=8.5, textColor=MUTED, splitLongWords=0),
            head_right=s("head_right", fontName=FONT_BOLD, fontSize=6.5, leading=8.5, textColor=MUTED,
                         splitLongWords=0, alignment=TA_RIGHT),
            big_number=s("big_number", fontName=FONT_BOLD, fontSize=24, leading=27, textColor=ACCENT),
            callout=s("callout", fontSize=9.5, leading=13.5),
        )
    return _styles


# Parsed markup by (text, style): a long report repeats the same cells ("MEDIUM", "Vague answer",
# column heads) hundreds of times. Bounded, as the app may export many reports in one session.
_PARSED: dict[tuple[str, ParagraphStyle], tuple[Any, ParagraphStyle, list[Any]]] = {}
_PARSED_MAX = 4096
# Their line breaking by (text, style, widths): the same cell in the same column breaks into the
# same lines (half of all line breaking in a 10-vendor report was such repeats). Bounded likewise.
_BROKEN: dict[tuple[str, ParagraphStyle, tuple[float, ...]], Any] = {}
# Per style, the parser's fragment for plain text (see _Paragraph._setup_plain).
_PLAIN: dict[tuple[ParagraphStyle, int], tuple[ParagraphStyle, Any]] = {}


def _copy(frag: Any) -> Any:
    """copy.copy of a parsed fragment, without its generic protocol (a tenth of making a report's
    paragraphs): a ParaFrag is a plain attribute bag, so a new one with the same attributes."""
    if type(frag) is not ParaFrag:
        return copy.copy(frag)
    new: Any = object.__new__(ParaFrag)
    new.__dict__.update(frag.__dict__)
    return new


class _Paragraph(Paragraph):  # type: ignore[misc]  # ReportLab ships no type stubs: Paragraph is Any
    """A Paragraph that parses each distinct markup once and breaks it into lines once per width.

    A Table wraps every cell to measure its rows, and again, at the same width, to draw it:
    breaking the same words into the same lines twice was a third of a long report's layout.
    Paragraphs of the same markup and style share the broken lines, which drawing only reads.
    """

    text: Any
    style: Any
    frags: list[Any]
    bulletText: Any  # noqa: N815 - ReportLab's name
    _wrapped: tuple[float, float, float] | None = None
    _shared: tuple[str, ParagraphStyle] | None = None  # set while frags are the parse of (text, style)

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:  # noqa: N803
        if frags is not None or bulletText or not isinstance(text, str):
            super()._setup(text, style, bulletText, frags, cleaner)  # a split part, or not ours
            return
        key = (text, style)
        hit = _PARSED.get(key)
        if hit is None:
            if "<" in text or "&" in text or not self._setup_plain(text, style, cleaner):
                super()._setup(text, style, bulletText, frags, cleaner)
            if self.bulletText is None:
                if len(_PARSED) >= _PARSED_MAX:
                    _PARSED.clear()
                # Copies: line breaking and splitting later change fragments in place.
                _PARSED[key] = (self.text, self.style, [_copy(f) for f in self.frags])
                self._shared = key
            return
        self.text, self.style, self.bulletText = hit[0], hit[1], None
        self.frags = [_copy(f) for f in hit[2]]
        self.debug = 0
        self._shared = key

    def _setup_plain(self, text: str, style: ParagraphStyle, cleaner: Any) -> bool:
        """Text without markup or entities is one fragment in the style's font: the parser's own
        fragment for the style, holding this text (the markup parser is a tenth of a report's layout)."""
        cleaned = cleaner(text)
        if not cleaned:
            return False
        template = _PLAIN.get((style, self.caseSensitive))
        if template is None:
            parser = ParaParser()
            parser.caseSensitive = self.caseSensitive
            parsed_style, parsed, bullets = parser.parse("x", style)
            if parsed is None or len(parsed) != 1 or bullets:
                return False
            template = _PLAIN[(style, self.caseSensitive)] = (parsed_style, parsed[0])
        frag = _copy(template[1])
        frag.text = cleaned
        frags = [frag]
        textTransformFrags(frags, template[0])
        self.text, self.frags, self.style, self.bulletText, self.debug = cleaned, frags, template[0], None, 0
        return True

    def breakLines(self, width: Any) -> Any:  # noqa: N802 - ReportLab's name
        shared = self._shared
        if shared is None or shared[1].wordWrap == "RTL":  # right-to-left drawing reverses lines in place
            return super().breakLines(width)
        key = (shared[0], shared[1], tuple(width))
        lines = _BROKEN.get(key)
        if lines is None:
            lines = super().breakLines(width)
            if len(_BROKEN) >= _PARSED_MAX:
                _BROKEN.clear()
            _BROKEN[key] = lines
        return lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        w = self._wrapped
        if w is not None and w[0] == availWidth and "blPara" in self.__dict__:
            self.width, self.height = w[1], w[2]
            return w[1], w[2]
        width, height = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, width, height)
        return width, height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803 - ReportLab's names
        shared = self._shared
        self._shared = None  # splitting can touch the fragments and their lines: never share them again
        if shared is not None:
            for key in [k for k in _BROKEN if k[0] == shared[0] and k[1] is shared[1]]:
                del _BROKEN[key]
        parts: list[Any] = super().split(availWidth, availHeight)
        if len(parts) > 1:
            self._wrapped = None  # splitting can touch the shared fragments: break lines afresh
        return parts


def para(text: object, style: ParagraphStyle, limit: int | None = None) -> Paragraph:
    """A paragraph of user text, escaped."""
    return _Paragraph(esc(text, limit), style)


def markup(trusted: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph whose markup we wrote ourselves; any user text inside must already be esc()'d."""
    return _Paragraph(trusted, style)


def hexcolor(c: colors.Color) -> str:
    value: str = c.hexval()  # "0x1b2430"
    return "#" + value[2:]


def severity_label(severity: str, acknowledged: bool = False) -> str:
    """Markup for a severity word in its colour (grey once acknowledged)."""
    colour = FAINT if acknowledged else SEVERITY.get(severity, MUTED)
    return f'<font name="{FONT_BOLD}" color="{hexcolor(colour)}">{escape(severity.upper())}</font>'


# ----- tables --------------------------------------------------------------------------------


def table(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    header_rows: int = 1,
    extra: Iterable[tuple[Any, ...]] = (),
    right: Iterable[int] = (),
    zebra: bool = False,
) -> Table:
    """The house table: hairline rules, a quiet header repeated on every page it spans.

    Header strings become wrapping paragraphs; columns listed in `right` are right-aligned.
    """
    right = set(right)
    data = [list(r) for r in rows]
    for h in range(min(header_rows, len(data))):
        data[h] = [
            _Paragraph(esc(c), _head_style(c, widths[i], i in right)) if isinstance(c, str) else c
            for i, c in enumerate(data[h])
        ]
    t = Table(data, colWidths=list(widths), repeatRows=header_rows, hAlign="LEFT")
    cmds: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ]
    if header_rows:
        cmds += [
            ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, INK),
            ("VALIGN", (0, 0), (-1, header_rows - 1), "BOTTOM"),
        ]
    if zebra:
        for r in range(header_rows, len(data)):
            if (r - header_rows) % 2 == 1:
                cmds.append(("BACKGROUND", (0, r), (-1, r), WASH))
    for c in sorted(right):
        cmds.append(("ALIGN", (c, 0), (c, -1), "RIGHT"))
    cmds.extend(extra)
    t.setStyle(TableStyle(cmds))
    return t


_SPLIT_HEADS: dict[str, ParagraphStyle] = {}


def _head_style(text: str, width: float, right: bool) -> ParagraphStyle:
    """Headers wrap between words; only a word wider than its column (a long name) is broken,
    rather than drawn over the next column."""
    st = styles()
    style = st.head_right if right else st.head
    room = width - 8  # the house table's left and right padding
    if all(pdfmetrics.stringWidth(word, style.fontName, style.fontSize) <= room for word in text.split()):
        return style
    split = _SPLIT_HEADS.get(style.name)
    if split is None:
        split = _SPLIT_HEADS[style.name] = ParagraphStyle(style.name + "-split", parent=style, splitLongWords=1)
    return split


def layout_table(data: Sequence[Sequence[object]], widths: Sequence[float]) -> Table:
    """A table used for layout (boxes, columns). Its font is ours: a Table's default is Helvetica,
    which would appear in the file unembedded."""
    t = Table([list(r) for r in data], colWidths=list(widths), hAlign="LEFT")
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8)]))
    return t


# ----- the page frame ------------------------------------------------------------------------


@dataclass(frozen=True)
class PageFrame:
    """What the header and footer print on every page."""

    header_left: str
    header_right: str
    date_text: str


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab ships no type stubs: Canvas is Any
    """Holds pages back until the end so each footer can say 'Page N of M'."""

    frame: PageFrame = PageFrame("", "", "")
    pdf_date: str = "D:20000101000000+00'00'"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        pdf_date = self.pdf_date
        # Creation and modification dates come from the data, never the clock: same data, same bytes.
        self.setDateFormatter(lambda *_: pdf_date)

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for n, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_frame(n, total)
            super().showPage()
        super().save()

    def _draw_frame(self, n: int, total: int) -> None:
        width, height = self._pagesize
        f = self.frame
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        top = height - 13 * mm
        self.setFillColor(MUTED)
        self.setFont(FONT_BOLD, 7.5)
        left = _fit(f.header_left, FONT_BOLD, 7.5, width * 0.62)
        self.drawString(MARGIN_X, top, left)
        self.setFont(FONT, 7.5)
        self.drawRightString(width - MARGIN_X, top, _fit(f.header_right, FONT, 7.5, width * 0.3))
        self.line(MARGIN_X, top - 2.5 * mm, width - MARGIN_X, top - 2.5 * mm)
        bottom = 11 * mm
        self.line(MARGIN_X, bottom + 4 * mm, width - MARGIN_X, bottom + 4 * mm)
        self.setFont(FONT, 7)
        self.drawString(MARGIN_X, bottom, f"{CONFIDENTIAL} · {f.date_text}")
        self.drawRightString(width - MARGIN_X, bottom, f"Page {n} of {total}")
        self.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten a header string to one line with an ellipsis (long vendor or evaluation names)."""
    text = clean(text).replace("\n", " ")
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if pdfmetrics.stringWidth(text[:mid] + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def fit(text: str, font: str, size: float, width: float) -> str:
    return _fit(text, font, size, width)


@dataclass(frozen=True)
class Metadata:
    title: str
    subject: str
    keywords: str = ""


class ReportDocument(BaseDocTemplate):  # type: ignore[misc]  # ReportLab ships no type stubs
    """A4 document with portrait and landscape pages, deterministic output and cancellable builds."""

    def __init__(
        self,
        out: BinaryIO,
        meta: Metadata,
        frame: PageFrame,
        pdf_date: str,
        progress: Callable[[float, str], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> None:
        register_fonts()
        super().__init__(
            out,
            pagesize=PORTRAIT,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=clean(meta.title),
            author=AUTHOR,
            subject=clean(meta.subject),
            keywords=clean(meta.keywords),
            creator="Diligence",
            producer="Diligence (ReportLab)",
            invariant=1,
            initialFontName=FONT,
            lang="en",
        )
        pw, ph = PORTRAIT
        lw, lh = LANDSCAPE
        self.addPageTemplates(
            [
                PageTemplate(
                    "portrait",
                    [Frame(MARGIN_X, MARGIN_BOTTOM, pw - 2 * MARGIN_X, ph - MARGIN_TOP - MARGIN_BOTTOM, id="p",
                           leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)],
                    pagesize=PORTRAIT,
                ),
                PageTemplate(
                    "landscape",
                    [Frame(MARGIN_X, MARGIN_BOTTOM, lw - 2 * MARGIN_X, lh - MARGIN_TOP - MARGIN_BOTTOM, id="l",
                           leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)],
                    pagesize=LANDSCAPE,
                ),
            ]
        )
        self._frame_info = frame
        self._pdf_date = pdf_date
        self._progress = progress
        self._cancel = cancel
        self._size = 1
        self._done = 0
        self.setProgressCallBack(self._on_progress)

    @property
    def portrait_width(self) -> float:
        return PORTRAIT[0] - 2 * MARGIN_X

    @property
    def portrait_height(self) -> float:
        return PORTRAIT[1] - MARGIN_TOP - MARGIN_BOTTOM

    @property
    def landscape_width(self) -> float:
        return LANDSCAPE[0] - 2 * MARGIN_X

    def _on_progress(self, kind: str, value: int) -> None:
        if self._cancel is not None and self._cancel():
            raise Cancelled()
        if kind == "SIZE_EST":
            self._size = max(1, value)
        elif kind == "PROGRESS" and self._progress is not None:
            # A flowable split across pages puts its remainder back in the story, so ReportLab's
            # count can step back: the bar never does.
            self._done = max(self._done, value)
            self._progress(0.3 + 0.65 * min(1.0, self._done / self._size), "Laying out pages")

    def build_story(self, story: list[Flowable]) -> None:
        canvas_class = type(
            "ReportCanvas", (_NumberedCanvas,), {"frame": self._frame_info, "pdf_date": self._pdf_date}
        )
        self.build(story, canvasmaker=canvas_class)


def pdf_date(d: date) -> str:
    return f"D:{d.year:04d}{d.month:02d}{d.day:02d}000000+00'00'"

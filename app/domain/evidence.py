"""Evidence: vendors' documents, their pages, search hits and citations, as plain values.

No SQL, no Qt, no file access: the services build these from the workspace, and the flags, the
PDF and the GUI take them as they are. Dates are `datetime.date`; times are aware UTC datetimes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class DocumentKind(StrEnum):
    """What a document is to the evaluation (chosen by the person who adds it)."""

    PROPOSAL = "proposal"
    CERTIFICATION = "certification"
    CASE_STUDY = "case-study"
    CONTRACT = "contract"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The kind as people read it ("case study")."""
        return self.value.replace("-", " ")


# The file formats a document may have (by content, not only by name), with their extensions.
FORMATS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "pptx": (".pptx",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
    "txt": (".txt",),
    "md": (".md", ".markdown"),
}
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024
SHA_PREFIX = 12  # characters of the SHA-256 shown to people (and accepted as a document name)


@dataclass(frozen=True)
class Document:
    """One vendor's document. The same bytes attached to two vendors are two Documents, one blob."""

    id: int
    evaluation: str
    vendor: str
    name: str  # the file name it was added under ("proposal.pdf")
    sha256: str  # hex digest of the bytes; the blob's address in the workspace
    format: str  # a key of FORMATS
    kind: DocumentKind
    size: int  # bytes
    pages: int
    valid_until: date | None
    added_at: datetime
    added_by: str

    @property
    def short_hash(self) -> str:
        return self.sha256[:SHA_PREFIX]

    def expired(self, on: date) -> bool:
        """Past its valid-until date on `on` (a document valid until the 30th is valid that day)."""
        return self.valid_until is not None and on > self.valid_until


@dataclass(frozen=True)
class Page:
    """The extracted text of one page (PDF page, PPTX slide, XLSX sheet, DOCX page), numbered from 1."""

    document: int  # Document.id
    number: int
    text: str


@dataclass(frozen=True)
class Passage:
    """A search hit: one page of one document, best first by BM25 (lower rank is better)."""

    document: Document
    page: int
    rank: float
    snippet: str  # a short excerpt; the matched words are wrapped in HIGHLIGHT marks

    def excerpt(self, opening: str = "[", closing: str = "]") -> str:
        """The snippet with the matched words between `opening` and `closing` (text, not markup)."""
        return self.snippet.replace(HIGHLIGHT[0], opening).replace(HIGHLIGHT[1], closing)


# The marks `Passage.snippet` puts around matched words: control characters (STX, ETX) that
# extracted page text never holds (extraction drops control characters), so a page's own
# brackets or quotes are never taken for marks. A surface shows bold in their place, or calls
# `Passage.excerpt()` for plain brackets.
HIGHLIGHT = ("\x02", "\x03")
ELLIPSIS = "…"


@dataclass(frozen=True)
class Citation:
    """An answer's cited excerpt: a quote that occurs on `page` of `document`."""

    id: int
    evaluation: str
    vendor: str
    question: str  # the question id
    evaluator: str  # "" when the citation backs the vendor's answer as a whole
    document: Document
    page: int
    quote: str
    cited_at: datetime
    cited_by: str


_SPACE = re.compile(r"\s+")
_HYPHEN_BREAK = re.compile(r"(\w)-\s*\n\s*(\w)")


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text.replace("\u00ad", ""))


def squash(text: str, join_broken_words: bool = True) -> str:
    """The form quotes are compared in: NFKC (ligatures such as "ﬁ" become "fi"), soft hyphens
    dropped, case folded and every whitespace removed, so a quote matches whatever line breaks or
    spacing the extraction produced; with `join_broken_words`, a word split by a hyphen at a line
    end ("imple-\nmentation") is joined again."""
    text = _plain(text)
    if join_broken_words:
        text = _HYPHEN_BREAK.sub(r"\1\2", text)
    return _SPACE.sub("", text).casefold()


def quote_on_page(page_text: str, quote: str) -> bool:
    """Whether `quote` occurs in `page_text`, ignoring whitespace, case and line-end hyphens."""
    wanted = squash(quote, join_broken_words=False)
    if not wanted:
        return False
    return wanted in squash(page_text) or wanted in squash(page_text, join_broken_words=False)


def tidy_quote(quote: str) -> str:
    """A quote as it is stored and shown: runs of whitespace made one space, ends trimmed."""
    return _SPACE.sub(" ", quote).strip()


@dataclass(frozen=True)
class Evidence:
    """An evaluation's documents and citations (and, when asked for, their pages' text): what the
    flags, the PDF appendix and the GUI read. Documents shared by two vendors appear once per vendor."""

    documents: tuple[Document, ...] = ()
    citations: tuple[Citation, ...] = ()
    pages: tuple[Page, ...] = ()  # empty unless loaded with text

    def documents_of(self, vendor: str) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.vendor == vendor)

    def citations_of(self, vendor: str, question: str | None = None) -> tuple[Citation, ...]:
        return tuple(c for c in self.citations
                     if c.vendor == vendor and (question is None or c.question == question))

    def pages_of(self, document: Document) -> tuple[Page, ...]:
        return tuple(p for p in self.pages if p.document == document.id)

    def expired(self, on: date) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.expired(on))

"""What a vendor's documents say that the red-flag rules care about, quoted with document, page
and excerpt.

The rules take the pages' text as it was extracted when the document was added (never a query
from here), group it once per `Evidence` and remember what each page says, so rescoring after an
answer edit does not read a proposal again (docs/performance.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from app.domain.evidence import Document, Evidence, Page
from app.domain.text import find_phrases, stem, words

# A vague phrase counts in a sentence about delivery ("we go live ASAP"), not anywhere ("reply soon").
DELIVERY_WORDS = (
    "production", "go live", "go-live", "live", "launch", "deliver", "delivery", "timeline", "deploy",
    "deployment", "rollout", "roll out", "kickoff", "kick-off", "milestone", "schedule", "implementation",
    "week", "month", "date",
)
# A capability counts as assumed in a sentence that says the plan or price rests on it.
ASSUMPTION_WORDS = (
    "assume", "assumption", "require", "requirement", "prerequisite", "you will need", "you need",
    "must have", "must provide", "you provide", "client provides", "customer provides", "provided by you",
    "provided by the client", "provided by the customer", "relies on", "rely on", "expects", "in place",
    "on your side",
)
EXCERPT_CHARS = 220
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class VendorDocument:
    """One of a vendor's documents with its pages' text."""

    document: Document
    pages: tuple[Page, ...] = ()


@dataclass(frozen=True)
class Quote:
    """Where a document says a phrase: the lexicon entry, and the sentence it is in (clipped)."""

    document: Document
    page: int
    phrase: str
    excerpt: str

    def evidence(self) -> str:
        """'document “OmniAI proposal.pdf”, page 2: “We go live ASAP …”' (what a flag's evidence lists)."""
        return f"document \u201c{self.document.name}\u201d, page {self.page}: \u201c{self.excerpt}\u201d"


_GROUPED: list[tuple[Evidence, dict[str, tuple[VendorDocument, ...]]]] = []


def documents_by_vendor(evidence: Evidence) -> dict[str, tuple[VendorDocument, ...]]:
    """Vendor name → its documents with their pages; computed once per `Evidence` value."""
    for seen, grouped in _GROUPED:
        if seen is evidence:
            return grouped
    pages: dict[int, list[Page]] = {}
    for p in evidence.pages:
        pages.setdefault(p.document, []).append(p)
    out: dict[str, list[VendorDocument]] = {}
    for d in evidence.documents:
        out.setdefault(d.vendor, []).append(VendorDocument(d, tuple(sorted(pages.get(d.id, []), key=lambda p: p.number))))
    result = {k: tuple(v) for k, v in out.items()}
    _GROUPED[:] = [(evidence, result), *_GROUPED[:3]]
    return result


def _clip(sentence: str, phrase: str) -> str:
    """The sentence, or a window of it around the phrase's first word, with ellipses where cut."""
    if len(sentence) <= EXCERPT_CHARS:
        return sentence
    first = stem((words(phrase) or [""])[0])
    at = 0
    for m in re.finditer(r"\w+", sentence):
        if stem(m.group().casefold()) == first:
            at = m.start()
            break
    start = max(0, min(at - EXCERPT_CHARS // 3, len(sentence) - EXCERPT_CHARS))
    part = sentence[start : start + EXCERPT_CHARS].strip()
    return ("\u2026" if start > 0 else "") + part + ("\u2026" if start + EXCERPT_CHARS < len(sentence) else "")


def sentences(text: str) -> list[str]:
    """The sentences of a page as extracted: lines joined (a PDF wraps mid-sentence), but a short
    line without end punctuation followed by a capital is a heading of its own."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    blocks: list[list[str]] = [[]]
    for i, line in enumerate(lines):
        blocks[-1].append(line)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        heading = len(line) <= HEADING_CHARS and not line.endswith((".", ",", ";", ":", "!", "?", "-")) \
            and following[:1].isupper()
        if heading or line.endswith((".", "!", "?")):
            blocks.append([])
    return [part for block in blocks if block for part in _SENTENCE_END.split(" ".join(block)) if part]


HEADING_CHARS = 60


@lru_cache(maxsize=8192)
def _page_hits(text: str, phrases: tuple[str, ...], context: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(phrase, excerpt) for each phrase found in a sentence of `text` that also holds one of
    `context` (any sentence when `context` is empty). Remembered per page text."""
    out: list[tuple[str, str]] = []
    for sentence in sentences(text):
        ws = words(sentence)
        if not ws:
            continue
        found = find_phrases(ws, phrases)
        if found and (not context or find_phrases(ws, context)):
            out.extend((p, _clip(sentence, p)) for p in found)
    return tuple(out)


def evidence_lines(found: Sequence[Quote], limit: int) -> list[str]:
    """The quotes as a flag's evidence: one line per sentence (a sentence with two phrases once)."""
    return list(dict.fromkeys(q.evidence() for q in found))[:limit]


def quotes(docs: Sequence[VendorDocument], phrases: Sequence[str], context: Sequence[str] = ()) -> list[Quote]:
    """Every place the documents say one of `phrases` (in a sentence with one of `context`)."""
    if not phrases:
        return []
    ph, ctx = tuple(phrases), tuple(context)
    return [Quote(vd.document, page.number, phrase, excerpt)
            for vd in docs for page in vd.pages
            for phrase, excerpt in _page_hits(page.text, ph, ctx)]


def said_in_documents(found: Sequence[Quote]) -> str:
    """'“OmniAI proposal.pdf” says “asap” (page 2) and “we can do anything” (page 1)'."""
    by_doc: dict[str, dict[str, list[int]]] = {}
    for q in found:
        pages = by_doc.setdefault(q.document.name, {}).setdefault(q.phrase, [])
        if q.page not in pages:
            pages.append(q.page)
    parts = []
    for name, phrases in by_doc.items():
        said = [f"\u201c{p}\u201d ({'page' if len(n) == 1 else 'pages'} {', '.join(map(str, n))})"
                for p, n in phrases.items()]
        said_text = said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"
        parts.append(f"\u201c{name}\u201d says {said_text}")
    return "; ".join(parts)

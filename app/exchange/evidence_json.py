"""The `documents` of a vendor in the evaluation exchange file (docs/formats.md, "Bundle").

A document's metadata and its citations travel in the JSON; its bytes travel beside it in a
`.diligence` bundle, named by SHA-256. A plain JSON export leaves documents out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from app.domain.evidence import FORMATS, MAX_DOCUMENT_BYTES, DocumentKind
from app.domain.wording import plural

if TYPE_CHECKING:
    from app.exchange.evaluation_json import _Reader

DOCUMENT_KEYS = dict.fromkeys(["name", "sha256", "format", "size", "pages", "kind", "valid_until", "added_at",
                               "added_by", "citations"])
CITATION_KEYS = dict.fromkeys(["question", "evaluator", "page", "quote", "cited_at", "cited_by"])
_HEX = re.compile(r"[0-9a-f]{64}")
MAX_PAGES = 10_000


@dataclass(frozen=True)
class CitationDoc:
    question: str
    evaluator: str
    page: int
    quote: str
    cited_at: str  # ISO 8601
    cited_by: str


@dataclass(frozen=True)
class DocumentDoc:
    vendor: str
    name: str
    sha256: str
    format: str
    size: int
    pages: int
    kind: DocumentKind
    valid_until: date | None
    added_at: str  # ISO 8601
    added_by: str
    citations: tuple[CitationDoc, ...] = field(default=())


def _moment(value: Any, path: str) -> str:
    from app.exchange.evaluation_json import ExchangeError

    try:
        if not isinstance(value, str):
            raise ValueError
        datetime.fromisoformat(value)
    except ValueError:
        raise ExchangeError(path, f"expected a date and time (2027-01-31T17:00:00+00:00), found {value!r}") from None
    return value


def read_documents(r: _Reader, vendor_item: dict[str, Any], vendor: str, path: str, questions: set[str],
                   evaluators: list[str]) -> list[DocumentDoc]:
    """A vendor's `documents`, every field checked; ExchangeError names the JSON path."""
    from app.exchange.evaluation_json import _MISSING, ExchangeError

    out: list[DocumentDoc] = []
    for i, item in enumerate(r.items(vendor_item, "documents", path)):
        p = f"{path}.documents[{i}]"
        d = r.obj(item, p, DOCUMENT_KEYS)
        name = r.string(d, "name", p, _MISSING).strip()
        if not name:
            raise ExchangeError(f"{p}.name", "a document needs its file name")
        sha = r.string(d, "sha256", p, _MISSING).strip()
        if not _HEX.fullmatch(sha):
            raise ExchangeError(f"{p}.sha256", "expected the 64 lower-case hex digits of a SHA-256")
        if any(o.sha256 == sha for o in out):
            raise ExchangeError(f"{p}.sha256", f"{vendor!r} lists the same document twice")
        fmt = r.string(d, "format", p, _MISSING).strip()
        if fmt not in FORMATS:
            raise ExchangeError(f"{p}.format", f"expected one of {', '.join(FORMATS)}, found {fmt!r}")
        size = r.bounded(d, "size", p, MAX_DOCUMENT_BYTES, "the size", whole=True)
        pages = r.bounded(d, "pages", p, MAX_PAGES, "the pages", whole=True)
        if not size or not pages:
            raise ExchangeError(f"{p}.{'size' if not size else 'pages'}", "must be at least 1")
        kind = r.enum(d, "kind", p, DocumentKind, DocumentKind.OTHER.value)
        citations: list[CitationDoc] = []
        for j, c in enumerate(r.items(d, "citations", p)):
            cp = f"{p}.citations[{j}]"
            cd = r.obj(c, cp, CITATION_KEYS)
            qid = r.string(cd, "question", cp, _MISSING)
            if qid not in questions:
                raise ExchangeError(f"{cp}.question", f"there is no question {qid!r} in the bank")
            evaluator = r.string(cd, "evaluator", cp)
            if evaluator and evaluator not in evaluators:
                raise ExchangeError(f"{cp}.evaluator", f"{evaluator!r} is not listed in evaluation.evaluators")
            page = r.bounded(cd, "page", cp, MAX_PAGES, "the page", whole=True)
            if page is None:
                raise ExchangeError(f"{cp}.page", "missing")
            if not 1 <= page <= pages:
                raise ExchangeError(f"{cp}.page", f"the document has {plural(int(pages), 'page')}; there is no page {page}")
            quote = r.string(cd, "quote", cp).strip()
            if not quote:
                raise ExchangeError(f"{cp}.quote", "a citation needs its quote")
            citations.append(CitationDoc(qid, evaluator, int(page), quote,
                                         _moment(r.get(cd, "cited_at", cp), f"{cp}.cited_at"),
                                         r.string(cd, "cited_by", cp)))
        out.append(DocumentDoc(
            vendor=vendor, name=name, sha256=sha, format=fmt, size=int(size), pages=int(pages), kind=kind,
            valid_until=r.day(d, "valid_until", p),
            added_at=_moment(r.get(d, "added_at", p), f"{p}.added_at"), added_by=r.string(d, "added_by", p),
            citations=tuple(citations)))
    return out


def documents_json(docs: list[DocumentDoc], vendor: str) -> list[dict[str, Any]]:
    return [
        {"name": d.name, "sha256": d.sha256, "format": d.format, "size": d.size, "pages": d.pages,
         "kind": d.kind.value, "valid_until": d.valid_until.isoformat() if d.valid_until else None,
         "added_at": d.added_at, "added_by": d.added_by,
         "citations": [{"question": c.question, "evaluator": c.evaluator, "page": c.page, "quote": c.quote,
                        "cited_at": c.cited_at, "cited_by": c.cited_by} for c in d.citations]}
        for d in docs if d.vendor == vendor
    ]

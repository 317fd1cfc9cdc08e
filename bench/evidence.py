"""Evidence budgets: adding a 300-page PDF (extracted and indexed), and a search across 50 documents.

The PDFs are made with ReportLab at bench time (seeded, so every run makes the same bytes) and
cached under bench/.cache. The words are those of the bundled demo and default bank, so the
index holds real English with a realistic spread of common and rare words.
"""

from __future__ import annotations

import random
import re
import shutil
import time
from pathlib import Path

from bench import generate

EVIDENCE_VERSION = 1
PAGES = 300
DOCUMENTS = 50
PAGES_PER_DOCUMENT = 20
QUERIES = (
    "Which CRM integrations do you support and how are they certified?",
    "kickoff to production timeline weeks",
    "SOC 2 report exceptions period",
    "references in production at companies like ours",
    "pricing assumptions growth",
    "data access security review",
)


def _vocabulary() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(generate.DATA.glob("*.json")))
    text += " ".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(generate.DATA.glob("*.csv")))
    words = re.findall(r"[A-Za-z][a-z]{2,14}", text)
    return sorted(set(words)) or ["delivery", "integration", "production"]


def _pdf(path: Path, pages: int, seed: int) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    if path.exists():
        return path
    rnd = random.Random(seed)
    words = _vocabulary()
    # A Zipf-like spread: a few words are everywhere, most are rare.
    weights = [1.0 / (i + 1) for i in range(len(words))]
    rnd.shuffle(words)
    tmp = path.with_name(path.name + ".part")
    c = canvas.Canvas(str(tmp), pagesize=A4, invariant=True)
    for number in range(1, pages + 1):
        y = 800.0
        c.drawString(60, y, f"Section {number}: proposal details")
        for _ in range(45):
            y -= 16
            c.drawString(60, y, " ".join(rnd.choices(words, weights, k=12)))
        c.showPage()
    c.save()
    tmp.replace(path)
    return path


def fixtures() -> tuple[Path, list[Path]]:
    folder = generate.CACHE / f"evidence-v{EVIDENCE_VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    big = _pdf(folder / "proposal-300-pages.pdf", PAGES, 300)
    small = [_pdf(folder / f"document-{i:02d}.pdf", PAGES_PER_DOCUMENT, 1000 + i) for i in range(DOCUMENTS)]
    return big, small


def measure(work: Path, template: Path, runs: int, search_runs: int) -> dict[str, object]:
    """Seconds per add of the 300-page PDF (each into a state without it), the longest gap
    between progress reports, and seconds per search across 50 documents."""
    from app.services import evaluations, evidence
    from app.store.workspace import open_workspace

    big, small = fixtures()
    target = work / "evidence ws #1"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(template, target)
    ws = open_workspace(target)
    try:
        name = evaluations.list_evaluations(ws)[0].name
        vendors = [v.name for v in evaluations.load_snapshot(ws, name).vendors]
        adds: list[float] = []
        gaps: list[float] = []
        for _ in range(runs):
            stamps: list[float] = []
            t0 = time.perf_counter()
            doc = evidence.add_document(ws, name, vendors[0], big, "proposal",
                                        progress=lambda _f, _m: stamps.append(time.perf_counter()))
            adds.append(time.perf_counter() - t0)
            gaps.append(max(b - a for a, b in zip([t0, *stamps], [*stamps, time.perf_counter()], strict=True)))
            assert doc.pages == PAGES
            evidence.remove_document(ws, doc)
        for path in small:
            evidence.add_document(ws, name, vendors[1], path, "other")
        evidence.add_document(ws, name, vendors[2], big, "proposal")  # other vendors' pages are in the index too
        searches: list[float] = []
        hits = 0
        for i in range(search_runs):
            t0 = time.perf_counter()
            found = evidence.search(ws, name, vendors[1], QUERIES[i % len(QUERIES)], 10)
            searches.append(time.perf_counter() - t0)
            hits += len(found)
        return {"adds": adds, "gaps": gaps, "searches": searches, "hits": hits,
                "pages_indexed": DOCUMENTS * PAGES_PER_DOCUMENT + PAGES}
    finally:
        ws.close()

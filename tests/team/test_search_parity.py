"""Evidence search ranks the same pages in the same order in a folder and on a server.

A folder workspace ranks with SQLite FTS5's BM25; its copy on PostgreSQL computes the same BM25
from the same counts (app/store/evidence.py, migration 0010). A demo workspace gets documents for
two vendors (pages of different lengths, words repeated, punctuation that PostgreSQL's own parser
would keep inside a word: "99.9", "ISO-27001", "e-mail", "vendor's"; accents, which FTS5 takes
off: "café" finds "cafe"), is copied to a server with
`workspace copy`, and every query lists the same pages, in the same order, with the same scores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services import evidence
from app.services.workspace_copy import copy_workspace
from app.store.server import open_server_workspace
from app.store.workspace import open_workspace
from tests.conftest import DEMO_EVALUATION

VENDOR, OTHER = "Signal & Scale Partners", "OmniAI Solutions"
DOCUMENTS = {
    (VENDOR, "security.txt"): [
        "Security. All customer data is encrypted at rest (AES-256) and in transit. Keys rotate every 90 days.",
        "Uptime: 99.9% measured monthly; credits apply below 99.5%. Our ISO-27001 certificate is renewed yearly, "
        "and the SOC 2 report is available under NDA.",
        "Incident response: we notify customers by e-mail within 24 hours. The vendor's security team runs "
        "drills every quarter; security findings are tracked to closure. Security security security.",
    ],
    (VENDOR, "delivery.txt"): [
        "Delivery plan. Kickoff within 8 weeks of signature; a pilot with two pods, then rollout to all teams.",
        "Data: we need read-only access to the CRM and the warehouse. Data quality is checked weekly; "
        "encrypted backups are kept offsite for 30 days.",
        "References: three retail customers in production since 2021, one pilot. Customers can be called.",
        "A short page.",
        "Équipe à Zürich: données chiffrées, café inclus. Naïve questions welcome; the CAFE is open.",
    ],
    (VENDOR, "pricing.txt"): [
        "Pricing: a fixed fee for the pilot, then a monthly subscription per seat. Uptime credits are part of "
        "the contract. " + "Support is included. " * 12,
    ],
    (OTHER, "overview.txt"): [
        "OmniAI overview: security first, data encrypted everywhere, 99.9 percent uptime, ISO 27001 planned.",
        "Customers: pilots only so far. Delivery in 12 weeks.",
    ],
}
QUERIES = [
    "encrypted data",
    "security",
    "uptime 99.9",
    "ISO-27001 certificate",
    "iso",
    "e-mail customers",
    "vendor's security team",
    "pilot customers in production",
    "support included",
    "weeks kickoff delivery",
    "cafe zurich",
    "Café équipe naïve",
    "nothing matches this zebra",
]


def _add_documents(ws: object, folder: Path) -> None:
    for (vendor, name), pages in DOCUMENTS.items():
        path = folder / name
        path.write_text("\f".join(pages), encoding="utf-8")
        evidence.add_document(ws, DEMO_EVALUATION, vendor, path)  # type: ignore[arg-type]


def _results(ws: object) -> dict[str, list[tuple[str, int, float]]]:
    return {q: [(p.document.name, p.page, p.rank) for p in evidence.search(ws, DEMO_EVALUATION, VENDOR, q)]  # type: ignore[arg-type]
            for q in QUERIES}


def test_a_folder_and_its_copy_on_a_server_rank_search_hits_alike(
        demo_path: Path, pg_url: str, tmp_path: Path) -> None:
    folder = open_workspace(demo_path)
    try:
        _add_documents(folder, tmp_path)
        on_folder = _results(folder)
    finally:
        folder.close()
    copy_workspace(demo_path, pg_url)
    server = open_server_workspace(pg_url)
    try:
        on_server = _results(server)
    finally:
        server.close()
    assert on_folder["security"][0][:2] == ("security.txt", 3)  # the page saying it most, first
    assert [q for q, hits in on_folder.items() if len(hits) > 1], "the queries must rank several pages"
    assert on_folder["nothing matches this zebra"] == []
    assert [h[:2] for h in on_folder["cafe zurich"]] == [("delivery.txt", 5)]
    for query in QUERIES:
        assert [h[:2] for h in on_server[query]] == [h[:2] for h in on_folder[query]], query
        assert [h[2] for h in on_server[query]] == pytest.approx([h[2] for h in on_folder[query]], rel=1e-9), query

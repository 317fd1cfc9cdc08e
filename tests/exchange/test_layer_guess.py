"""The layer guessed from a section name when a questionnaire has no layer column. The names are
written here in the style of the CAIQ domains, HECVAT sheets and AI-partner RFPs (no third-party
document is copied)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.exchange.layer_guess import guess_layer
from app.paths import data_dir
from app.services.spreadsheets import read_bank_file
from tests.exchange.builders import write_xlsx

CLOUD_CONTROLS = {  # CAIQ-style control domains
    "Audit & Assurance": "people",
    "Application & Interface Security": "systems",
    "Business Continuity Management and Operational Resilience": "systems",
    "Change Control and Configuration Management": "systems",
    "Cryptography, Encryption & Key Management": "systems",
    "Datacenter Security": "systems",
    "Data Security and Privacy Lifecycle Management": "data",
    "Governance, Risk and Compliance": "people",
    "Human Resources": "people",
    "Identity & Access Management": "systems",
    "Interoperability & Portability": "systems",
    "Infrastructure & Virtualization Security": "systems",
    "Logging and Monitoring": "systems",
    "Security Incident Management, E-Discovery, & Cloud Forensics": "systems",
    "Supply Chain Management, Transparency, and Accountability": "commercial",
    "Threat & Vulnerability Management": "systems",
    "Universal Endpoint Management": "systems",
}
CAMPUS_SHEETS = {  # HECVAT-style sections and sheet names
    "Company Information": "people",
    "Documentation": "people",
    "IT Accessibility": "systems",
    "Assessment of Third Parties": "commercial",
    "Authentication, Authorization, and Account Management": "systems",
    "Business Continuity Plan": "systems",
    "Change Management": "systems",
    "Data": "data",
    "Database": "systems",
    "Data Center": "systems",
    "Disaster Recovery Plan": "systems",
    "Firewalls, IDS, IPS, and Networking": "systems",
    "Policies, Procedures, and Processes": "people",
    "Incident Handling": "systems",
    "Quality Assurance": "systems",
    "Vulnerability Management": "systems",
    "HIPAA": "data",
    "PCI DSS": "data",
    "Privacy": "data",
    "AI Policy": "people",
    "AI Data": "data",
    "AI Model Security": "systems",
    "Machine Learning": "systems",
}
AI_PARTNER_RFP = {
    "Training and change management": "people",
    "Training data provenance": "data",
    "Model training and evaluation": "systems",
    "Security awareness training": "people",
    "Pricing & payment terms": "commercial",
    "Data governance": "data",
    "Something else entirely": "people",  # nothing to go on: the documented default
}


@pytest.mark.parametrize(("section", "layer"), [*CLOUD_CONTROLS.items(), *CAMPUS_SHEETS.items(), *AI_PARTNER_RFP.items()])
def test_a_section_name_suggests_its_layer(section: str, layer: str) -> None:
    assert guess_layer(section) == layer


def test_the_default_banks_own_sections_are_guessed_as_it_files_most_of_their_questions() -> None:
    with (data_dir() / "default_bank.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_section: dict[str, dict[str, int]] = {}
    for r in rows:
        counts = by_section.setdefault(r["section"], {})
        counts[r["layer"]] = counts.get(r["layer"], 0) + 1
    clear = {s: max(c, key=lambda k: c[k]) for s, c in by_section.items() if max(c.values()) * 2 > sum(c.values())}
    assert len(clear) >= 10
    assert {s: guess_layer(s) for s in clear} == clear


def test_an_import_without_a_layer_column_uses_the_guesses_and_names_them(tmp_path: Path) -> None:
    rows = [["Ref", "Domain", "Question"],
            ["CEK-01", "Cryptography, Encryption & Key Management", "Are keys rotated at least yearly?"],
            ["DCS-01", "Datacenter Security", "Is entry to the data halls logged?"],
            ["HRS-01", "Human Resources", "Are staff background-checked?"],
            ["STA-01", "Supply Chain Management, Transparency, and Accountability", "Are suppliers assessed?"]]
    bank, warnings = read_bank_file(write_xlsx(tmp_path / "controls.xlsx", {"Controls": rows}))
    assert [(q.id, q.layer.value) for q in bank.questions] == [
        ("CEK-01", "systems"), ("DCS-01", "systems"), ("HRS-01", "people"), ("STA-01", "commercial")]
    (note,) = [w for w in warnings if "layers guessed" in w]
    assert "Cryptography, Encryption & Key Management → systems" in note

"""Keep the English plural forms of the app's counted strings up to date.

Counted strings are written once, as `self.tr("%n review(s)", "", n)`; Qt picks the form for n
from a translation. English needs one too, or the window says "1 review(s)". This script collects
every such string from app/ui (pyside6-lupdate, plurals only), writes the English forms
("%n review" / "%n reviews", "entry(s)" → "entries") into resources/i18n/diligence_en.ts and
compiles resources/i18n/diligence_en.qm with pyside6-lrelease.

    python scripts/translations.py           # update the .ts and .qm
    python scripts/translations.py --check   # exit 1 when a counted string has no English forms
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "i18n" / "diligence_en.ts"
QM = TS.with_suffix(".qm")
_WORD_S = re.compile(r"(\w+)\(s\)")


def _tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 (make .venv/.installed)")
    return found


def english_forms(source: str) -> tuple[str, str]:
    """("%n entry(s)") → ("%n entry", "%n entries"); every "word(s)" in the text is inflected."""

    def many(m: re.Match[str]) -> str:
        w = m.group(1)
        if w.endswith("y") and len(w) > 1 and w[-2] not in "aeiou":
            return w[:-1] + "ies"
        if w.endswith(("s", "x", "ch", "sh")):
            return w + "es"
        return w + "s"

    return _WORD_S.sub(lambda m: m.group(1), source), _WORD_S.sub(many, source)


def collect(ts: Path) -> None:
    subprocess.run(
        [_tool("pyside6-lupdate"), "-pluralonly", "-no-obsolete", "-locations", "none", "-extensions", "py",
         str(ROOT / "app" / "ui"), "-ts", str(ts), "-target-language", "en"],
        check=True,
        capture_output=True,
    )


def fill(ts: Path) -> list[str]:
    """Write the English forms; returns the sources that have no "(s)" to inflect."""
    tree = ET.parse(ts)
    unclear = []
    for message in tree.iter("message"):
        if message.get("numerus") != "yes":
            continue
        source = message.findtext("source") or ""
        if "(s)" not in source:
            unclear.append(source)
            continue
        translation = message.find("translation")
        assert translation is not None
        translation.attrib.pop("type", None)
        for form, text in zip(translation.findall("numerusform"), english_forms(source), strict=True):
            form.text = text
    ET.indent(tree)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return unclear


def sources(ts: Path) -> set[tuple[str, str]]:
    tree = ET.parse(ts)
    return {
        (ctx.findtext("name") or "", m.findtext("source") or "")
        for ctx in tree.iter("context")
        for m in ctx.iter("message")
        if m.get("numerus") == "yes"
    }


def main(argv: list[str]) -> int:
    if "--check" in argv:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "fresh.ts"
            collect(fresh)
            missing = sources(fresh) - sources(TS)
        for context, source in sorted(missing):
            print(f"{context}: {source!r} has no English plural forms; run python scripts/translations.py")
        return 1 if missing else 0
    collect(TS)
    unclear = fill(TS)
    for source in unclear:
        print(f"write the counted word as 'word(s)': {source!r}", file=sys.stderr)
    subprocess.run([_tool("pyside6-lrelease"), str(TS), "-qm", str(QM)], check=True, capture_output=True)
    print(f"Wrote {TS.relative_to(ROOT)} and {QM.relative_to(ROOT)}")
    return 1 if unclear else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

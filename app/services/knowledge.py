"""The editable word lists and synonyms from `data/`, read once per process."""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from pathlib import Path

from app.domain.flags import Lexicons
from app.domain.text import Synonyms, parse_lexicon
from app.paths import data_dir


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return ""


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    d = data_dir() / "lexicons"
    return Lexicons(
        vague_timeline=parse_lexicon(_read(d / "vague_timeline.txt")),
        generalist_claims=parse_lexicon(_read(d / "generalist_claims.txt")),
        dependency_hedges=parse_lexicon(_read(d / "dependency_hedges.txt")),
        generic_phrases=parse_lexicon(_read(d / "generic_phrases.txt")),
        abstract_nouns=parse_lexicon(_read(d / "abstract_nouns.txt")),
        vague_verbs=parse_lexicon(_read(d / "vague_verbs.txt")),
        other_language_words=parse_lexicon(_read(d / "other_language_words.txt")),
    )


@lru_cache(maxsize=1)
def synonyms() -> Synonyms:
    text = _read(data_dir() / "synonyms.csv")
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        if (row.get("kind") or "").lstrip().startswith("#"):
            continue  # a comment line
        rows.append((row.get("kind") or "", row.get("canonical") or "", row.get("synonyms") or ""))
    return Synonyms.from_rows(rows)

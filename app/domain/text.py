"""Text normalisation and synonym matching shared by the red-flag rules and checks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def norm(text: str) -> str:
    """Case- and whitespace-insensitive form of a label."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip().casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(norm(text).replace("\u2019", "'"))


def contains_phrase(text: str, phrase: str) -> bool:
    """True when `phrase` occurs in `text` on word boundaries, case-insensitively."""
    hay = " " + " ".join(words(text)) + " "
    needle = " ".join(words(phrase))
    return bool(needle) and f" {needle} " in hay


def parse_lexicon(text: str) -> tuple[str, ...]:
    """One entry per line; blank lines and `#` comments ignored."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(norm(line))
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Synonyms:
    """Maps each alternative name of an industry, stage or capability to one canonical name."""

    table: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str]]) -> Synonyms:
        table: dict[str, dict[str, str]] = {}
        for kind, canonical, alternatives in rows:
            k = norm(kind)
            c = norm(canonical)
            if not k or not c:
                continue
            bucket = table.setdefault(k, {})
            bucket[c] = c
            for alt in alternatives.split("|"):
                if norm(alt):
                    bucket[norm(alt)] = c
        return cls(table)

    def canonical(self, kind: str, name: str) -> str:
        n = norm(name)
        return self.table.get(kind, {}).get(n, n)

    def same(self, kind: str, a: str, b: str) -> bool:
        return bool(norm(a)) and self.canonical(kind, a) == self.canonical(kind, b)

    def canonical_set(self, kind: str, names: Iterable[str]) -> set[str]:
        return {self.canonical(kind, n) for n in names if norm(n)}

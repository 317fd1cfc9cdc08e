"""Text normalisation and synonym matching shared by the red-flag rules and checks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

_SPACE = re.compile(r"\s+")
# A word: letters (any script, accents included) or digits, joined by inner hyphens or apostrophes
# ("late-shipment", "patient's", "we've"); "4.0" and "50,000" stay one token.
_WORD = re.compile(r"[^\W_]+(?:(?:[-'][^\W_]+)|(?:[.,]\d+))*")
# Typographic apostrophes and hyphens people paste from word processors.
PLAIN_PUNCTUATION = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})


def norm(text: str) -> str:
    """Case- and whitespace-insensitive form of a label."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip().casefold()


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, with typographic apostrophes and hyphens made plain."""
    return _WORD.findall(unicodedata.normalize("NFKC", norm(text)).translate(PLAIN_PUNCTUATION))


@lru_cache(maxsize=65536)
@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude, deterministic stem so inflections meet: 'transforming', 'transformed' and
    'transform' give one stem, as do 'sprints'/'sprint', 'agreed'/'agree', 'customer's'/'customer'.
    Both sides of every comparison go through it, so it only has to be consistent, not linguistic."""
    w = american_spelling(word)
    for tail in ("'s", "'"):
        if w.endswith(tail):
            w = w[: -len(tail)]
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
    elif w.endswith("es") and len(w) > 4 and w[-3] in "sxzh":
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":  # committ -> commit, plann -> plan
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


_BRITISH = ((re.compile(r"(?<=\w{3})is(e|es|ed|ing|ation|ations)$"), r"iz\1"), (re.compile(r"(?<=\w{3})yse(s|d)?$"), r"yze\1"),
            (re.compile(r"(?<=\w{3})our(s)?$"), r"or\1"), (re.compile(r"(?<=\w{3})tre(s)?$"), r"ter\1"))


@lru_cache(maxsize=65536)
def american_spelling(word: str) -> str:
    """American spelling of a British word form ('prioritising' -> 'prioritizing', 'colour' -> 'color')."""
    for pattern, repl in _BRITISH:
        word = pattern.sub(repl, word)
    return word


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


def find_phrases(text: str | Sequence[str], phrases: Iterable[str]) -> list[str]:
    """The lexicon `phrases` found in `text` on word boundaries, inflections and British or
    American spellings matched ('leveraging AI' finds 'leverage ai'), contained matches dropped
    ('we can do anything' reports itself, not 'can do anything' too)."""
    hay = _haystack(text) if isinstance(text, str) else " " + " ".join(stem(w) for w in text) + " "
    found: dict[str, str] = {}  # stemmed needle -> the first lexicon entry with it
    for p in phrases:
        needle = _needle(p)
        if needle and f" {needle} " in hay:
            found.setdefault(needle, p)
    return [p for n, p in found.items() if not any(n != m and f" {n} " in f" {m} " for m in found)]


# Every answer edit re-runs the red-flag rules on every vendor, each rule looking for dozens of
# phrases in the same few texts: a text is stemmed once, not once per phrase (docs/performance.md).
@lru_cache(maxsize=4096)
def _haystack(text: str) -> str:
    return " " + " ".join(stems(text)) + " "


@lru_cache(maxsize=16384)
def _needle(phrase: str) -> str:
    return " ".join(stems(phrase))


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

    def product_kind(self, name: str) -> str | None:
        """The kind of system a named product is ('hubspot' -> 'crm'), or None for a name that
        is not a listed product (a kind itself, or a product the file does not know)."""
        n = norm(name)
        kind = self.table.get("product", {}).get(n)
        return kind if kind and kind != n else None

    def kind_of(self, name: str) -> str:
        """The kind of system `name` is: its product kind, else its capability's canonical name."""
        return self.product_kind(name) or self.canonical("capability", name)

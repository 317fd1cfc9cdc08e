"""What a person must never read: internal rule ids, rule syntax and "(s)" plurals.

Used by the tests of every surface (CLI output, PDFs, widgets); `--json` output is exempt by contract.
"""

from __future__ import annotations

import re

from app.domain.bank import FIELDS, QuestionType
from app.domain.wording import RULE_TITLES

# Internal ids a person must not read: red-flag rules, answer types, bank columns. (User text may
# hold snake_case words of its own, such as a table name "product_events"; those are not ours.)
_INTERNAL = {
    *RULE_TITLES,
    *(t.value for t in QuestionType if "_" in t.value),
    *(f for f in FIELDS if "_" in f),
}
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_SYNTAX = re.compile(
    r"(?:[<>]=?|=)\s?-?\d+(?:\.\d+)?\s?:\s?\d"  # >=5:5, <2:high is caught by the next one
    r"|[<>]=?\s?\d+(?:\.\d+)?\s?:\s?(?:critical|high|medium|low)"
    r"|\belse\s?:\s?\d"
    r"|\(rule\b"
    r"|\bcontains="
)
_LAZY_PLURAL = re.compile(r"\w\(s\)")
_WRONG_ONE = re.compile(r"(?<![\d.,])1 (?:reviews|pages|flags|red flags|questions|vendors|answers|evaluators|days|months)\b")


def jargon(text: str, allow: tuple[str, ...] = ()) -> list[str]:
    """Every piece of internal wording in `text` (empty when it reads plainly)."""
    found = [m.group(0) for m in _SNAKE.finditer(text) if m.group(0) in _INTERNAL and m.group(0) not in allow]
    found += [m.group(0) for m in re.finditer(r"\bquestion:[A-Za-z0-9_-]+", text)]
    found += [m.group(0) for m in _SYNTAX.finditer(text) if m.group(0) not in allow]
    found += [m.group(0) for m in _LAZY_PLURAL.finditer(text)]
    found += [m.group(0) for m in _WRONG_ONE.finditer(text)]
    return found

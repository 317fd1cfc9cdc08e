"""What an English word can be (noun, verb, adjective …) and its dictionary forms.

The word list is the one the lemminflect package ships (about 300 000 English word forms, British
and American spellings); nothing is downloaded. It is loaded on first use (about half a second),
never at import, so start-up and commands that never judge a title do not pay for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from app.domain.text import american_spelling

_lock = threading.Lock()
_lookup: Callable[[str], dict[str, Any]] | None = None


def load() -> None:
    """Load the word list now (the app does it on a worker thread at start-up); idempotent and
    thread-safe, so a check that comes first simply waits for the one load in progress."""
    global _lookup
    with _lock:
        if _lookup is None:
            import lemminflect  # lazily, on purpose (see the module docstring)

            lemminflect.getAllLemmas("load")  # reads the list once
            _lookup = lemminflect.getAllLemmas


@lru_cache(maxsize=8192)
def readings(word: str) -> dict[str, tuple[str, ...]]:
    """The parts of speech `word` (lower case) can be, each with its dictionary forms:
    'grading' -> {'NOUN': ('grading',), 'VERB': ('grade',)}; {} for a word the list lacks."""
    if _lookup is None:
        load()
    assert _lookup is not None
    found = _lookup(word)
    if not found and (american := american_spelling(word)) != word:
        found = _lookup(american)
    return {pos: tuple(lemmas) for pos, lemmas in found.items()}


def is_word(word: str) -> bool:
    return bool(readings(word))

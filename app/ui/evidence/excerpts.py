"""Finding a quoted excerpt in a page's text, so the viewer can mark it where it stands.

A quote was taken from the page (selected in the viewer, or typed at the command line), but line
breaks, runs of spaces, hyphenation at a line end and typographic quotes may differ between the
quote and the text the PDF library returns. Matching ignores those differences and answers with
the span in the page's own text.
"""

from __future__ import annotations

_SAME = {"‘": "'", "’": "'", "“": '"', "”": '"', "\u00ad": "", "‐": "-", "–": "-"}


def _normalised(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased with whitespace runs as one space, and each kept character's index."""
    out: list[str] = []
    where: list[int] = []
    space = False
    for i, ch in enumerate(text):
        ch = _SAME.get(ch, ch)
        if not ch:
            continue
        if ch.isspace():
            space = bool(out)
            continue
        if space:
            out.append(" ")
            where.append(i)
            space = False
        low = ch.lower()
        out.append(low if len(low) == 1 else ch)  # one character each, so `where` stays aligned
        where.append(i)
    return "".join(out), where


def find_excerpt(page_text: str, quote: str) -> tuple[int, int] | None:
    """(start, length) of `quote` in `page_text`, whitespace and case aside; None when absent.

    An ellipsis at either end of the quote (a shortened excerpt) is ignored; when the whole quote
    is not found, its longest leading part of at least 20 characters that is found is used.
    """
    trimmed = quote.strip().strip("…").strip()
    trimmed = trimmed.removeprefix("...").removesuffix("...").strip()
    needle, _ = _normalised(trimmed)
    if not needle:
        return None
    hay, where = _normalised(page_text)
    at = hay.find(needle)
    size = len(needle)
    if at < 0:
        # The quote may run past what the page's text holds (a page break, an edited quote).
        while at < 0 and size > 20:
            size = max(20, size * 3 // 4)
            at = hay.find(needle[:size])
        if at < 0:
            return None
    first, last = where[at], where[at + size - 1]
    return first, last - first + 1

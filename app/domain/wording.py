"""How rules and counts are said to a person: plurals, red-flag names, and scoring rules in words.

The bank stores its rules in a compact syntax (`>=5:5; >=3:4; else:0`, `<2:high:…`) and the flags
carry rule ids (`no_relevant_references`); neither is for reading. Every surface (the app, the CLI's
human output, the PDFs) says them with these functions, so they say them the same way.
"""

from __future__ import annotations

import math

from app.domain.bank import (
    FlagRule,
    NumberRule,
    NumberScoring,
    Question,
    QuestionType,
    format_number,
)

# What each built-in rule is called where a person reads it. The ids stay in `--json` and files.
RULE_TITLES: dict[str, str] = {
    "no_relevant_references": "No relevant references",
    "vague_timeline": "Vague timeline",
    "infrastructure_mismatch": "Assumes infrastructure we lack",
    "generalist": "Generalist",
    "no_production_track_record": "No production track record",
    "metrics_off_track": "Metrics off track",
    "milestones_missed": "Milestones missed",
    "value_not_materializing": "Value not materialising",
    "review_overrun": "Review overrun",
    "cost_overrun": "Cost overrun",
    "decision_overdue": "Decision overdue",
    "evidence_expired": "Evidence expired",
    "reference_contradicts": "Reference contradicts a claim",
}


# The answer types as a person names them (bank editor, questionnaires).
TYPE_WORDS: dict[QuestionType, str] = {
    QuestionType.YES_NO: "yes / no",
    QuestionType.SCALE: "scale 0–5",
    QuestionType.NUMBER: "number",
    QuestionType.CHOICE: "choice",
    QuestionType.TEXT: "text",
}


def plural(n: int, one: str, many: str | None = None) -> str:
    """A count with its noun: `1 review`, `2 reviews`, `0 reviews` (`many` for irregular nouns)."""
    word = one if n == 1 else (many if many is not None else one + "s")
    return f"{n:,} {word}"


def rule_title(rule: str) -> str:
    """The name of a red-flag rule in words: never the snake_case id."""
    if rule in RULE_TITLES:
        return RULE_TITLES[rule]
    head, sep, qid = rule.partition(":")
    if sep and head == "question":
        return f"Answer to question {qid}"
    return rule.replace("_", " ").strip().capitalize() or rule


def num(value: float) -> str:
    """A threshold or a point value as a person writes it: 3, 2.5, 0.25."""
    return format_number(round(value, 6))


def _points(value: float) -> str:
    return f"{num(value)} point" if value == 1 else f"{num(value)} points"


def points_of_5(value: float) -> str:
    """A choice's worth: "5 of 5 points", "1 of 5 points"."""
    return f"{num(value)} of 5 points"


_OP_WORDS = {
    ">=": "{t} or more",
    ">": "more than {t}",
    "<=": "{t} or less",
    "<": "less than {t}",
    "=": "exactly {t}",
}


def condition_words(op: str, threshold: float) -> str:
    """`>=5` → "5 or more"; `<2` → "less than 2"."""
    return _OP_WORDS[op].format(t=num(threshold))


def _range(lo: float, lo_in: bool, hi: float, hi_in: bool) -> str:
    a, b = num(lo), num(hi)
    if lo_in and hi_in:
        return f"{a} to {b}"
    if lo_in:
        return f"{a} to under {b}"
    if hi_in:
        return f"more than {a} up to {b}"
    return f"more than {a} and under {b}"


def _band(rule: NumberRule, earlier: list[NumberRule]) -> str:
    """What a rule covers once the rules before it have taken their share (first match wins)."""
    up = rule.op in (">=", ">")
    down = rule.op in ("<=", "<")
    if not earlier or not (up or down) or any((r.op in (">=", ">")) != up or r.op == "=" for r in earlier):
        return condition_words(rule.op, rule.threshold)
    if up:
        # Earlier "at least" rules took everything from their threshold upwards (">=" at a tie).
        bound = min(earlier, key=lambda r: (r.threshold, r.op == ">"))
        if bound.threshold == rule.threshold and bound.op == ">" and rule.op == ">=":
            return f"exactly {num(rule.threshold)}"
        if bound.threshold <= rule.threshold:
            return condition_words(rule.op, rule.threshold)
        return _range(rule.threshold, rule.op == ">=", bound.threshold, bound.op == ">")
    # Earlier "at most" rules took everything from their threshold downwards ("<=" at a tie).
    bound = max(earlier, key=lambda r: (r.threshold, r.op == "<="))
    if bound.threshold == rule.threshold and bound.op == "<" and rule.op == "<=":
        return f"exactly {num(rule.threshold)}"
    if bound.threshold >= rule.threshold:
        return condition_words(rule.op, rule.threshold)
    return _range(bound.threshold, bound.op == "<", rule.threshold, rule.op == "<=")


def number_scoring_words(scoring: NumberScoring) -> str:
    """`>=5:5; >=3:4; else:0` → "5 points for 5 or more, 4 points for 3 to under 5, 0 points otherwise"."""
    parts: list[str] = []
    earlier: list[NumberRule] = []
    for rule in scoring.rules:
        parts.append(f"{_points(rule.points)} for {_band(rule, earlier)}")
        earlier.append(rule)
    parts.append(f"{_points(scoring.otherwise)} otherwise" if parts else f"always {_points(scoring.otherwise)}")
    return ", ".join(parts)


def scoring_words(q: Question) -> str:
    """How an answer to `q` earns its points (of 5), in one plain sentence."""
    if q.type is QuestionType.NUMBER and q.number_scoring is not None:
        return number_scoring_words(q.number_scoring).capitalize() + "."
    if q.type is QuestionType.YES_NO:
        return "“No” earns 5 points, “yes” 0." if q.inverted else "“Yes” earns 5 points, “no” 0."
    if q.type is QuestionType.SCALE:
        return "The answer, a whole number from 0 to 5, is the points."
    if q.type is QuestionType.CHOICE:
        return "; ".join(f"“{label}” earns {_points(p)}" for label, p in q.choices) + "."
    return "Free text is never scored."


def knockout_words(minimum: float) -> str:
    """The knockout rule of a question with minimum `minimum` on the 0–5 scale."""
    return f"a score below {num(minimum)} of 5, or no answer, knocks the vendor out"


def flag_rule_words(flag: FlagRule) -> str:
    """When a question's own red flag is raised: "when the score is less than 2 of 5"."""
    if flag.phrases:
        quoted = " or ".join(f"“{p}”" for p in flag.phrases)
        return f"a {flag.severity.value} red flag when the answer mentions {quoted}"
    return f"a {flag.severity.value} red flag when the score is {condition_words(flag.op, flag.threshold)} of 5"


def share_words(value: float | None) -> str:
    """A share as a whole percentage that never claims more certainty than it has: 0.1 → "10 %",
    0.9996 → ">99 %" (not "100 %"), 0.0004 → "<1 %"."""
    if value is None or not math.isfinite(value):
        return "—"
    if 0 < value < 0.005:
        return "<1 %"
    if 0.995 < value < 1:
        return ">99 %"
    return f"{100 * value:.0f} %"


def options_words(q: Question) -> str:
    """A choice's options with their points, or a scale's rubric, in words."""
    if q.type is QuestionType.CHOICE:
        return "; ".join(f"{label}: {points_of_5(p)}" for label, p in q.choices)
    if q.type is QuestionType.SCALE and q.rubric:
        return "; ".join(f"{level} = {meaning}" for level, meaning in sorted(q.rubric.items()))
    return q.options


def flag_words(q: Question) -> str:
    """A question's own red flag in words, with its message: "a high red flag when …: Weak rollback"."""
    if q.flag is None:
        return ""
    return f"{flag_rule_words(q.flag).capitalize()}: {q.flag.message}"

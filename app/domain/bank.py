"""Question banks: the five answer types, their scoring grammars, validation and versions.

A bank version is immutable; its identity is the SHA-256 of its canonical content, so an
evaluation can prove which questions and weights it was scored with.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from app.domain.errors import AnswerError, BankError
from app.domain.models import Layer, Severity
from app.domain.text import find_phrases, norm

FIELDS: tuple[str, ...] = (
    "id",
    "section",
    "layer",
    "question",
    "type",
    "weight",
    "guidance",
    "options",
    "scoring",
    "knockout_min",
    "flag_rule",
    "allow_na",
)

NA_VALUES = frozenset({"n/a", "na", "n.a.", "not applicable"})
YES_VALUES = frozenset({"yes", "y", "true"})
NO_VALUES = frozenset({"no", "n", "false"})


class QuestionType(StrEnum):
    YES_NO = "yes_no"
    SCALE = "scale"
    NUMBER = "number"
    CHOICE = "choice"
    TEXT = "text"


_OPS = ("<=", ">=", "<", ">", "=")


def _compare(op: str, left: float, right: float) -> bool:
    if op == "<=":
        return left <= right
    if op == ">=":
        return left >= right
    if op == "<":
        return left < right
    if op == ">":
        return left > right
    return math.isclose(left, right, abs_tol=1e-9)


MAX_WEIGHT = 1_000_000.0  # per question; sums and products of scores stay finite (issue #19)


def _number(text: str) -> float:
    value = float(text.strip().replace("\u2212", "-"))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def format_number(value: float) -> str:
    """Shortest faithful text for a number: 3 not 3.0, 2.5 stays 2.5."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


@dataclass(frozen=True)
class NumberRule:
    op: str
    threshold: float
    points: float


@dataclass(frozen=True)
class NumberScoring:
    rules: tuple[NumberRule, ...]
    otherwise: float = 0.0

    def points(self, value: float) -> float:
        for rule in self.rules:
            if _compare(rule.op, value, rule.threshold):
                return rule.points
        return self.otherwise


def _points(text: str) -> float:
    value = _number(text)
    if not 0 <= value <= 5:
        raise ValueError("points must be between 0 and 5")
    return value


def parse_number_scoring(text: str) -> NumberScoring:
    """Parse `>=10:5; >=5:4; else:0`; raises ValueError naming the faulty part."""
    rules: list[NumberRule] = []
    otherwise: float | None = None
    parts = [p.strip() for p in text.split(";") if p.strip()]
    if not parts:
        raise ValueError("a number question needs scoring rules such as '>=10:5; >=5:3; else:0'")
    for part in parts:
        if ":" not in part:
            raise ValueError(f"rule {part!r} needs the form '>=10:5'")
        cond, pts = (s.strip() for s in part.rsplit(":", 1))
        try:
            points = _points(pts)
        except ValueError:
            raise ValueError(f"rule {part!r}: points must be a number from 0 to 5") from None
        if cond.lower() == "else":
            if otherwise is not None:
                raise ValueError("more than one 'else' rule")
            otherwise = points
            continue
        if otherwise is not None:
            raise ValueError(f"rule {part!r} comes after 'else' and can never match")
        op = next((o for o in _OPS if cond.startswith(o)), None)
        if op is None:
            raise ValueError(f"rule {part!r} must start with one of <= >= < > =")
        try:
            threshold = _number(cond[len(op) :])
        except ValueError:
            raise ValueError(f"rule {part!r}: {cond[len(op):].strip()!r} is not a number") from None
        rules.append(NumberRule(op, threshold, points))
    return NumberScoring(tuple(rules), 0.0 if otherwise is None else otherwise)


def parse_choice_options(text: str) -> tuple[tuple[str, float], ...]:
    """Parse `Label=points|Label=points`."""
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    for part in (p.strip() for p in text.split("|")):
        if not part:
            continue
        if "=" not in part:
            raise ValueError(f"option {part!r} needs the form 'Label=points'")
        label, pts = (s.strip() for s in part.rsplit("=", 1))
        if not label:
            raise ValueError(f"option {part!r} has no label")
        try:
            points = _points(pts)
        except ValueError:
            raise ValueError(f"option {part!r}: points must be a number from 0 to 5") from None
        if norm(label) in seen:
            raise ValueError(f"option {label!r} appears twice")
        seen.add(norm(label))
        out.append((label, points))
    if not out:
        raise ValueError("a choice question needs options such as 'Yes, in production=5|Pilot only=2'")
    return tuple(out)


def parse_rubric(text: str) -> dict[int, str]:
    """Parse a 0–5 rubric `0=…|1=…|…|5=…` (levels may be omitted)."""
    rubric: dict[int, str] = {}
    for part in (p.strip() for p in text.split("|")):
        if not part:
            continue
        level, sep, meaning = part.partition("=")
        if not sep or level.strip() not in {"0", "1", "2", "3", "4", "5"}:
            raise ValueError(f"rubric entry {part!r} needs the form '3=meaning' with a level 0 to 5")
        key = int(level.strip())
        if key in rubric:
            raise ValueError(f"rubric level {key} appears twice")
        rubric[key] = meaning.strip()
    return rubric


@dataclass(frozen=True)
class FlagRule:
    """A question's own red flag: a comparison on the 0–5 score, or phrases in a text answer."""

    severity: Severity
    message: str
    op: str = ""
    threshold: float = 0.0
    phrases: tuple[str, ...] = ()

    def fires_on_score(self, score5: float) -> bool:
        return bool(self.op) and _compare(self.op, score5, self.threshold)

    def fires_on_text(self, text: str) -> str | None:
        """The first phrase found in `text` as words, not as a substring: any inflection,
        British or American spelling, typographic apostrophes ('customer’s') and case."""
        return _first_phrase(text, self.phrases)


# The same few texts meet the same rule for every vendor and evaluator (thousands of times when
# a large evaluation opens): each pair is searched once.
@lru_cache(maxsize=16384)
def _first_phrase(text: str, phrases: tuple[str, ...]) -> str | None:
    found = find_phrases(text, phrases)
    return found[0] if found else None


def parse_flag_rule(text: str) -> FlagRule:
    parts = text.split(":", 2)
    if len(parts) != 3:
        raise ValueError("a flag rule has the form '<2:high:Message' or 'contains=phrase:high:Message'")
    cond, sev, message = (p.strip() for p in parts)
    try:
        severity = Severity(sev.lower())
    except ValueError:
        raise ValueError(f"severity {sev!r} must be critical, high or medium") from None
    if not message:
        raise ValueError("a flag rule needs a message")
    if cond.lower().startswith("contains="):
        phrases = tuple(norm(p) for p in cond[len("contains=") :].split("|") if norm(p))
        if not phrases:
            raise ValueError("'contains=' needs at least one phrase")
        return FlagRule(severity, message, phrases=phrases)
    op = next((o for o in _OPS if cond.startswith(o)), None)
    if op is None:
        raise ValueError(f"condition {cond!r} must start with one of <= >= < > = or 'contains='")
    try:
        threshold = _number(cond[len(op) :])
    except ValueError:
        raise ValueError(f"condition {cond!r}: {cond[len(op):].strip()!r} is not a number") from None
    return FlagRule(severity, message, op=op, threshold=threshold)


def parse_bool(text: str | bool | None) -> bool:
    if isinstance(text, bool):
        return text
    t = norm(text or "")
    if t in {"", "no", "n", "false", "0"}:
        return False
    if t in {"yes", "y", "true", "1"}:
        return True
    raise ValueError(f"{text!r} is not yes or no")


@dataclass(frozen=True)
class Reading:
    """What an answer value means for its question."""

    kind: str  # "score" | "na" | "text" | "empty"
    score: float | None = None  # 0..1 for kind == "score"
    value: str = ""  # the normalised value to store


EMPTY = Reading("empty")


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    layer: Layer
    question: str
    type: QuestionType
    weight: float = 1.0
    guidance: str = ""
    options: str = ""
    scoring: str = ""
    knockout_min: float | None = None
    flag_rule: str = ""
    allow_na: bool = False
    # Parsed forms, filled by `make_question`.
    number_scoring: NumberScoring | None = field(default=None, compare=False, repr=False)
    choices: tuple[tuple[str, float], ...] = field(default=(), compare=False, repr=False)
    rubric: dict[int, str] = field(default_factory=dict, compare=False, repr=False)
    flag: FlagRule | None = field(default=None, compare=False, repr=False)

    @property
    def scored(self) -> bool:
        return self.type is not QuestionType.TEXT and self.weight > 0

    @property
    def inverted(self) -> bool:
        return self.type is QuestionType.YES_NO and norm(self.scoring) == "invert"

    def allowed_answers(self) -> list[str]:
        """The values a person may type, for dropdowns and instructions."""
        extra = ["n/a"] if self.allow_na else []
        if self.type is QuestionType.YES_NO:
            return ["yes", "no", *extra]
        if self.type is QuestionType.SCALE:
            return [str(i) for i in range(6)] + extra
        if self.type is QuestionType.CHOICE:
            return [label for label, _ in self.choices] + extra
        return extra

    def read(self, value: object) -> Reading:
        """Interpret an answer; raises AnswerError when the type does not accept it."""
        if value is None:
            return EMPTY
        if isinstance(value, bool):
            raw = "yes" if value else "no"
        elif isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                raise AnswerError(self.id, value, f"{value!r} is not a number")
            raw = format_number(float(value))
        else:
            raw = str(value)
        text = raw.strip()
        if not text:
            return EMPTY
        if self.type is QuestionType.TEXT:
            return Reading("text", None, raw)
        low = norm(text)
        if low in NA_VALUES:
            if not self.allow_na:
                raise AnswerError(self.id, value, "n/a is not allowed for this question")
            return Reading("na", None, "n/a")
        if self.type is QuestionType.YES_NO:
            if low in YES_VALUES:
                s = 1.0
            elif low in NO_VALUES:
                s = 0.0
            else:
                raise AnswerError(self.id, value, f"{text!r} is not yes or no")
            if self.inverted:
                s = 1.0 - s
            return Reading("score", s, "yes" if low in YES_VALUES else "no")
        if self.type is QuestionType.SCALE:
            try:
                number = _number(text)
            except ValueError:
                raise AnswerError(self.id, value, f"{text!r} is not a whole number from 0 to 5") from None
            if not number.is_integer() or not 0 <= number <= 5:
                raise AnswerError(self.id, value, f"{text!r} is not a whole number from 0 to 5")
            return Reading("score", number / 5.0, str(int(number)))
        if self.type is QuestionType.NUMBER:
            try:
                number = _number(text.replace(",", "") if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text) else text)
            except ValueError:
                raise AnswerError(self.id, value, f"{text!r} is not a number") from None
            assert self.number_scoring is not None
            return Reading("score", self.number_scoring.points(number) / 5.0, format_number(number))
        # choice
        for label, points in self.choices:
            if norm(label) == low:
                return Reading("score", points / 5.0, label)
        allowed = ", ".join(label for label, _ in self.choices)
        raise AnswerError(self.id, value, f"{text!r} is not one of the options ({allowed})")

    def as_row(self) -> dict[str, str]:
        """The question as the text cells of a bank file row."""
        return {
            "id": self.id,
            "section": self.section,
            "layer": self.layer.value,
            "question": self.question,
            "type": self.type.value,
            "weight": format_number(self.weight),
            "guidance": self.guidance,
            "options": self.options,
            "scoring": self.scoring,
            "knockout_min": "" if self.knockout_min is None else format_number(self.knockout_min),
            "flag_rule": self.flag_rule,
            "allow_na": "yes" if self.allow_na else "",
        }


def _cell(row: Mapping[str, object], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return format_number(value)
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


def make_question(row: Mapping[str, object]) -> Question:
    """Build and validate one question from a row of text (or typed) cells.

    Raises BankError naming the question and the field at fault.
    """
    qid = _cell(row, "id")
    if not qid:
        raise BankError("?", "id", "every question needs an id")

    def fail(fieldname: str, message: str) -> BankError:
        return BankError(qid, fieldname, message)

    section = _cell(row, "section")
    if not section:
        raise fail("section", "a question needs a section")
    try:
        layer = Layer(norm(_cell(row, "layer")))
    except ValueError:
        raise fail("layer", f"{_cell(row, 'layer')!r} is not one of data, systems, people, commercial") from None
    text = _cell(row, "question")
    if not text:
        raise fail("question", "the question text is empty")
    type_text = norm(_cell(row, "type")).replace("-", "_").replace(" ", "_")
    if type_text in {"yesno", "boolean", "bool"}:
        type_text = "yes_no"
    try:
        qtype = QuestionType(type_text)
    except ValueError:
        raise fail("type", f"{_cell(row, 'type')!r} is not one of yes_no, scale, number, choice, text") from None
    weight_text = _cell(row, "weight")
    try:
        weight = _number(weight_text) if weight_text else (0.0 if qtype is QuestionType.TEXT else 1.0)
    except ValueError:
        raise fail("weight", f"{weight_text!r} is not a number") from None
    if weight < 0:
        raise fail("weight", f"{weight_text} is negative; weights must be 0 or more")
    if weight > MAX_WEIGHT:
        # Larger weights overflow the totals to infinity and NaN (a "winner" scored nan).
        raise fail("weight", f"{weight_text} is too large; weights must be at most {MAX_WEIGHT:,.0f}")
    if qtype is QuestionType.TEXT and weight != 0:
        raise fail("weight", "a text question is never scored, so its weight must be 0")
    options = _cell(row, "options")
    scoring = _cell(row, "scoring")
    number_scoring: NumberScoring | None = None
    choices: tuple[tuple[str, float], ...] = ()
    rubric: dict[int, str] = {}
    try:
        if qtype is QuestionType.CHOICE:
            choices = parse_choice_options(options)
        elif qtype is QuestionType.SCALE and options:
            rubric = parse_rubric(options)
    except ValueError as exc:
        raise fail("options", str(exc)) from None
    try:
        if qtype is QuestionType.NUMBER:
            number_scoring = parse_number_scoring(scoring)
        elif qtype is QuestionType.YES_NO:
            if scoring and norm(scoring) != "invert":
                raise ValueError(f"{scoring!r}: a yes/no question accepts only 'invert' or nothing")
        elif scoring:
            raise ValueError(f"{scoring!r}: only number and yes/no questions take scoring rules")
    except ValueError as exc:
        raise fail("scoring", str(exc)) from None
    knock_text = _cell(row, "knockout_min")
    knockout: float | None = None
    if knock_text:
        try:
            knockout = _number(knock_text)
        except ValueError:
            raise fail("knockout_min", f"{knock_text!r} is not a number") from None
        if not 0 <= knockout <= 5:
            raise fail("knockout_min", f"{knock_text} is outside the 0–5 scale")
        if qtype is QuestionType.TEXT:
            raise fail("knockout_min", "a text question is never scored, so it cannot knock a vendor out")
    flag_text = _cell(row, "flag_rule")
    flag: FlagRule | None = None
    if flag_text:
        try:
            flag = parse_flag_rule(flag_text)
        except ValueError as exc:
            raise fail("flag_rule", f"{flag_text!r}: {exc}") from None
        if flag.phrases and qtype is not QuestionType.TEXT:
            raise fail("flag_rule", "'contains=' rules apply to text questions only")
        if flag.op and qtype is QuestionType.TEXT:
            raise fail("flag_rule", "a text question has no score to compare; use 'contains=phrase'")
    try:
        allow_na = parse_bool(_cell(row, "allow_na"))
    except ValueError as exc:
        raise fail("allow_na", str(exc)) from None
    return Question(
        id=qid,
        section=section,
        layer=layer,
        question=text,
        type=qtype,
        weight=weight,
        guidance=_cell(row, "guidance"),
        options=options,
        scoring=scoring,
        knockout_min=knockout,
        flag_rule=flag_text,
        allow_na=allow_na,
        number_scoring=number_scoring,
        choices=choices,
        rubric=rubric,
        flag=flag,
    )


@dataclass(frozen=True)
class Bank:
    """One immutable version of a question bank."""

    name: str
    questions: tuple[Question, ...]
    version: int = 1
    # `question(id)` is asked once per distinct answer when an evaluation opens (thousands of
    # times for a large one): a dictionary, not a walk over the questions.
    _by_id: dict[str, Question] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for q in self.questions:
            key = q.id.casefold()
            if key in seen:
                raise BankError(q.id, "id", "this id is used by more than one question")
            seen.add(key)
        object.__setattr__(self, "_by_id", {q.id: q for q in self.questions})

    @classmethod
    def from_rows(cls, name: str, rows: Iterable[Mapping[str, object]], version: int = 1) -> Bank:
        return cls(name, tuple(make_question(r) for r in rows), version)

    def rows(self) -> list[dict[str, str]]:
        return [q.as_row() for q in self.questions]

    @property
    def hash(self) -> str:
        return content_hash(self.questions)

    def question(self, qid: str) -> Question:
        return self._by_id[qid]  # KeyError for an unknown id

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(q.section for q in self.questions))

    def section_weights(self) -> dict[str, float]:
        out = dict.fromkeys(self.sections, 0.0)
        for q in self.questions:
            if q.scored:
                out[q.section] += q.weight
        return out

    def with_section_weights(self, factors: dict[str, float]) -> Bank:
        """A what-if copy whose question weights are scaled per section (not saved)."""
        qs = []
        for q in self.questions:
            f = factors.get(q.section, 1.0)
            qs.append(_replace_weight(q, q.weight * f) if q.scored else q)
        return Bank(self.name, tuple(qs), self.version)


def _replace_weight(q: Question, weight: float) -> Question:
    from dataclasses import replace

    return replace(q, weight=weight)


def content_hash(questions: Sequence[Question]) -> str:
    """SHA-256 of the canonical JSON of the ordered question rows."""
    canonical = json.dumps(
        [q.as_row() for q in questions], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FieldChange:
    """One field of one question, before and after (the bank file's text for both)."""

    qid: str
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class BankDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[tuple[str, tuple[str, ...]], ...]  # (id, fields changed)
    changes: tuple[FieldChange, ...] = ()  # every changed field with its old and new text

    def changes_of(self, qid: str) -> list[FieldChange]:
        return [c for c in self.changes if c.qid == qid]


def diff_banks(old: Bank, new: Bank) -> BankDiff:
    o = {q.id: q.as_row() for q in old.questions}
    n = {q.id: q.as_row() for q in new.questions}
    changed = []
    changes: list[FieldChange] = []
    for qid in n:
        if qid in o:
            fields = tuple(f for f in FIELDS if o[qid][f] != n[qid][f])
            if fields:
                changed.append((qid, fields))
                changes += [FieldChange(qid, f, o[qid][f], n[qid][f]) for f in fields]
    return BankDiff(
        added=tuple(q for q in n if q not in o),
        removed=tuple(q for q in o if q not in n),
        changed=tuple(changed),
        changes=tuple(changes),
    )

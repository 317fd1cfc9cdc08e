"""The specificity check: is a use case a concrete decision, or a slogan?

It judges the *shape* of a title, not its vocabulary. A specific title has
- an action: a verb that does something (predict, flag, route, draft, grade …), as an imperative
  ("Flag …"), a gerund ("Grading …"), an infinitive ("… to detect …") or a noun made from it
  ("no-show prediction");
- countable things it acts on: a plural ("invoices", "SDRs", "patients'"), or a noun counted by
  "each", "every", "per", "which", a number or a possessive ("each patient's");
- at least one detail: for whom or by whom, a scope, a cadence, a threshold or a number
  ("for the dispatch team", "on line 2", "every Monday", "above £10,000", "which … first").
Parts of speech come from the English word list in `app.domain.english`, so any industry's nouns
and verbs work. Word lists stay only for what is finite (`data/lexicons/`): buzzwords and slogan
phrases, abstract nouns, vague verbs, and common words of other languages.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.english import readings
from app.domain.flags import Lexicons
from app.domain.models import Access, UseCase
from app.domain.text import PLAIN_PUNCTUATION, american_spelling, find_phrases, stem, stems


class Verdict(StrEnum):
    SPECIFIC = "specific"
    NEEDS_WORK = "needs work"
    SLOGAN = "slogan"
    NOT_JUDGED = "not judged"  # a title in a language the check cannot read yet


@dataclass(frozen=True)
class SpecificityResult:
    verdict: Verdict
    score: int
    reasons: tuple[str, ...]


GOOD_EXAMPLE = "Prioritizing which inbound leads our SDRs should call first"
BAD_EXAMPLE = "Implementing AI across the organization"

# Closed word classes of English grammar (not vocabulary: they do not grow with industries).
_DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "our", "their", "its", "his", "her", "my",
                "your", "each", "every", "any", "some", "all", "no", "which", "whose", "what", "both", "per"}
_COUNTING = {"a", "an", "each", "every", "per", "which", "whose", "these", "those", "both", "one"}
_PREPOSITIONS = {"of", "for", "to", "in", "on", "at", "by", "with", "from", "into", "onto", "against", "across",
                 "about", "as", "per", "before", "after", "within", "without", "during", "under", "over",
                 "above", "below", "between", "among", "along", "through", "via", "until", "toward",
                 "towards", "off", "beyond", "near", "around", "using", "like", "than", "out"}
_PRONOUNS = {"we", "they", "it", "you", "i", "he", "she", "them", "us", "me", "him", "who", "whom", "there",
             "here", "everyone", "everybody", "anyone", "someone"}
_CONJUNCTIONS = {"and", "or", "but", "nor", "so", "if", "then", "while", "when", "where", "whether", "how",
                 "why", "because", "although", "once", "whenever", "wherever", "than", "that", "as"}
_AUXILIARIES = {"is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "has", "have",
                "had", "will", "would", "should", "can", "could", "may", "might", "must", "shall"}
_MODALS = {"will", "would", "should", "can", "could", "may", "might", "must", "shall", "to"}
_OTHER_FUNCTION = {"not", "more", "most", "less", "least", "very", "too", "also", "only", "just", "up", "down",
                   "next", "last", "same", "other", "own", "such", "many", "much", "few", "how"}
_FUNCTION = _DETERMINERS | _PREPOSITIONS | _PRONOUNS | _CONJUNCTIONS | _AUXILIARIES | _OTHER_FUNCTION
_LIGHT_VERBS = {"be", "have", "do", "get", "go", "make", "let", "need", "become", "seem", "want", "try", "know",
                "think", "like", "say", "come", "give", "take", "put", "keep", "show"}
_QUESTION_OPENERS = {"how", "why", "where", "what", "should", "can", "could", "do", "does", "is", "are", "will",
                     "would", "shall", "who"}
_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                 "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "thousand",
                 "million", "half", "dozen", "first", "second", "third", "single", "double"}
_TIME_NOUNS = {"second", "minute", "hour", "day", "night", "week", "weekend", "fortnight", "month", "quarter",
               "year", "morning", "afternoon", "evening", "shift", "season", "cycle", "run", "monday", "tuesday",
               "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow", "tonight",
               "realtime", "time"}
_CADENCE = {"daily", "weekly", "monthly", "hourly", "nightly", "quarterly", "yearly", "annually",
            "fortnightly", "overnight", "continuously", "instantly", "immediately"}
_THRESHOLD = {"above", "below", "over", "under", "exceed", "beyond", "outside", "late", "early", "overdue",
              "likely", "unlikely", "risk", "urgent", "first", "ahead", "before", "after", "within", "until",
              "threshold", "more", "less", "fewer", "most", "least", "top", "bottom", "only", "whenever"}
_RELATIVE = {"which", "whose", "that", "who", "where", "when", "whether"}
_NOMINAL_SUFFIXES = (("ification", "ify"), ("isation", "ise"), ("ization", "ize"), ("ation", "ate"),
                     ("ation", "e"), ("ation", ""), ("ction", "ct"), ("ption", "pt"), ("sion", "de"),
                     ("ssion", "ss"), ("ment", ""), ("ance", ""), ("ence", ""), ("al", "e"), ("al", ""),
                     ("ery", "er"), ("ing", ""), ("ing", "e"))

_LATIN = re.compile(r"[a-z]")
# Not words: markup ('<script>', '</b>', '&amp;') and runs of letters longer than any real word
# (the longest words a title might hold, chemical names aside, have about 30 letters).
_MARKUP = re.compile(r"</?[A-Za-z][^<>]{0,200}>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
_LONGEST_WORD = 45
_RUN_ON = re.compile(rf"[^\W_]{{{_LONGEST_WORD + 1},}}")


@dataclass
class _Token:
    text: str  # lower case, as written (hyphens and apostrophes kept)
    capitalised: bool  # written with a capital (or all capitals) in the title
    index: int
    head: str = ""  # the last part of a compound, possessive dropped: 'late-shipment' -> 'shipment'
    possessive: bool = False
    pos: dict[str, tuple[str, ...]] = field(default_factory=dict)
    acronym: bool = False  # SKU, MRI, SDRs
    number: bool = False

    @property
    def is_function(self) -> bool:
        return self.text in _FUNCTION

    @property
    def known(self) -> bool:
        return bool(self.pos) or self.is_function or self.number


def _tokens(title: str) -> list[_Token]:
    text = unicodedata.normalize("NFKC", title).translate(PLAIN_PUNCTUATION)
    out: list[_Token] = []
    for m in re.finditer(r"[^\W_]+(?:(?:[-'][^\W_]+)|(?:[.,]\d+))*'?", text):
        raw = m.group(0)
        low = raw.casefold()
        t = _Token(low, raw[:1].isupper(), len(out))
        if low.endswith("'s") or low.endswith("s'"):
            t.possessive = True
            low = low[:-2] if low.endswith("'s") else low[:-1]
        low = low.rstrip("'")
        t.text = low
        t.head = low.rsplit("-", 1)[-1]
        t.number = bool(re.fullmatch(r"[\d.,]+(st|nd|rd|th|s)?", t.head)) or low in _NUMBER_WORDS
        bare = raw.rstrip("'").removesuffix("'s").removesuffix("s")
        t.acronym = len(bare) >= 2 and bare.isupper() and bare.isalpha()
        if not t.number and not t.acronym:
            t.pos = readings(t.head)
        out.append(t)
    return out


@dataclass
class _Shape:
    actions: list[str] = field(default_factory=list)  # concrete actions found
    vague: list[str] = field(default_factory=list)  # vague verbs found
    things: list[str] = field(default_factory=list)  # countable things
    content: list[str] = field(default_factory=list)  # concrete nouns (countable or not)
    details: list[str] = field(default_factory=list)  # for whom, scope, cadence, threshold, number
    generic: list[str] = field(default_factory=list)
    question: bool = False
    nouns_as_actions: list[str] = field(default_factory=list)  # 'lead' in 'Lead scoring'



class _Reader:
    def __init__(self, lex: Lexicons) -> None:
        self.lex = lex
        self.abstract = {" ".join(stems(p)) for p in lex.abstract_nouns}
        self.vague_verbs = {stem(american_spelling(v)) for v in lex.vague_verbs}

    # -- words ------------------------------------------------------------------------------
    def is_abstract(self, tokens: list[_Token], i: int) -> bool:
        t = tokens[i]
        if stem(t.head) in self.abstract or stem(t.text) in self.abstract:
            return True
        return self.in_abstract_phrase(tokens, i)

    def in_abstract_phrase(self, tokens: list[_Token], i: int) -> bool:
        """Part of a multi-word entry: 'machine' and 'learning' in 'machine learning'."""
        for n in (2, 3):
            for start in range(max(0, i - n + 1), i + 1):
                span = tokens[start : start + n]
                if len(span) == n and " ".join(stem(x.text) for x in span) in self.abstract:
                    return True
        return False

    def is_vague(self, word: str) -> bool:
        lemmas = {stem(american_spelling(word))}
        for lem in readings(word).get("VERB", ()):
            lemmas.add(stem(american_spelling(lem.casefold())))
        return bool(lemmas & self.vague_verbs)

    @staticmethod
    def verb_form(t: _Token) -> str | None:
        """'base' (an imperative), 'ing' (a gerund), 'other', or None when it cannot be a verb."""
        verbs = t.pos.get("VERB")
        if not verbs or t.text in _FUNCTION or t.possessive or "-" in t.text:
            return None
        lemmas = {v.casefold() for v in verbs}
        if t.head in lemmas or american_spelling(t.head) in lemmas:
            return "base"
        if t.head.endswith("ing"):
            return "ing"
        return "other"

    def nominal_verb(self, t: _Token) -> str | None:
        """The verb a noun is made from ('prediction' -> 'predict', 'scoring' -> 'score'), if any."""
        if "NOUN" not in t.pos and not t.head.endswith("ing"):
            return None
        if t.head.endswith("ing") and t.pos.get("VERB"):
            return t.pos["VERB"][0].casefold()  # 'slotting' -> 'slot'
        word = american_spelling(t.head)
        for suffix, repl in _NOMINAL_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                base = word[: -len(suffix)] + repl
                if "VERB" in readings(base):
                    return base
        return None

    def is_noun(self, t: _Token) -> bool:
        if t.is_function or t.number:
            return False
        if t.acronym or not t.pos:
            return True  # an acronym, a name or a term the word list lacks: treat as a thing
        return "NOUN" in t.pos or "PROPN" in t.pos

    @staticmethod
    def is_plural(t: _Token) -> bool:
        if t.acronym:
            return t.text.endswith("s") and not t.text.endswith("ss")
        nouns = t.pos.get("NOUN", ())
        return t.head.endswith("s") and any(n.casefold() != t.head for n in nouns)

    # -- the shape --------------------------------------------------------------------------
    def read(self, title: str) -> _Shape:
        tokens = _tokens(title)
        shape = _Shape()
        text_words = [t.text for t in tokens]
        shape.generic = find_phrases(text_words, self.lex.generic_phrases)
        generic_stems = {" ".join(stems(g)) for g in shape.generic}
        in_generic: set[int] = set()
        for i in range(len(tokens)):
            for n in (1, 2, 3, 4):
                span = " ".join(stem(t.text) for t in tokens[i : i + n])
                if len(tokens[i : i + n]) == n and span in generic_stems:
                    in_generic.update(range(i, i + n))
        first = tokens[0].text if tokens else ""
        shape.question = title.rstrip().endswith("?") or first in _QUESTION_OPENERS
        across = False
        for i, t in enumerate(tokens):
            prev = tokens[i - 1] if i else None
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if t.text in _PREPOSITIONS or t.text in _CONJUNCTIONS or t.text in _RELATIVE:
                across = t.text == "across"
            if i in in_generic or self.in_abstract_phrase(tokens, i):
                continue
            form = self.verb_form(t)
            # the action: an imperative or gerund opening, a verb after "to" or a modal, a gerund
            # after a preposition, or a noun made from a verb
            # 'Better visibility', 'Lower costs': a comparative before a noun is not an imperative
            comparative = any(a.casefold() != t.head for a in t.pos.get("ADJ", ()))
            adjective_first = comparative and nxt is not None and not nxt.is_function
            verbal = form is not None and t.head not in _LIGHT_VERBS and (
                (i == 0 and (form == "ing" or (form == "base" and not adjective_first)))
                or (prev is not None and prev.text in _MODALS and form == "base")
                or (prev is not None and prev.text in (_PREPOSITIONS - {"to"}) and form == "ing")
                or (prev is not None and prev.text in _RELATIVE and form == "other" and "NOUN" not in t.pos)
            )
            # a noun made from a verb is an action when it has an object: 'fraud detection',
            # 'prediction of no-shows'
            has_object = (prev is not None and self.is_noun(prev) and i - 1 not in in_generic) or (
                nxt is not None and nxt.text in ("of", "for"))
            # 'weld-seam' in 'weld-seam images' modifies the head noun that follows; before an
            # abstract or action noun ('claims automation', 'onboarding support') it is the thing
            modifier = (nxt is not None and self.is_noun(nxt) and not t.possessive
                        and not self.is_abstract(tokens, i + 1) and self.nominal_verb(nxt) is None
                        and not (self.verb_form(nxt) and self.is_vague(nxt.head)))
            nominal = self.nominal_verb(t) if has_object and not verbal and not modifier else None
            if verbal or (nominal and nominal not in _LIGHT_VERBS):
                vague = self.is_vague(t.head if verbal else nominal or "")
                (shape.vague if vague else shape.actions).append(t.text)
                if not vague and ("NOUN" in t.pos or t.head.endswith("ing")):
                    shape.nouns_as_actions.append(t.text)
                continue
            # details: numbers, cadence, thresholds, relative clauses, for whom / by whom
            if t.number and i > 0:
                shape.details.append(t.text)
            elif t.head in _CADENCE:
                shape.details.append(t.text)
            elif t.head in _TIME_NOUNS and prev is not None:
                k = i - 1  # 'every half hour', 'within 48 hours', 'each Monday'
                while k > 0 and tokens[k].number:
                    k -= 1
                if tokens[k].number or tokens[k].text in _COUNTING | {"next", "this", "last", "within", "by", "on"}:
                    shape.details.append(" ".join(x.text for x in tokens[k : i + 1]))
            elif t.head in _THRESHOLD and i > 0:
                shape.details.append(t.text)
            elif t.text in _RELATIVE and i > 0 and shape.actions + shape.vague:
                shape.details.append(t.text)
            elif t.possessive and i > 0 and self.is_noun(t):
                shape.details.append(t.text + "'s")
            if (not self.is_noun(t) or t.head in _TIME_NOUNS or self.is_abstract(tokens, i) or comparative
                    or (form is not None and self.is_vague(t.head))):
                continue
            if modifier:
                continue  # 'weld-seam' in 'weld-seam images': the head noun comes next
            if "NOUN" not in t.pos and ("ADJ" in t.pos or "ADV" in t.pos) and not t.acronym:
                continue
            shape.content.append(t.text)
            # countable: a plural, a possessive, or counted by a determiner or a number before it
            j = i - 1
            while j >= 0 and not tokens[j].is_function and not tokens[j].number and j not in in_generic:
                j -= 1
            k = j  # 'into same-week and routine appointments': the preposition before a list
            while k > 0 and tokens[k].text in ("and", "or"):
                k -= 1
                while k > 0 and not tokens[k].is_function and not tokens[k].number:
                    k -= 1
            if k != j and tokens[k].text in _PREPOSITIONS:
                j = k
            counted = j >= 0 and (tokens[j].text in _COUNTING or tokens[j].number)
            numbered = j >= 0 and tokens[j].number
            if (not across or numbered) and (self.is_plural(t) or t.possessive or counted):
                shape.things.append(t.text)
            # a place, person or team after a preposition is a scope or an audience
            if j >= 0 and tokens[j].text in _PREPOSITIONS | {"our", "their"} and j > 0 and not across:
                shape.details.append(f"{tokens[j].text} … {t.text}")
            elif j >= 0 and tokens[j].text in _DETERMINERS and j > 0 and tokens[j - 1].text in _PREPOSITIONS:
                if tokens[j - 1].text != "across":
                    shape.details.append(f"{tokens[j - 1].text} … {t.text}")
        return shape


def _language_is_english(title: str, lex: Lexicons) -> bool:
    letters = [c for c in unicodedata.normalize("NFKD", title.casefold()) if c.isalpha()]
    if letters and sum(1 for c in letters if _LATIN.match(c)) < 0.6 * len(letters):
        return False
    foreign_words = set(lex.other_language_words)
    tokens = _tokens(title)
    foreign = english = 0
    for t in tokens:
        if t.number or t.acronym or (t.capitalised and t.index > 0):
            continue  # names and figures belong to no language
        if t.text in foreign_words and t.text not in _FUNCTION:
            foreign += 1
        elif t.known:
            english += 1
        else:
            foreign += 1
    has_marker = any(t.text in foreign_words and t.text not in _FUNCTION for t in tokens)
    return not (has_marker and foreign >= 2 and foreign > english)


# The score follows the verdict, so a bar never contradicts its chip.
_BANDS = {Verdict.SPECIFIC: (70, 100), Verdict.NEEDS_WORK: (40, 69), Verdict.SLOGAN: (0, 35), Verdict.NOT_JUDGED: (0, 100)}


def _within_band(score: float, verdict: Verdict) -> int:
    low, high = _BANDS[verdict]
    return int(round(max(low, min(high, score))))


def _is_cadence(detail: str) -> bool:
    """'daily', 'every half hour', 'each Monday', 'per shift': the decision repeats."""
    last = detail.rsplit(" ", 1)[-1]
    return last in _CADENCE or (last in _TIME_NOUNS and detail.split(" ", 1)[0] in ("each", "every", "per"))


def _quote(words: list[str]) -> str:
    return ", ".join(f"“{w}”" for w in dict.fromkeys(words))


@functools.lru_cache(maxsize=4)
def _reader(lex: Lexicons) -> _Reader:
    """One reader per word list: it stems every abstract noun and vague verb once, not per title."""
    return _Reader(lex)


def _not_words(title: str) -> tuple[str, list[str]]:
    """The title without what is not words (markup, run-on letters, invisible format characters),
    and a reason for each kind removed: a title of markup is not judged as a sentence."""
    reasons = []
    markup = _MARKUP.findall(title)
    if markup:
        reasons.append(f"It contains markup ({_quote(markup[:2])}): write the title in plain words.")
        title = _MARKUP.sub(" ", title)
    runs = _RUN_ON.findall(title)
    if runs:
        longest = max(runs, key=len)
        reasons.append(f"“{longest[:12]}…” is not a word ({len(longest):,} letters without a space).")
        title = _RUN_ON.sub(" ", title)
    # bidirectional overrides and zero-width characters: invisible, and they can reorder what shows
    title = "".join(c for c in title if unicodedata.category(c) not in ("Cf", "Cc"))
    return title.strip(), reasons


def check_title(title: str, lex: Lexicons) -> SpecificityResult:
    text, junk = _not_words(title)
    if not text:
        if junk:
            return SpecificityResult(Verdict.SLOGAN, 0, (*junk, "Name the decision or process this improves."))
        return SpecificityResult(
            Verdict.SLOGAN, 0, ("The title is empty: name the decision or process this improves.",)
        )
    if not _language_is_english(text, lex):
        return SpecificityResult(
            Verdict.NOT_JUDGED,
            0,
            ("Can't judge this language yet: the check reads English titles only. Add an English "
             "title, or judge it yourself: does it name an action on countable things, for whom, "
             "with a scope, cadence or threshold?",),
        )
    s = _reader(lex).read(text)
    reasons: list[str] = list(junk)
    if s.question:
        reasons.append(
            "It is a question. State the use case as what the system does, for example "
            "“Predict which invoices will be paid late, for the collections team”."
        )
    if not s.actions:
        if s.vague:
            reasons.append(
                f"{_quote(s.vague)} says what you hope for, not what the system does: name the action "
                "(predict, flag, rank, route, draft, grade …)."
            )
        else:
            reasons.append(
                "It names no action: say what is decided, predicted or produced "
                "(predict, flag, rank, route, draft, grade …)."
            )
    if not s.things:
        reasons.append(
            "It names no countable things (no concrete object): say which items it acts on — "
            "orders, patients, invoices, machines, claims … — in the plural or with “each”."
        )
    if not s.details and (s.actions or s.things):
        reasons.append(
            "Add a detail: for whom or by whom (“for our dispatchers”), a scope (“on line 2”), "
            "a cadence (“every morning”) or a threshold (“above £10,000”)."
        )
    if s.generic:
        reasons.append(
            f"It leans on generic language ({_quote(s.generic)}) that could describe any project."
        )
    if len(_tokens(text)) < 3 and s.actions:
        reasons.append("It is too short to say who acts on what, for which things.")
    if not (s.things or s.content):
        s.content = s.nouns_as_actions  # 'Lead scoring', 'Churn': a thing named, no action on it
        s.actions = []  # an action on nothing concrete ('feeding the world', 'government of the future')
    elif not s.things and s.content and any(_is_cadence(d) for d in s.details):
        s.things = list(s.content)  # repeated on a cadence: 'for the Harwich site every half hour'
    concrete = bool(s.actions or s.things or s.content)
    if s.actions and s.things and s.details and not s.question and not junk:
        verdict = Verdict.SPECIFIC
    elif (s.generic and not s.actions) or not concrete or (s.question and not s.content):
        verdict = Verdict.SLOGAN
    else:
        verdict = Verdict.NEEDS_WORK
    score = 10 + 25 * bool(s.actions) + 25 * bool(s.things) + 20 * bool(s.details)
    score += 5 * min(4, len(set(s.details))) - 20 * len(s.generic) - 15 * s.question
    score += 10 * bool(s.content) - 5 * bool(s.vague and not s.actions)
    score = _within_band(score, verdict)
    if verdict is Verdict.SPECIFIC and not reasons:
        reasons.append(
            f"It names the action ({_quote(s.actions)}), the things it acts on ({_quote(s.things)}) "
            f"and the detail ({_quote(s.details[:3])})."
        )
    return SpecificityResult(verdict, score, tuple(reasons))


def check_use_case(uc: UseCase, lex: Lexicons) -> SpecificityResult:
    """The whole use case: the title's specificity plus data, actors, impact and metrics."""
    title = check_title(uc.title, lex)
    reasons = [r for r in title.reasons if not r.startswith("It names the action")]
    decision_ok = bool(uc.decision.strip())
    if title.verdict is not Verdict.SPECIFIC and decision_ok:
        decision = check_title(uc.decision, lex)
        if decision.verdict is Verdict.SPECIFIC:
            reasons.append("The decision field is concrete; make the title say it too.")
    score = title.score * 0.4
    if decision_ok:
        score += 10
    else:
        reasons.append("Describe the decision or process this improves.")
    if uc.actors.strip():
        score += 10
    else:
        reasons.append("Say who acts on the output (which team, which role).")
    if uc.impact.amount and uc.impact.amount > 0:
        score += 10
    else:
        reasons.append("Estimate the annual impact (an amount and unit).")
    has_sources = any(d.system.strip() for d in uc.data_sources)
    if has_sources:
        score += 15
        blocked = [d.system for d in uc.data_sources if d.access is Access.NO]
        if blocked:
            reasons.append(f"We have no access yet to: {', '.join(blocked)}.")
    else:
        reasons.append("Name the data sources it needs and whether we have access to them.")
    metrics = [
        m
        for m in uc.success_metrics
        if m.name.strip() and m.baseline is not None and m.target is not None and m.target != m.baseline
    ]
    if metrics:
        score += 15
        incomplete = [
            m.name for m in metrics if m.target_date is None or not m.method.strip() or not m.owner.strip()
        ]
        if incomplete:
            reasons.append(
                "Give every success metric a target date, a measurement method and an owner: "
                + ", ".join(incomplete)
                + "."
            )
    elif uc.success_metrics:
        reasons.append("Give at least one success metric a baseline and a different target.")
    else:
        reasons.append("Add at least one success metric with a baseline and a target.")
    if title.verdict is Verdict.SPECIFIC and has_sources and metrics:
        verdict = Verdict.SPECIFIC
    elif title.verdict in (Verdict.SLOGAN, Verdict.NOT_JUDGED):
        verdict = title.verdict
    else:
        verdict = Verdict.NEEDS_WORK
    points = _within_band(score, verdict)
    if verdict is Verdict.SPECIFIC and not reasons:
        reasons.append("It names the decision, who acts, the data it needs and how success is measured.")
    return SpecificityResult(verdict, points, tuple(reasons))

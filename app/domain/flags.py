"""Automatic red-flag checks on a vendor, its answers and (for oversight) its reviews."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from app.domain.bank import QuestionType
from app.domain.document_claims import (
    ASSUMPTION_WORDS,
    DELIVERY_WORDS,
    Quote,
    VendorDocument,
    evidence_lines,
    quotes,
    said_in_documents,
)
from app.domain.models import Organization, Reference, ReferenceCheck, Severity, Timeline, Vendor
from app.domain.scoring import ScoreBoard
from app.domain.text import Synonyms, find_phrases, norm, stem, words
from app.domain.wording import condition_words, plural

INDUSTRY_AVERAGE_MONTHS = 8
GENERALIST_INDUSTRY_COUNT = 6
_ANY_INDUSTRY = {"any", "all", "every", "any industry", "all industries", "every industry"}


@dataclass(frozen=True)
class Lexicons:
    """Editable word lists from `data/lexicons/`."""

    vague_timeline: tuple[str, ...] = ()
    generalist_claims: tuple[str, ...] = ()
    generic_phrases: tuple[str, ...] = ()
    dependency_hedges: tuple[str, ...] = ()
    abstract_nouns: tuple[str, ...] = ()
    vague_verbs: tuple[str, ...] = ()
    other_language_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Acknowledgement:
    rationale: str
    by: str
    at: str  # ISO timestamp


@dataclass(frozen=True)
class RedFlag:
    rule: str
    severity: Severity
    message: str
    evidence: tuple[str, ...]
    vendor: str = ""
    acknowledgement: Acknowledgement | None = field(default=None, compare=False)
    subject: str = ""  # what within the rule it is about, e.g. "Conversion@2026-10" for a metric

    @property
    def ack_id(self) -> str:
        """The rule as an acknowledgement names it: one per subject when the rule has several."""
        return f"{self.rule}:{self.subject}" if self.subject else self.rule

    @property
    def acknowledged(self) -> bool:
        return self.acknowledgement is not None

    @property
    def key(self) -> tuple[str, str]:
        """What an acknowledgement is attached to: the vendor and the rule (and its subject)."""
        return (self.vendor, self.ack_id)


def _and(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _quoted(phrases: Sequence[str]) -> str:
    return _and([f"“{p}”" for p in phrases])


def sort_flags(flags: Sequence[RedFlag]) -> list[RedFlag]:
    return sorted(flags, key=lambda f: (f.severity.rank, f.vendor.casefold(), f.rule))


@dataclass(frozen=True)
class CheckedReference:
    """A reference as the vendor claimed it, overlaid by our latest check of it (if any).

    The properties read like a `Reference`'s: what a check confirmed wins over the claim
    (a stage or industry the reference did not confirm stays as claimed).
    """

    claim: Reference
    check: ReferenceCheck | None = None

    @property
    def company(self) -> str:
        return self.claim.company

    @property
    def industry(self) -> str:
        return (self.check.industry.strip() if self.check else "") or self.claim.industry

    @property
    def stage(self) -> str:
        return (self.check.stage.strip() if self.check else "") or self.claim.stage

    @property
    def in_production(self) -> bool:
        return self.check.confirmed_production if self.check is not None else self.claim.in_production


def checked_references(vendor: Vendor, checks: Sequence[ReferenceCheck] = ()) -> list[CheckedReference]:
    """Each of the vendor's references with its latest check (matched by company, case- and
    space-insensitive); checks of companies the vendor does not list are not its references."""
    latest: dict[str, ReferenceCheck] = {}
    for c in sorted(checks, key=lambda c: c.at):
        latest[norm(c.company)] = c
    return [CheckedReference(r, latest.get(norm(r.company))) for r in vendor.references]


def _day(stamp: str) -> str:
    return stamp[:10]


def _check_text(c: ReferenceCheck) -> str:
    """'reference check by Maya Chen on 2026-06-03: not in production, “pilot only”'."""
    who = f" by {c.by.strip()}" if c.by.strip() else ""
    when = f" on {_day(c.at)}" if c.at else ""
    found = ["in production" if c.confirmed_production else "not in production"]
    if c.industry.strip():
        found.append(c.industry.strip())
    if c.stage.strip():
        found.append(f"{c.stage.strip()} stage")
    note = " ".join(c.note.split())
    if note:
        found.append(f"\u201c{note[:200]}\u201d")
    return f"reference check{who}{when}: {', '.join(found)}"


def _ref_text(r: CheckedReference) -> str:
    c = r.claim
    prod = "in production" if c.in_production else "not in production"
    claimed = f"reference {c.company or '(unnamed)'}: {c.industry or 'industry not given'}, {c.stage or 'stage not given'}, {prod}"
    return claimed if r.check is None else f"{claimed} ({_check_text(r.check)})"


def check_references(
    org: Organization, vendor: Vendor, syn: Synonyms, checks: Sequence[ReferenceCheck] = ()
) -> RedFlag | None:
    """No reference in production, in our industry and at our stage, as far as we know.

    A reference call overrides the claim (see `CheckedReference`). Relevant references that
    nobody has confirmed yet still raise a medium flag saying so; one confirmed clears it.
    """
    refs = checked_references(vendor, checks)
    industry = org.industry.strip() or "our industry"
    good = [
        r
        for r in refs
        if r.in_production
        and syn.same("industry", r.industry, org.industry)
        and syn.same("stage", r.stage, org.stage.value)
    ]
    if any(r.check is not None for r in good):
        return None
    if good:
        names = [r.company.strip() or "an unnamed reference" for r in good]
        one = len(good) == 1
        message = (
            f"{vendor.name} claims {plural(len(good), 'reference')} in production at a company in {industry} "
            f"of our stage ({org.stage.value}), but nobody has confirmed {'it' if one else 'them'}: "
            f"call {_and(names)}. A call that confirms production clears this flag."
        )
        unchecked = tuple(f"{_ref_text(r)}: claimed, not checked yet" for r in good)
        return RedFlag("no_relevant_references", Severity.MEDIUM, message, unchecked, vendor.name)
    in_industry = [r for r in refs if syn.same("industry", r.industry, org.industry)]
    if not refs:
        severity = Severity.CRITICAL
        message = f"{vendor.name} gave no customer references at all, so nobody can vouch for their work."
        evidence: tuple[str, ...] = ("references: none",)
    elif not in_industry:
        severity = Severity.HIGH
        theirs = sorted({r.industry.strip() for r in refs if r.industry.strip()}, key=str.casefold)
        where = f": {_and(theirs)}" if theirs else ", and none names an industry"
        message = (
            f"None of {vendor.name}'s {plural(len(refs), 'reference')} is in our industry ({industry}). "
            f"{'It is' if len(refs) == 1 else 'They are'} in other industries{where}."
        ) if theirs else (
            f"None of {vendor.name}'s {plural(len(refs), 'reference')} is in our industry ({industry}): "
            "no reference names an industry."
        )
        evidence = tuple(_ref_text(r) for r in refs)
    else:
        severity = Severity.MEDIUM
        why = []
        for r in in_industry:
            reasons = []
            if not syn.same("stage", r.stage, org.stage.value):
                reasons.append(f"{r.stage.strip()} stage" if r.stage.strip() else "stage not given")
            if not r.in_production:
                reasons.append("not in production" if r.check is None else "not in production, says our check")
            why.append(f"{r.company.strip() or 'an unnamed reference'} ({', '.join(reasons)})")
        message = (
            f"{vendor.name} has {plural(len(in_industry), 'reference')} in {industry}, but none is both in "
            f"production and at a company of our stage ({org.stage.value}): {_and(why)}."
        )
        evidence = tuple(_ref_text(r) for r in refs)
    return RedFlag("no_relevant_references", severity, message, evidence, vendor.name)


def check_reference_contradictions(
    vendor: Vendor, syn: Synonyms, checks: Sequence[ReferenceCheck] = ()
) -> RedFlag | None:
    """A reference call that contradicts what the vendor claimed about that reference: not in
    production after all, or a different industry or stage than the vendor said."""
    parts: list[str] = []
    evidence: list[str] = []
    for r in checked_references(vendor, checks):
        c, check = r.claim, r.check
        if check is None:
            continue
        name = c.company.strip() or "an unnamed reference"
        found: list[str] = []
        if c.in_production and not check.confirmed_production:
            found.append("not in production")
        if check.industry.strip() and c.industry.strip() and not syn.same("industry", check.industry, c.industry):
            found.append(f"in {check.industry.strip()} (claimed: {c.industry.strip()})")
        if check.stage.strip() and c.stage.strip() and not syn.same("stage", check.stage, c.stage):
            found.append(f"at the {check.stage.strip()} stage (claimed: {c.stage.strip()})")
        if not found:
            continue
        note = " ".join(check.note.split())
        parts.append(f"{name} is {_and(found)}" + (f" (\u201c{note[:120]}\u201d)" if note else ""))
        evidence.append(f"{_ref_text(r)}")
    if not parts:
        return None
    message = (
        f"A reference check contradicts what {vendor.name} claimed: {'; '.join(parts)}. "
        "Ask the vendor about the difference before relying on its other claims."
    )
    return RedFlag("reference_contradicts", Severity.HIGH, message, tuple(evidence), vendor.name)


def check_timeline(vendor: Vendor, lex: Lexicons, documents: Sequence[VendorDocument] = ()) -> RedFlag | None:
    """The profile's timeline, and sentences about delivery in the vendor's documents that use
    vague language ("we go live ASAP"), quoted with document, page and excerpt."""
    found = quotes(documents, (*lex.vague_timeline, *lex.dependency_hedges), DELIVERY_WORDS)
    flag = _check_profile_timeline(vendor, lex)
    if not found:
        return flag
    cited = tuple(evidence_lines(found, EVIDENCE_QUOTES))
    in_docs = f"its documents describe delivery in vague terms: {said_in_documents(found)}"
    if flag is not None:
        return replace(flag, message=f"{flag.message[:-1]}; {in_docs}.", evidence=(*flag.evidence, *cited))
    impressive = vendor.demo_rating is not None and vendor.demo_rating >= 4
    if impressive:
        message = (f"Impressive demo, vague timeline: {vendor.name} rated {vendor.demo_rating:g} of 5 in the demo, "
                   f"but {in_docs}.")
        return RedFlag("vague_timeline", Severity.CRITICAL, message,
                       (*cited, f"demo rating: {vendor.demo_rating:g} of 5"), vendor.name)
    return RedFlag("vague_timeline", Severity.HIGH, f"{vendor.name}: {in_docs}.", cited, vendor.name)


# How many document quotes a flag's evidence lists (the PDF lists at most 8 evidence lines).
EVIDENCE_QUOTES = 4


def _check_profile_timeline(vendor: Vendor, lex: Lexicons) -> RedFlag | None:
    t = vendor.timeline
    evidence: list[str] = []
    if t.kickoff_to_production_months is None:
        evidence.append("kickoff to production: not given")
    if not any(m.month is not None for m in t.milestones):
        evidence.append("milestones with a month: none")
    vague = find_phrases(t.description, (*lex.vague_timeline, *lex.dependency_hedges))
    dated_plan = not evidence  # months to production and at least one dated milestone
    hedges = set(find_phrases(t.description, lex.dependency_hedges))
    if dated_plan and len(vague) == 1 and vague[0] in hedges and _dependency_is_dated(t.description, vague[0]):
        # "Production in month 5, depending on read access in week 1": an honest, dated plan
        # that names its dependency is a commitment, not a vague one.
        return None
    if vague:
        evidence.append(f"timeline says {t.description.strip()!r} (vague: {', '.join(vague)})")
    if not evidence:
        return None
    said = _timeline_said(t, vague)
    impressive = vendor.demo_rating is not None and vendor.demo_rating >= 4
    if impressive:
        severity = Severity.CRITICAL
        joint = ", " if ", but " in said else " but "
        message = f"Impressive demo, vague timeline: {vendor.name} rated {vendor.demo_rating:g} of 5 in the demo{joint}{said}."
        evidence.append(f"demo rating: {vendor.demo_rating:g} of 5")
    else:
        severity = Severity.HIGH
        message = f"{vendor.name} {said}."
    return RedFlag("vague_timeline", severity, message, tuple(evidence), vendor.name)


def _timeline_said(t: Timeline, vague: list[str]) -> str:
    """What the vendor committed to, then the trigger(s) that fired, in the vendor's own figures.

    "committed to 6 months from kickoff to production but gave no milestone with a month".
    """
    done: list[str] = []
    missing: list[str] = []
    months = t.kickoff_to_production_months
    if months is None:
        missing.append("gave no time from kickoff to production")
    else:
        done.append(f"committed to {months:g} {'month' if months == 1 else 'months'} from kickoff to production")
    dated = [m for m in t.milestones if m.month is not None]
    if dated:
        done.append(f"dated {plural(len(dated), 'milestone')}")
    elif t.milestones:
        missing.append(f"gave {plural(len(t.milestones), 'milestone')} but no month for any of them")
    else:
        missing.append("gave no milestones with a month")
    if vague:
        missing.append(f"describes the timeline in vague terms ({_quoted(vague)})")
    if not done:
        return _and(missing)
    return f"{_and(done)}, but {_and(missing)}"


_TIME_WORDS = {"day", "days", "week", "weeks", "month", "months", "sprint", "sprints", "q1", "q2", "q3", "q4"}


def _dependency_is_dated(text: str, hedge: str) -> bool:
    """Whether the words right after `hedge` say when ('depending on read access in week 1')."""
    ws, needle = [stem(w) for w in words(text)], [stem(w) for w in words(hedge)]
    for i in range(len(ws) - len(needle) + 1):
        if ws[i : i + len(needle)] == needle and _names_a_time(words(text)[i + len(needle) : i + len(needle) + 8]):
            return True
    return False


def _names_a_time(ws: list[str]) -> bool:
    """'in week 1', 'by 15 March', 'month 2': a number next to a unit of time, or a date."""
    return any(w.isdigit() and ({ws[i - 1] if i else "", ws[i + 1] if i + 1 < len(ws) else ""} & _TIME_WORDS
                                or (i + 1 < len(ws) and ws[i + 1][:3] in _MONTHS)) for i, w in enumerate(ws))


_MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}


class Fit(StrEnum):
    HAVE = "have"
    OTHER_PRODUCT = "other product"  # we have that kind of system, but another product
    MISSING = "missing"


@dataclass(frozen=True)
class InfrastructureNeed:
    """One system or capability a vendor's plan or price assumes, and how it fits ours."""

    item: str
    source: str  # "plan" or "price"
    fit: Fit
    ours: tuple[str, ...] = ()  # for OTHER_PRODUCT: our systems of the same kind


def infrastructure_needs(org: Organization, vendor: Vendor, syn: Synonyms) -> list[InfrastructureNeed]:
    """Named systems are compared by name first (HubSpot is not Salesforce); only then by the
    kind of system (a CRM), which is a weaker match; a kind we lack altogether is missing."""
    ours = [x.strip() for x in [*org.infrastructure, *org.systems] if x.strip()]
    our_names = {norm(x) for x in ours}
    our_kinds = {syn.kind_of(x) for x in ours}
    out: list[InfrastructureNeed] = []
    seen: set[str] = set()
    for source, items in (("plan", vendor.assumed_infrastructure), ("price", vendor.pricing.assumes)):
        for raw in items:
            item = raw.strip()
            if not item or norm(item) in seen:
                continue
            seen.add(norm(item))
            kind = syn.kind_of(item)
            if norm(item) in our_names:
                out.append(InfrastructureNeed(item, source, Fit.HAVE))
            elif syn.product_kind(item) is not None:
                same = tuple(x for x in ours if syn.kind_of(x) == kind)
                out.append(InfrastructureNeed(item, source, Fit.OTHER_PRODUCT if same else Fit.MISSING, same))
            else:
                out.append(InfrastructureNeed(item, source, Fit.HAVE if kind in our_kinds else Fit.MISSING))
    return out


def _document_needs(org: Organization, vendor: Vendor, syn: Synonyms, documents: Sequence[VendorDocument],
                    known: Sequence[InfrastructureNeed]) -> tuple[list[InfrastructureNeed], dict[str, list[Quote]]]:
    """Systems the vendor's documents say the plan or price assumes ("assumes a GPU cluster on your
    side"), with the quotes; those the profile already names only gain the quotes."""
    terms = tuple(dict.fromkeys([*syn.table.get("capability", {}), *syn.table.get("product", {})]))
    found = quotes(documents, terms, ASSUMPTION_WORDS)
    if not found:
        return [], {}
    probe = Vendor(vendor.name, assumed_infrastructure=list(dict.fromkeys(q.phrase for q in found)))
    said: dict[str, list[Quote]] = {}
    for q in found:
        said.setdefault(syn.kind_of(q.phrase), []).append(q)
    have = {norm(n.item) for n in known}
    new = [replace(n, source="document") for n in infrastructure_needs(org, probe, syn) if norm(n.item) not in have]
    return new, said


def check_infrastructure(org: Organization, vendor: Vendor, syn: Synonyms,
                         documents: Sequence[VendorDocument] = ()) -> RedFlag | None:
    needs = infrastructure_needs(org, vendor, syn)
    from_documents, said = _document_needs(org, vendor, syn, documents, needs)
    needs = [*needs, *from_documents]
    label = {"plan": "assumed infrastructure", "price": "pricing assumes", "document": "a document assumes"}
    missing = [n for n in needs if n.fit is Fit.MISSING]
    other = [n for n in needs if n.fit is Fit.OTHER_PRODUCT]

    def quoted(n: InfrastructureNeed) -> list[str]:
        return evidence_lines(said.get(syn.kind_of(n.item), []), 2)

    evidence = tuple(
        [x for n in missing for x in [f"{label[n.source]}: {n.item} (we do not have it)", *quoted(n)]]
        + [x for n in other for x in [f"{label[n.source]}: {n.item} (we use {', '.join(n.ours)} instead)", *quoted(n)]]
    )
    if missing:
        message = (
            f"{vendor.name}'s {_whose(missing)} infrastructure we do not have: "
            f"{_and([n.item for n in missing])}. Building it adds cost and time; check whether the quote covers it."
        )
        return RedFlag("infrastructure_mismatch", Severity.HIGH, message, evidence, vendor.name)
    if other:
        pairs = "; ".join(f"{n.item}, where we use {' and '.join(n.ours)}" for n in other)
        message = (
            f"{vendor.name}'s {_whose(other)} a different product of a kind we have ({pairs}); "
            "ask what changes in their connectors, plan and price."
        )
        return RedFlag("infrastructure_mismatch", Severity.MEDIUM, message, evidence, vendor.name)
    return None


def _whose(needs: Sequence[InfrastructureNeed]) -> str:
    """Which of the vendor's papers named the need: its plan, its price, its documents."""
    names = {"plan": "plan", "price": "price", "document": "documents"}
    sources = [names[x] for x in ("plan", "price", "document") if any(n.source == x for n in needs)]
    one = len(sources) == 1 and sources[0] != "documents"
    return f"{_and(sources)} assume{'s' if one else ''}"


def check_generalist(vendor: Vendor, lex: Lexicons, syn: Synonyms,
                     documents: Sequence[VendorDocument] = ()) -> RedFlag | None:
    evidence: list[str] = []
    said: list[str] = []
    any_words = [i for i in vendor.industries if norm(i) in _ANY_INDUSTRY]
    if any_words:
        evidence.append(f"industries served: {', '.join(any_words)}")
        said.append(f"lists the industries it serves as {_quoted([i.strip() for i in any_words])}")
    distinct = syn.canonical_set("industry", vendor.industries)
    if len(distinct) >= GENERALIST_INDUSTRY_COUNT:
        evidence.append(f"serves {len(distinct)} different industries: {', '.join(sorted(distinct))}")
        said.append(f"says it serves {len(distinct)} different industries")
    phrases = find_phrases(vendor.claims, lex.generalist_claims)
    if phrases:
        evidence.append(f"claims: {', '.join(repr(p) for p in phrases)}")
        said.append(f"claims {_quoted(phrases)}")
    found = quotes(documents, lex.generalist_claims)
    if found:
        evidence.extend(evidence_lines(found, EVIDENCE_QUOTES))
        said.append(f"in its documents, {said_in_documents(found)}")
    if not evidence:
        return None
    message = (
        f"{vendor.name} {_and(said)}. "
        "Specialists who have solved our exact problem before deliver more reliably."
    )
    return RedFlag("generalist", Severity.MEDIUM, message, tuple(evidence), vendor.name)


def check_expired(vendor: Vendor, documents: Sequence[VendorDocument], as_of: date | None) -> RedFlag | None:
    """Documents past their valid-until date on the decision day (`as_of`, the evaluation's latest change)."""
    if as_of is None:
        return None
    expired = [vd.document for vd in documents if vd.document.expired(as_of)]
    if not expired:
        return None
    one = len(expired) == 1
    listed = _and([f"\u201c{d.name}\u201d ({d.kind.label}, valid until {d.valid_until})" for d in expired])
    ask = "Ask for a current one before relying on it." if one else "Ask for current ones before relying on them."
    message = (
        f"{plural(len(expired), 'document')} of {vendor.name} {'was' if one else 'were'} no longer valid on "
        f"{as_of.isoformat()}, the day the evaluation stands at: {listed}. {ask}"
    )
    evidence = tuple(f"document \u201c{d.name}\u201d ({d.kind.label}): valid until {d.valid_until}, "
                     f"decision as of {as_of.isoformat()}" for d in expired)
    return RedFlag("evidence_expired", Severity.MEDIUM, message, evidence, vendor.name)


def check_track_record(org: Organization, vendor: Vendor) -> RedFlag | None:
    n = vendor.production_deployments_in_industry
    if n is not None and n > 0:
        return None
    shown = "not given" if n is None else "0"
    industry = org.industry.strip() or "our industry"
    said = (
        f"did not say how many production deployments it has in {industry}"
        if n is None
        else f"reports 0 production deployments in {industry}"
    )
    message = (
        f"{vendor.name} {said}; in Gartner's 2024 survey only about half of AI projects (48 %) reached production."
    )
    return RedFlag(
        "no_production_track_record",
        Severity.HIGH,
        message,
        (f"production deployments in our industry: {shown}",),
        vendor.name,
    )


def _sentence(text: str) -> str:
    """The bank's flag message as a sentence of its own."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def check_questions(board: ScoreBoard, vendor: str) -> list[RedFlag]:
    flags = []
    for q in board.questions:
        rule = q.flag
        if rule is None:
            continue
        if q.type is QuestionType.TEXT:
            hits = []
            found: list[str] = []
            for evaluator, text in board.texts(vendor, q.id):
                phrase = rule.fires_on_text(text)
                if phrase:
                    hits.append(f"{q.id} answer ({evaluator}) contains \u201c{phrase}\u201d: \u201c{text.strip()[:200]}\u201d")
                    found.append(phrase)
            if hits:
                message = f"{_sentence(rule.message)} The answer to {q.id} says {_quoted(list(dict.fromkeys(found)))}."
                flags.append(RedFlag(f"question:{q.id}", rule.severity, message, tuple(hits), vendor))
            continue
        s5 = board.score5(vendor, q.id)
        if s5 is not None and rule.fires_on_score(s5):
            when = condition_words(rule.op, rule.threshold)
            evidence = (f"{q.id} \u201c{q.question}\u201d scored {s5:.1f} of 5 (flagged at {when} of 5)",)
            message = f"{_sentence(rule.message)} {q.id} scored {s5:.1f} of 5 (flagged at {when} of 5)."
            flags.append(RedFlag(f"question:{q.id}", rule.severity, message, evidence, vendor))
    return flags


def vendor_flags(
    org: Organization,
    vendor: Vendor,
    board: ScoreBoard | None,
    lex: Lexicons,
    syn: Synonyms,
    acknowledgements: dict[tuple[str, str], Acknowledgement] | None = None,
    checks: Sequence[ReferenceCheck] = (),
    documents: Sequence[VendorDocument] = (),
    as_of: date | None = None,
) -> list[RedFlag]:
    """Every red flag raised by a vendor's profile, answers, documents (their pages' text, extracted
    beforehand) and our reference checks, most severe first. `as_of` is the decision day for expiry."""
    found = [
        check_references(org, vendor, syn, checks),
        check_reference_contradictions(vendor, syn, checks),
        check_timeline(vendor, lex, documents),
        check_infrastructure(org, vendor, syn, documents),
        check_generalist(vendor, lex, syn, documents),
        check_expired(vendor, documents, as_of),
        check_track_record(org, vendor),
    ]
    flags = [f for f in found if f is not None]
    if board is not None and vendor.name in board.vendors:
        flags.extend(check_questions(board, vendor.name))
    acks = acknowledgements or {}
    out = []
    for f in flags:
        ack = acks.get(f.key)
        out.append(replace(f, acknowledgement=ack) if ack else f)
    return sort_flags(out)

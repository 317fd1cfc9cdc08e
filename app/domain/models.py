"""The things Diligence reasons about: organization, use cases, vendors, answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Stage(StrEnum):
    STARTUP = "startup"
    SCALE_UP = "scale-up"
    MID_MARKET = "mid-market"
    ENTERPRISE = "enterprise"


class ImpactKind(StrEnum):
    REVENUE = "revenue"
    COST = "cost"
    TIME = "time"
    ERROR_RATE = "error rate"


class Access(StrEnum):
    YES = "yes"
    PARTIAL = "partial"
    NO = "no"


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


class Layer(StrEnum):
    DATA = "data"
    SYSTEMS = "systems"
    PEOPLE = "people"
    COMMERCIAL = "commercial"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"  # shown as yellow

    @property
    def rank(self) -> int:
        return {"critical": 0, "high": 1, "medium": 2, "low": 3}[self.value]


@dataclass
class Organization:
    name: str = ""
    industry: str = ""
    stage: Stage = Stage.SCALE_UP
    systems: list[str] = field(default_factory=list)
    infrastructure: list[str] = field(default_factory=list)
    regulations: list[str] = field(default_factory=list)


@dataclass
class DataSource:
    system: str
    access: Access = Access.YES


@dataclass
class SuccessMetric:
    name: str
    unit: str = ""
    baseline: float | None = None
    target: float | None = None
    direction: Direction = Direction.UP
    target_date: date | None = None
    method: str = ""
    owner: str = ""


@dataclass
class Impact:
    kind: ImpactKind = ImpactKind.REVENUE
    amount: float = 0.0
    unit: str = "USD/year"


@dataclass
class UseCase:
    title: str
    decision: str = ""
    actors: str = ""
    impact: Impact = field(default_factory=Impact)
    data_sources: list[DataSource] = field(default_factory=list)
    success_metrics: list[SuccessMetric] = field(default_factory=list)


@dataclass
class Reference:
    company: str
    industry: str = ""
    stage: str = ""
    in_production: bool = False
    contactable: bool = False


@dataclass(frozen=True)
class ReferenceCheck:
    """What a reference said when we called them: our finding, not the vendor's claim.

    `stage` and `industry` are as the reference confirmed them (empty: not asked or not said).
    """

    company: str
    confirmed_production: bool
    stage: str = ""
    industry: str = ""
    by: str = ""
    at: str = ""  # ISO timestamp of the call (UTC)
    note: str = ""


@dataclass
class Milestone:
    name: str
    month: int | None = None


# The largest values a vendor profile holds: imports refuse more, and the app's fields show
# every accepted value unclamped (docs/reliability.md). 100 years; a trillion.
MAX_MONTHS = 1200.0
MAX_AMOUNT = 1e12
# A vendor's or evaluator's name heads table columns in the app and the PDF; longer names are
# refused at the door rather than breaking a page later (issue #19: a 3,000-character name).
MAX_NAME_LENGTH = 200
# A use case's title heads its row, its check and the review PDF: a sentence, not a document.
MAX_TITLE_LENGTH = 300


def long_name_problem(name: str, what: str) -> str | None:
    """Why `name` is too long to be `what`'s name, or None when it fits."""
    if len(name) > MAX_NAME_LENGTH:
        return f"{what}'s name has {len(name):,} characters; at most {MAX_NAME_LENGTH} fit"
    return None


@dataclass
class Timeline:
    kickoff_to_production_months: float | None = None
    milestones: list[Milestone] = field(default_factory=list)
    description: str = ""


@dataclass
class Pricing:
    model: str = ""
    amount: float = 0.0
    currency: str = "USD"
    assumes: list[str] = field(default_factory=list)


@dataclass
class Vendor:
    name: str
    industries: list[str] = field(default_factory=list)
    claims: str = ""
    references: list[Reference] = field(default_factory=list)
    production_deployments_in_industry: int | None = None
    timeline: Timeline = field(default_factory=Timeline)
    pricing: Pricing = field(default_factory=Pricing)
    assumed_infrastructure: list[str] = field(default_factory=list)
    demo_rating: float | None = None


# The evaluator name under which a vendor's own completed questionnaire is stored: evidence for
# the evaluators, never a score (app.domain.evaluation.counts_as_score).
SELF_ASSESSMENT = "Vendor (self-assessment)"


@dataclass(frozen=True)
class Answer:
    """One evaluator's answer to one question for one vendor; `value` as typed or read."""

    vendor: str
    evaluator: str
    question: str
    value: str
    note: str = ""

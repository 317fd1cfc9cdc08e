"""SQLModel tables of a Diligence workspace. Schema changes go through Alembic migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint, func
from sqlmodel import Field, SQLModel


def now() -> datetime:
    """Timestamps are stored in UTC and shown in local time."""
    return datetime.now(UTC)


# Saved with each edit of a row two people may edit at once; a save that finds another version
# than the one it read was overtaken (repo.claim, docs/team.md).
def _version() -> Any:
    return Field(default=1, sa_column_kwargs={"server_default": "1"})


def _json(default: Any = None) -> Any:
    return Field(default_factory=lambda: [] if default is None else default, sa_column=Column(JSON, nullable=False))


class OrganizationRow(SQLModel, table=True):
    __tablename__ = "organization"
    id: int | None = Field(default=None, primary_key=True)
    version: int = _version()  # optimistic concurrency (schema 0005): +1 at each save
    name: str = ""
    industry: str = ""
    stage: str = "scale-up"
    systems: list[str] = _json()
    infrastructure: list[str] = _json()
    regulations: list[str] = _json()


class UseCaseRow(SQLModel, table=True):
    __tablename__ = "use_case"
    id: int | None = Field(default=None, primary_key=True)
    version: int = _version()  # optimistic concurrency (schema 0005): +1 at each save
    title: str
    decision: str = ""
    actors: str = ""
    impact_kind: str = "revenue"
    impact_amount: float = 0.0
    impact_unit: str = "USD/year"
    position: int = 0
    created_at: datetime = Field(default_factory=now)


class DataSourceRow(SQLModel, table=True):
    __tablename__ = "data_source"
    id: int | None = Field(default=None, primary_key=True)
    use_case_id: int = Field(foreign_key="use_case.id", index=True, ondelete="CASCADE")
    system: str
    access: str = "yes"
    position: int = 0


class SuccessMetricRow(SQLModel, table=True):
    __tablename__ = "success_metric"
    id: int | None = Field(default=None, primary_key=True)
    use_case_id: int = Field(foreign_key="use_case.id", index=True, ondelete="CASCADE")
    name: str
    unit: str = ""
    baseline: float | None = None
    target: float | None = None
    direction: str = "up"
    target_date: date | None = None
    method: str = ""
    owner: str = ""
    position: int = 0


class BankRow(SQLModel, table=True):
    __tablename__ = "bank"
    id: int | None = Field(default=None, primary_key=True)
    version: int = _version()  # saves of a new bank version, counted (schema 0005; not the bank's version number)
    name: str = Field(unique=True)
    created_at: datetime = Field(default_factory=now)


class BankVersionRow(SQLModel, table=True):
    __tablename__ = "bank_version"
    __table_args__ = (UniqueConstraint("bank_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    bank_id: int = Field(foreign_key="bank.id", index=True, ondelete="CASCADE")
    version: int
    hash: str
    note: str = ""
    created_at: datetime = Field(default_factory=now)


class QuestionRow(SQLModel, table=True):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("bank_version_id", "qid"),)
    id: int | None = Field(default=None, primary_key=True)
    bank_version_id: int = Field(foreign_key="bank_version.id", ondelete="CASCADE")
    position: int
    qid: str
    section: str
    layer: str
    question: str
    type: str
    weight: float
    guidance: str = ""
    options: str = ""
    scoring: str = ""
    knockout_min: float | None = None
    flag_rule: str = ""
    allow_na: bool = False


class EvaluationRow(SQLModel, table=True):
    __tablename__ = "evaluation"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    use_case_id: int | None = Field(default=None, foreign_key="use_case.id", ondelete="SET NULL")
    bank_version_id: int = Field(foreign_key="bank_version.id")
    created_at: datetime = Field(default_factory=now)


class EvaluatorRow(SQLModel, table=True):
    __tablename__ = "evaluator"
    __table_args__ = (UniqueConstraint("evaluation_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", ondelete="CASCADE")
    name: str
    submitted_at: datetime | None = None
    position: int = 0


class VendorRow(SQLModel, table=True):
    __tablename__ = "vendor"
    __table_args__ = (UniqueConstraint("evaluation_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    version: int = _version()  # optimistic concurrency (schema 0005): +1 at each save
    evaluation_id: int = Field(foreign_key="evaluation.id", ondelete="CASCADE")
    name: str
    industries: list[str] = _json()
    claims: str = ""
    production_deployments: int | None = None
    kickoff_to_production_months: float | None = None
    timeline_description: str = ""
    pricing_model: str = ""
    pricing_amount: float = 0.0
    pricing_currency: str = "USD"
    pricing_assumes: list[str] = _json()
    assumed_infrastructure: list[str] = _json()
    demo_rating: float | None = None
    position: int = 0


class ReferenceRow(SQLModel, table=True):
    __tablename__ = "vendor_reference"
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    company: str
    industry: str = ""
    stage: str = ""
    in_production: bool = False
    contactable: bool = False
    position: int = 0


class MilestoneRow(SQLModel, table=True):
    __tablename__ = "milestone"
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    name: str
    month: int | None = None
    position: int = 0


class AnswerRow(SQLModel, table=True):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("vendor_id", "evaluator_id", "qid"),)
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", ondelete="CASCADE")
    evaluator_id: int = Field(foreign_key="evaluator.id", index=True, ondelete="CASCADE")
    qid: str
    value: str
    note: str = ""
    source: str = ""
    updated_at: datetime = Field(default_factory=now)


class FlagAckRow(SQLModel, table=True):
    __tablename__ = "flag_ack"
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int | None = Field(default=None, foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    engagement_id: int | None = Field(default=None, foreign_key="engagement.id", index=True, ondelete="CASCADE")
    vendor: str
    rule: str
    rationale: str
    by: str
    at: datetime = Field(default_factory=now)


class EngagementRow(SQLModel, table=True):
    __tablename__ = "engagement"
    id: int | None = Field(default=None, primary_key=True)
    version: int = _version()  # optimistic concurrency (schema 0005): +1 at each save
    name: str = Field(unique=True)
    evaluation_id: int | None = Field(default=None, foreign_key="evaluation.id", ondelete="SET NULL")
    vendor: str
    use_case_title: str = ""
    kickoff: date
    promised_months: float | None = None
    production_date: date | None = None
    locked_at: datetime = Field(default_factory=now)
    # Promises copied from the evaluation at selection (schema 0002).
    quote_amount: float | None = None
    quote_currency: str = ""
    cost_growth_pct: float | None = None
    cost_threshold: float = 0.25
    adoption_promises: list[list[str]] = _json()


class EngagementMetricRow(SQLModel, table=True):
    __tablename__ = "engagement_metric"
    id: int | None = Field(default=None, primary_key=True)
    version: int = _version()  # optimistic concurrency (schema 0005): +1 at each save
    engagement_id: int = Field(foreign_key="engagement.id", index=True, ondelete="CASCADE")
    name: str
    unit: str = ""
    baseline: float
    target: float
    direction: str = "up"
    target_date: date | None = None
    method: str = ""
    owner: str = ""
    position: int = 0


class EngagementMilestoneRow(SQLModel, table=True):
    __tablename__ = "engagement_milestone"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", index=True, ondelete="CASCADE")
    name: str
    month: int | None = None
    reached_on: date | None = None
    position: int = 0


class MonthlyReviewRow(SQLModel, table=True):
    __tablename__ = "monthly_review"
    __table_args__ = (UniqueConstraint("engagement_id", "month"),)
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(foreign_key="engagement.id", ondelete="CASCADE")
    month: str
    blockers: str = ""
    decisions_needed: str = ""
    recovery_plan: str = ""
    created_at: datetime = Field(default_factory=now)
    minutes: float | None = None
    explained: bool = True
    spend_amount: float | None = None
    spend_currency: str = ""


class ReviewDecisionRow(SQLModel, table=True):
    __tablename__ = "review_decision"
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="monthly_review.id", index=True, ondelete="CASCADE")
    text: str
    owner: str = ""
    due: date | None = None
    decided_on: date | None = None
    position: int = 0


class ReviewActualRow(SQLModel, table=True):
    __tablename__ = "review_actual"
    __table_args__ = (UniqueConstraint("review_id", "metric_id"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="monthly_review.id", ondelete="CASCADE")
    metric_id: int = Field(foreign_key="engagement_metric.id", ondelete="CASCADE")
    value: float


class AuditRow(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now, index=True)
    actor: str
    action: str
    entity: str
    entity_id: str = ""
    before: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    reason: str = ""


# ----- evidence (schema 0003): vendors' documents, their pages and the answers' citations ------
# The full-text index `evidence_fts` (FTS5, external content over evidence_page) is made by the
# migration and used only through app/store/evidence.py.


class EvidenceBlobRow(SQLModel, table=True):
    """One stored file, addressed by the SHA-256 of its bytes (documents/<aa>/<sha256> on disk)."""

    __tablename__ = "evidence_blob"
    sha256: str = Field(primary_key=True)
    size: int
    format: str
    pages: int
    stored_at: datetime = Field(default_factory=now)


class EvidencePageRow(SQLModel, table=True):
    __tablename__ = "evidence_page"
    __table_args__ = (UniqueConstraint("sha256", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(foreign_key="evidence_blob.sha256", ondelete="CASCADE")
    number: int
    text: str = ""


class EvidenceDocumentRow(SQLModel, table=True):
    __tablename__ = "evidence_document"
    __table_args__ = (UniqueConstraint("vendor_id", "sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    sha256: str = Field(foreign_key="evidence_blob.sha256", index=True)
    name: str
    kind: str = "other"
    valid_until: date | None = None
    added_at: datetime = Field(default_factory=now)
    added_by: str = ""
    position: int = 0


class EvidenceCitationRow(SQLModel, table=True):
    __tablename__ = "evidence_citation"
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="evidence_document.id", index=True, ondelete="CASCADE")
    qid: str
    evaluator: str = ""
    page: int
    quote: str
    cited_at: datetime = Field(default_factory=now)
    cited_by: str = ""


# ----- backup files (schema 0006): a folder's backups/ carried into a team workspace -----------


class BackupFileRow(SQLModel, table=True):
    """One backup file (a whole folder-workspace database) kept in a team workspace's database."""

    __tablename__ = "backup_file"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    created_at: datetime = Field(default_factory=now)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class TeamMemberRow(SQLModel, table=True):
    """On a team workspace: which PostgreSQL login is which person, in which role (schema 0007;
    written only through the server's diligence_grant function, app/store/team_security.py)."""

    __tablename__ = "team_member"
    login: str = Field(primary_key=True)
    person: str = Field(unique=True)
    role: str
    granted_by: str = Field(default="", sa_column_kwargs={"server_default": ""})
    granted_at: datetime = Field(default_factory=now, sa_column_kwargs={"server_default": func.current_timestamp()})


class ReferenceCheckRow(SQLModel, table=True):
    """A call to one of a vendor's references (schema 0008). Matched to the reference by company
    name, not by row: a vendor's references are rewritten whenever its profile is saved."""

    __tablename__ = "reference_check"
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True, ondelete="CASCADE")
    company: str
    confirmed_production: bool
    stage: str = ""
    industry: str = ""
    by: str = ""
    note: str = ""
    at: datetime = Field(default_factory=now)

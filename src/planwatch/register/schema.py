"""The register's tables (SQLAlchemy 2 typed ORM).

Natural keys (what an upsert matches on) are declared as unique constraints so
the database, not the application, guarantees that `planwatch demo` run twice
leaves the same register. Every change to an indicator or an observation is
appended to `history`, which triggers in the migrations make append-only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

# Deterministic constraint names: Alembic needs them to drop constraints, and
# SQLite batch migrations need them to rebuild tables.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

OBSERVATION_STATUSES = ("draft", "submitted", "approved", "returned")
ROLES = ("admin", "planner", "reporter", "viewer")
DIRECTIONS = ("up", "down")
AGGREGATIONS = ("sum", "mean_pop", "none")
RESPONSIBILITY_ROLES = ("lead", "co")
ITEM_KINDS = ("task", "project")
# 滞后 only for projects: a task is qualitative (no schedule to be behind), a project has one.
# How an indicator came to its metric: created for it, matched by name at import, or settled by a reviewer.
METRIC_LINKS = ("new", "matched", "confirmed")
TASK_STATES = ("未启动", "推进中", "已完成")
PROJECT_STATES = ("未启动", "推进中", "已完成", "滞后")


def utcnow() -> datetime:
    return datetime.now(UTC)


def code_column(length: int) -> TypeEngine[str]:
    """The type of a code column (region codes, history's entity): compared byte by byte on PostgreSQL
    (`COLLATE "C"`), in the database's own collation elsewhere (SQLite compares bytes already). Codes
    are ASCII digits or words, which sort alike in every locale; the locale's comparison (strcoll) made
    each sort and index build over them slower: at scale 1 (issue 13) the values' two region indexes,
    rebuilt at the end of a national first load, built ~20-25 % faster without it (migration 0020)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Region(Base):
    __tablename__ = "regions"
    # 6-digit (province/city/county) or 9-digit (township) administrative code.
    code: Mapped[str] = mapped_column(code_column(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    # indexed: the dashboard leaves one level (the nation) out of its tiles and map (migration 0018)
    level: Mapped[str] = mapped_column(String(40), index=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    source: Mapped[str | None] = mapped_column(Text)

    populations: Mapped[list[RegionPopulation]] = relationship(back_populates="region", cascade="all, delete-orphan")


class RegionPopulation(Base):
    __tablename__ = "region_populations"
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    population: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(Text)

    region: Mapped[Region] = relationship(back_populates="populations")


class RegionBoundary(Base):
    """A region's outline (GeoJSON Polygon or MultiPolygon geometry, lon/lat), imported from a file the office
    provides (`planwatch regions boundaries FILE.geojson`), never fetched online."""

    __tablename__ = "region_boundaries"
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code", ondelete="CASCADE"), primary_key=True)
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Metric(Base):
    """What is measured, apart from any plan: name, unit, definition, 统计口径, data source, direction, aggregation, domain.

    A series is a metric in one region: its observations, year by year. Plan targets (indicators)
    refer to a metric, so a 十五五 plan reads the values its 十四五 predecessor collected."""

    __tablename__ = "metrics"
    __table_args__ = (
        CheckConstraint("direction IN ('up', 'down')", name="direction"),
        CheckConstraint("aggregation IN ('sum', 'mean_pop', 'none')", name="aggregation"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str | None] = mapped_column(String(50))
    definition: Mapped[str | None] = mapped_column(Text)  # 指标解释: what the figure means
    scope: Mapped[str | None] = mapped_column(Text)  # 统计口径: how it is counted (who, where, which rule)
    data_source: Mapped[str | None] = mapped_column(Text)  # 数据来源: the statistics or office it comes from
    direction: Mapped[str] = mapped_column(String(4), default="up")
    aggregation: Mapped[str] = mapped_column(String(10), default="none")
    domain: Mapped[str | None] = mapped_column(String(100))
    national_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Plan(Base):
    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("region_code", "title"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    period_start: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[int] = mapped_column(Integer)
    base_year: Mapped[int] = mapped_column(Integer)
    issuer: Mapped[str | None] = mapped_column(String(200))
    doc_number: Mapped[str | None] = mapped_column(String(100))
    issued: Mapped[str | None] = mapped_column(String(10))  # ISO date as the document states it
    note: Mapped[str | None] = mapped_column(Text)
    # The plan this one follows in the same region (十四五 → 十五五), and the plan of the level above.
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"), index=True)
    superior_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The register's change sequence (`register_state.seq`) at the last write that changed what this
    # plan's pages read: bumped in the writing transaction (`register.versions`), so a cache of the
    # plan's pages is fresh while it has not moved.
    data_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0", index=True)

    region: Mapped[Region] = relationship()
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Indicator.position"
    )


class PlanDocument(Base):
    """Each imported revision of a plan's document, kept byte for byte."""

    __tablename__ = "plan_documents"
    __table_args__ = (UniqueConstraint("plan_id", "sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str | None] = mapped_column(String(300))
    format: Mapped[str | None] = mapped_column(String(20))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    extraction: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the contract JSON it produced
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Indicator(Base):
    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("plan_id", "key"),
        CheckConstraint("direction IN ('up', 'down')", name="direction"),
        CheckConstraint("aggregation IN ('sum', 'mean_pop', 'none')", name="aggregation"),
        CheckConstraint("metric_link IN ('new', 'matched', 'confirmed')", name="metric_link"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(300))  # normalised name: the natural key within a plan
    metric_id: Mapped[int] = mapped_column(ForeignKey("metrics.id"), index=True)
    metric_link: Mapped[str] = mapped_column(String(10), default="new", server_default="new")  # METRIC_LINKS
    # The superior plan's target on the same metric (上位规划目标), when there is one.
    superior_indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(300))
    domain: Mapped[str | None] = mapped_column(String(100))
    unit: Mapped[str | None] = mapped_column(String(50))
    attribute: Mapped[str | None] = mapped_column(String(10))  # 约束性 | 预期性
    baseline_raw: Mapped[str | None] = mapped_column(String(100))
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    target_raw: Mapped[str | None] = mapped_column(String(200))
    target_value: Mapped[float | None] = mapped_column(Float)
    target_low: Mapped[float | None] = mapped_column(Float)
    target_high: Mapped[float | None] = mapped_column(Float)
    target_op: Mapped[str] = mapped_column(String(12), default="=")
    target_kind: Mapped[str] = mapped_column(String(12), default="level")
    target_year: Mapped[int] = mapped_column(Integer, default=2025)
    direction: Mapped[str] = mapped_column(String(4), default="up")
    aggregation: Mapped[str] = mapped_column(String(10), default="none")
    source: Mapped[str] = mapped_column(String(10), default="table")  # table | prose | manual
    line: Mapped[int | None] = mapped_column(Integer)
    table_label: Mapped[str | None] = mapped_column(String(50))
    quote: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)  # the plan's own note on it (a table footnote)
    lead_department_text: Mapped[str | None] = mapped_column(String(300))  # as the document names it
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False: dropped by a later revision
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="indicators")
    metric: Mapped[Metric] = relationship()

    @property
    def ref(self) -> str:
        """The stable string id other layers use ("p3-i12")."""
        return indicator_ref(self.plan_id, self.id)


def indicator_ref(plan_id: int, indicator_id: int) -> str:
    """An indicator's stable string id ("p3-i12"): `Indicator.ref`, for callers holding only its columns."""
    return f"p{plan_id}-i{indicator_id}"


class Milestone(Base):
    """A yearly target (年度目标) of an indicator in one region."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("indicator_id", "region_code", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    raw: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)


class Task(Base):
    """A commitment of the plan (qualitative or quantified), kept as the document states it."""

    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    line: Mapped[int | None] = mapped_column(Integer)
    domain: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    departments: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # False: a later revision dropped it, but progress was reported against it, which is kept.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    line: Mapped[int | None] = mapped_column(Integer)
    domain: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class ServiceItem(Base):
    __tablename__ = "service_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    line: Mapped[int | None] = mapped_column(Integer)
    domain: Mapped[str | None] = mapped_column(String(100))
    item: Mapped[str] = mapped_column(Text)


class Department(Base):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("name", "region_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))


class Responsibility(Base):
    """Who answers for an indicator in a region: one lead (牵头) and any co-responsible (配合)."""

    __tablename__ = "responsibilities"
    __table_args__ = (
        UniqueConstraint("indicator_id", "department_id", "region_code"),
        CheckConstraint("role IN ('lead', 'co')", name="role"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    role: Mapped[str] = mapped_column(String(4), default="lead")

    department: Mapped[Department] = relationship()


# Tasks and projects live in two tables; a row below points at exactly one of them.
# UNIQUE (task_id, …) and UNIQUE (project_id, …) hold because NULLs never collide.
_ONE_ITEM = "(task_id IS NULL) <> (project_id IS NULL)"


class ItemResponsibility(Base):
    """Who answers for a task or project of a plan: one lead (牵头) and any co-responsible (配合)."""

    __tablename__ = "item_responsibilities"
    __table_args__ = (
        UniqueConstraint("task_id", "department_id"),
        UniqueConstraint("project_id", "department_id"),
        CheckConstraint(_ONE_ITEM, name="one_item"),
        CheckConstraint("role IN ('lead', 'co')", name="role"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(4), default="lead")

    department: Mapped[Department] = relationship()


class ProgressReport(Base):
    """One year's progress of a task or project: state, percent complete, note, evidence."""

    __tablename__ = "progress_reports"
    __table_args__ = (
        UniqueConstraint("task_id", "year"),
        UniqueConstraint("project_id", "year"),
        CheckConstraint(_ONE_ITEM, name="one_item"),
        CheckConstraint("status IN ('draft', 'submitted', 'approved', 'returned')", name="status"),
        CheckConstraint("state IN ('未启动', '推进中', '已完成', '滞后')", name="state"),
        CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="percent"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10))
    percent: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)  # what was done, and the source it is taken from
    evidence_file: Mapped[str | None] = mapped_column(String(500))
    evidence_name: Mapped[str | None] = mapped_column(String(255))  # the uploaded file's name, display only
    status: Mapped[str] = mapped_column(String(10), default="draft")
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reporter_name: Mapped[str | None] = mapped_column(String(100))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def kind(self) -> str:
        return "task" if self.task_id is not None else "project"

    @property
    def item_id(self) -> int:
        return self.task_id if self.task_id is not None else self.project_id  # type: ignore[return-value]


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'planner', 'reporter', 'viewer')", name="role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(10))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set for accounts created with a published (demo) password: the web lets them do nothing else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    department: Mapped[Department | None] = relationship()


class UserSession(Base):
    """A signed-in browser or API client. The cookie carries a random token; only its hash is stored,
    so deleting the row (logout, password change, deactivation, role change) ends the session at once."""

    __tablename__ = "user_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    address: Mapped[str | None] = mapped_column(String(64))


class LoginFailure(Base):
    """Failed sign-ins per account name ("user:NAME") or client address ("addr:IP"), for throttling.
    Shared by every worker through the database; rows idle for a day are purged."""

    __tablename__ = "login_failures"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Observation(Base):
    """One reported value of a series: metric × region × year → a number or a qualitative judgement.

    Every plan target on the metric reads it; `indicator_id` only records the target it was reported
    through (kept when that plan is deleted, as NULL)."""

    __tablename__ = "observations"
    __table_args__ = (
        UniqueConstraint("metric_id", "region_code", "year"),
        CheckConstraint("status IN ('draft', 'submitted', 'approved', 'returned')", name="status"),
        Index("ix_observations_region_year", "region_code", "year"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("metrics.id"))
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id", ondelete="SET NULL"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    judgement: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    source_note: Mapped[str | None] = mapped_column(Text)  # where the figure comes from (publication, URL, quote)
    evidence_file: Mapped[str | None] = mapped_column(String(500))
    evidence_name: Mapped[str | None] = mapped_column(String(255))  # the uploaded file's name, display only
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reporter_name: Mapped[str | None] = mapped_column(String(100))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    series_break: Mapped[bool] = mapped_column(Boolean, default=False)  # 口径调整
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # ORM updates of a stale row raise StaleDataError; bulk updates check the version themselves.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ReferenceFact(Base):
    """A published figure with its source, whether or not a plan indicator measures it.

    The demo keeps every row of the reference observations here; the ones that
    match an indicator are also registered as observations.
    """

    __tablename__ = "reference_facts"
    __table_args__ = (UniqueConstraint("region_code", "name", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    name: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(50))
    source_url: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id", ondelete="SET NULL"))


class History(Base):
    """Append-only log of changes (who, when, old, new, why). Never updated or deleted."""

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(code_column(20))  # observation | indicator | plan | progress | task | project
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # create | update | retire | restore | revise
    changed_by: Mapped[str | None] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)


ROUND_STATES = ("open", "closed", "approved", "locked")


class ReportingRound(Base):
    """A reporting round (填报轮次): one plan's values and progress for one year, with a due date
    (应报日期), a lock date (锁定日期) after which nothing is written, and a state set by a planner.
    An unlock (recorded in `history`, entity "round") lets writes through again until `unlocked_until`
    (inclusive) or, without it, until the round is locked again."""

    __tablename__ = "reporting_rounds"
    __table_args__ = (
        UniqueConstraint("plan_id", "year"),
        CheckConstraint("state IN ('open', 'closed', 'approved', 'locked')", name="state"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date | None] = mapped_column(Date)
    lock_date: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default="open")
    unlocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    unlocked_until: Mapped[date | None] = mapped_column(Date)
    opened_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Notification(Base):
    """An in-app message to one user (a 催报 reminder of a round); read on the 待办 page."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("reporting_rounds.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RegisterState(Base):
    """One row: the register's change sequence. `seq` moves at every write that changes what a page
    reads; `structure_seq` is the `seq` of the last change that may alter every page (plans, indicators,
    targets, assignments, users, regions); `shared_seq` of the last change every plan's evaluation reads
    (regions, populations, metrics). Written only by `register.versions`."""

    __tablename__ = "register_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    structure_seq: Mapped[int] = mapped_column(Integer, default=0)
    shared_seq: Mapped[int] = mapped_column(Integer, default=0)  # regions, populations, metrics changed


class PlanEvaluation(Base):
    """A plan's stored evaluation (`register.evaluations`): the data year, the early warnings and the
    summary, with the versions it was computed from. Fresh while the plan's `data_version` and the
    register's `shared_seq` have not moved; its indicators' rows are in `evaluations`."""

    __tablename__ = "plan_evaluations"
    # the stale check (`evaluations.stale_plans`) reads this index, never the rows (their warnings)
    __table_args__ = (Index("ix_plan_evaluations_versions", "plan_id", "data_version", "shared_seq"),)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int | None] = mapped_column(Integer)  # the data year evaluated
    data_version: Mapped[int] = mapped_column(Integer)
    shared_seq: Mapped[int] = mapped_column(Integer)
    indicator_count: Mapped[int] = mapped_column(Integer, default=0)  # active indicators
    main_count: Mapped[int] = mapped_column(Integer, default=0)  # of them in the plan's indicator table
    early_warnings: Mapped[list[Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    evaluated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Evaluation(Base):
    """A stored evaluation of one indicator of a plan, with the plan version it was last written at
    (`register.evaluations`); `detail` holds what pages show beyond the columns (projection,
    warnings, flags), `subregions` the indicator's sub-region rows (code, name, value, year, status…),
    kept apart so that the pages that do not show them (the plan pages, the plan API, the dashboard)
    never read them: a provincial plan's indicator has one row per county. Their spread (equalisation)
    is not stored: it is worked out from these rows for the indicators a page shows (migration 0019)."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("plan_id", "indicator_id"),
                      Index("ix_evaluations_region_code", "region_code"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # no foreign key to the plan: the indicator's cascade removes the row with its plan, and a second key
    # cost a lookup a stored row (migration 0017)
    plan_id: Mapped[int] = mapped_column(Integer)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    year: Mapped[int | None] = mapped_column(Integer)  # the data year evaluated
    status: Mapped[str] = mapped_column(String(20))
    completion: Mapped[float | None] = mapped_column(Float)  # 完成度 P
    schedule: Mapped[float | None] = mapped_column(Float)  # 时序进度 S
    ratio: Mapped[float | None] = mapped_column(Float)  # Q = P / S
    value: Mapped[float | None] = mapped_column(Float)
    value_year: Mapped[int | None] = mapped_column(Integer)
    projected: Mapped[float | None] = mapped_column(Float)  # value expected at the target year
    projected_meets: Mapped[bool | None] = mapped_column(Boolean)
    warning_code: Mapped[str | None] = mapped_column(String(20))  # the most severe early warning's severity
    domain: Mapped[str | None] = mapped_column(String(100))
    binding: Mapped[bool] = mapped_column(Boolean, default=False)
    # the plan's version when the row was last written: a row its plan's next evaluation finds the same
    # (`digest`) is left as it is (migration 0021)
    data_version: Mapped[int] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    # for the dashboard (register.summary): the plan's region, the lead department, and the place in the
    # risk order (evaluate.warnings.risk_key: severity and kind, None when not at risk; the status's rank)
    region_code: Mapped[str | None] = mapped_column(code_column(20))
    department: Mapped[str | None] = mapped_column(String(300))
    risk_severity: Mapped[int | None] = mapped_column(Integer)
    risk_kind: Mapped[int | None] = mapped_column(Integer)
    status_rank: Mapped[int | None] = mapped_column(Integer)
    subregions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))  # None: none
    # a hash of every column but `data_version` (`register.evaluations._digest`); None: written before 0021
    digest: Mapped[int | None] = mapped_column(BigInteger)


# The risk order's columns (`summary.dashboard_page`), each in the order's direction: the at-risk page is
# read in index order and stops at its last row, never sorting every row at risk (at scale 1 the first
# severity and kind held 12,000 rows: 9.6 ms on PostgreSQL, migration 0018), nor reading the rows.
Index("ix_evaluations_risk", Evaluation.risk_severity, Evaluation.risk_kind, Evaluation.status_rank.desc(),
      Evaluation.binding.desc(), Evaluation.ratio, Evaluation.plan_id, Evaluation.indicator_id)


class StatusCount(Base):
    """The summary the overview and the dashboard read: how many of a plan's indicators are in each
    status, by domain and lead department. Rewritten with the plan's evaluations."""

    __tablename__ = "status_counts"
    __table_args__ = (UniqueConstraint("plan_id", "domain", "department", "status"),
                      # covering: the dashboard's counts by plan region are grouped from the index alone
                      Index("ix_status_counts_region_code", "region_code", "status", "count", "binding_count",
                            "risk_count", "binding_risk_count"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    region_code: Mapped[str] = mapped_column(code_column(20))
    domain: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)
    binding_count: Mapped[int] = mapped_column(Integer, default=0)  # of them 约束性
    risk_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # at risk (risk_key)
    binding_risk_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 约束性 and at risk
    main_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # in the indicator table
    first_position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # of them, the first


class StatusTotal(Base):
    """The register's stored indicator counts by domain × lead department × status: `status_counts`
    summed over every plan, kept by the same writes (`register.evaluations.save_many` adds the rows it
    inserts and takes off the rows it deletes), so the overview's and the dashboard's register-wide
    counts read a few hundred rows instead of grouping every plan's."""

    __tablename__ = "status_totals"
    __table_args__ = (UniqueConstraint("domain", "department", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)
    binding_count: Mapped[int] = mapped_column(Integer)
    risk_count: Mapped[int] = mapped_column(Integer)
    binding_risk_count: Mapped[int] = mapped_column(Integer)
    main_count: Mapped[int] = mapped_column(Integer)


class RegionStatusCount(Base):
    """How many stored indicator evaluations have each status in each region, per plan: the plan's own
    indicators in its region and its sub-region statuses in theirs (the dashboard's map and tiles).
    Rewritten with the plan's evaluations."""

    __tablename__ = "region_status_counts"
    __table_args__ = (Index("ix_region_status_counts_region_status", "region_code", "status", "count"),
                      Index("ix_region_status_counts_plan_id", "plan_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    region_code: Mapped[str] = mapped_column(code_column(20))
    status: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)


class RegionTotal(Base):
    """Per region with a stored status: its statuses in `region_status_counts` summed over the plans,
    as the dashboard's tiles order them (`register.summary._tile_key`: the worst status's rank, how
    many at risk, the code), stored negated so one ascending index serves the order. Recomputed for
    the regions a store touches, in the same transaction (`register.evaluations.save_many`). With them,
    the region's own plans' indicators (`status_counts` by plan region: the dashboard's region card,
    `register.summary.region_tally`), in the card's order, negated likewise."""

    __tablename__ = "region_totals"
    __table_args__ = (Index("ix_region_totals_tile_order", "neg_rank", "neg_risk", "region_code"),
                      Index("ix_region_totals_tally_order", "neg_own_risk", "neg_own_total", "region_code"))
    region_code: Mapped[str] = mapped_column(code_column(20), primary_key=True)
    neg_rank: Mapped[int] = mapped_column(Integer)  # minus the worst assessed status's rank (1: none)
    neg_risk: Mapped[int] = mapped_column(Integer)  # minus how many are at risk
    total: Mapped[int] = mapped_column(Integer)
    # minus how many indicators of plans of this region are at risk, and minus how many there are (0: none)
    neg_own_risk: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    neg_own_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RegionCount(Base):
    """How many `region_totals` rows there are, and how many of them count a plan's own indicators: one
    row, changed by the same writes (`register.evaluations._refresh_region_totals`), so the dashboard
    says how many regions it has without counting every region's row (43,265 at scale 1)."""

    __tablename__ = "region_counts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    regions: Mapped[int] = mapped_column(Integer)
    own_regions: Mapped[int] = mapped_column(Integer)


class AuditEntry(Base):
    """The global audit log: who did what to which target, when, before → after. Append-only (triggers),
    written in the transaction of the change (`register.auditlog`)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_actor", "actor"),
                      Index("ix_audit_log_action", "action"), Index("ix_audit_log_target", "target_kind", "target_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))  # "<kind>.<verb>": observation.status, user.create, ...
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)

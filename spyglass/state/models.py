"""The state file's shapes. ``SCHEMA_VERSION`` bumps on any incompatible change.

Version 2: checks and runs carry a typed ``spec`` (``{"type": ..., "params": {...}}``) where version 1
had ``type`` and ``params`` side by side; :mod:`spyglass.state.migrate` reads version 1 files. Fields
added with defaults (``RunRecord.result_digest`` and ``node_ids``, ``truncated`` on the results' row tables,
the change intelligence of :class:`LineageNode`, :attr:`EnvironmentInfo.base_freshness`) need no bump.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from spyglass.checks.registry import AnyResult, AnySpec

SCHEMA_VERSION = 2


class RunStatus(str, Enum):
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class ErrorInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: the SpyglassError class name (``RelationMissing``, ``CheckError`` ...)
    kind: str
    message: str
    remedy: str = ""


class RunRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    run_id: str
    spec: AnySpec
    check_id: str | None = None
    status: RunStatus
    result: AnyResult | None = None
    #: SHA-256 of the result as computed, set when the state file keeps a cut copy of it
    #: (:mod:`spyglass.state.bounds`): approvals compare results by this digest
    result_digest: str | None = None
    #: the changed or impacted nodes (unique ids) the check was about, its params resolved when it ran
    #: (before a run's ``--select`` narrowed them): what the summary's Not verified list attributes a
    #: failed or skipped check to; empty for a check about no node, and in older state files
    node_ids: list[str] = Field(default_factory=list)
    error: ErrorInfo | None = None
    started_at: datetime
    ended_at: datetime | None = None

    @property
    def mismatch(self) -> bool | None:
        """None when there is no result to judge."""
        return None if self.result is None else self.result.mismatch

    @property
    def seconds(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()


class CheckRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    check_id: str
    name: str
    description: str = ""
    spec: AnySpec
    approved: bool = False
    #: the digest (:func:`spyglass.state.bounds.full_digest`) of the result the reviewer's latest approve or
    #: unapprove was about; None: no reviewer decision recorded (a fresh ``spyglass run``). A decision about
    #: another result than the latest run's is no decision about the latest (:mod:`spyglass.gitlab.sync`)
    approval_digest: str | None = None
    #: who approved, in words (``@alice in GitLab``, ``Spyglass``); None when unknown or not approved
    approved_by: str | None = None
    is_preset: bool = False
    last_run_id: str | None = None
    created_at: datetime
    updated_at: datetime


class EnvSide(BaseModel):
    model_config = ConfigDict(frozen=True)

    target_path: str
    manifest_generated_at: str | None = None
    catalog_generated_at: str | None = None
    dbt_version: str | None = None
    adapter_type: str | None = None
    schema_names: list[str] = Field(default_factory=list)


class MergeRequestRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    iid: int
    project: str | None = None
    web_url: str | None = None
    source_branch: str | None = None
    target_branch: str | None = None
    head_sha: str | None = None


class BaseFreshnessInfo(BaseModel):
    """``spyglass check-base``'s verdict when the run was made: the base artifacts against the base
    branch's last change to the project (see :mod:`spyglass.project.freshness`)."""

    model_config = ConfigDict(frozen=True)

    status: Literal["fresh", "stale", "missing", "unknown"]
    #: the one-line verdict the summary shows
    line: str
    base_branch: str | None = None
    commit_sha: str | None = None


class EnvironmentInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    base: EnvSide
    current: EnvSide
    git_branch: str | None = None
    git_sha: str | None = None
    merge_request: MergeRequestRef | None = None
    #: None in state files written before base freshness was recorded
    base_freshness: BaseFreshnessInfo | None = None


ImpactKind = Literal["added", "removed", "modified", "impacted"]
CategoryName = Literal["breaking", "partial_breaking", "non_breaking", "unknown"]
ColumnChangeKind = Literal["added", "removed", "modified"]


class LineageNode(BaseModel):
    """A changed node or one downstream of a change.

    The fields after ``reasons`` are the change intelligence (:mod:`spyglass.project.changes`), filled
    when :attr:`LineageSummary.analysed`; lists are capped (:mod:`spyglass.state.lineage`), their full
    length kept in the ``*_count`` fields.
    """

    model_config = ConfigDict(frozen=True)

    unique_id: str
    name: str
    resource_type: str
    #: added / removed / modified / unchanged
    status: str
    #: downstream of a change (whatever the change)
    impacted: bool = False
    #: what differs in the manifest: "code", "config.materialized" ...
    reasons: list[str] = Field(default_factory=list)
    #: the change itself, or ``impacted`` (unchanged, but a change upstream can affect it); None: a change
    #: upstream cannot affect it (non-breaking, or on columns it does not use)
    change: ImpactKind | None = None
    #: a modified node's category
    category: CategoryName | None = None
    #: why, in plain words (SQL fragments in backticks): "new filter `status <> 'returned'`"
    category_reasons: list[str] = Field(default_factory=list)
    #: a modified node's changed columns
    columns: dict[str, ColumnChangeKind] = Field(default_factory=dict)
    #: ``"<node name>.<column>"``: for a changed node, the downstream columns it can affect; for an
    #: impacted node, its own columns a change upstream can affect (not listed when ``whole_node``: all)
    impacted_columns: list[str] = Field(default_factory=list)
    impacted_column_count: int = 0
    #: a changed node's impacted columns counted per downstream node (by name)
    impacted_column_counts: dict[str, int] = Field(default_factory=dict)
    #: a changed node's downstream nodes it can affect (unique ids), and the exposures among them
    impacted_nodes: list[str] = Field(default_factory=list)
    impacted_node_count: int = 0
    exposures: list[str] = Field(default_factory=list)
    #: every column of the node may be affected (a breaking change upstream, or a filter column)
    whole_node: bool = False
    #: columns of the node in current (None: unknown)
    column_count: int | None = None
    #: table / view / incremental / ephemeral ... (current, else base)
    materialized: str | None = None
    #: the key dbt's tests declare (a ``unique`` column, or columns unique together)
    primary_key: list[str] = Field(default_factory=list)
    #: its relation is in the current catalog (None: no current catalog, or not a relation)
    built: bool | None = None
    #: in the run's ``--select/--exclude`` (always True without one)
    selected: bool = True


class LineageSummary(BaseModel):
    """The changed nodes, their downstream, and the edges among them (what the summary draws)."""

    model_config = ConfigDict(frozen=True)

    nodes: list[LineageNode] = Field(default_factory=list)
    edges: list[tuple[str, str]] = Field(default_factory=list)
    #: the nodes carry the change intelligence (False in older state files, or when it could not be had)
    analysed: bool = False
    #: the run's ``--select/--exclude`` as written, when it had one
    selection: str | None = None


class State(BaseModel):
    model_config = ConfigDict(frozen=True)

    schema_version: int = SCHEMA_VERSION
    spyglass_version: str
    created_at: datetime
    updated_at: datetime
    environment: EnvironmentInfo | None = None
    lineage: LineageSummary | None = None
    checks: list[CheckRecord] = Field(default_factory=list)
    runs: list[RunRecord] = Field(default_factory=list)

    def run(self, run_id: str | None) -> RunRecord | None:
        return next((r for r in self.runs if r.run_id == run_id), None) if run_id else None

    def latest_run(self, check: CheckRecord) -> RunRecord | None:
        return self.run(check.last_run_id)

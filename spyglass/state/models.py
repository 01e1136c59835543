"""The state file's shapes. ``SCHEMA_VERSION`` bumps on any incompatible change.

Version 2: checks and runs carry a typed ``spec`` (``{"type": ..., "params": {...}}``) where version 1
had ``type`` and ``params`` side by side; :mod:`spyglass.state.migrate` reads version 1 files. Fields
added with defaults (``RunRecord.result_digest``, ``truncated`` on the results' row tables) need no bump.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

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


class EnvironmentInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    base: EnvSide
    current: EnvSide
    git_branch: str | None = None
    git_sha: str | None = None
    merge_request: MergeRequestRef | None = None


class LineageNode(BaseModel):
    model_config = ConfigDict(frozen=True)

    unique_id: str
    name: str
    resource_type: str
    #: added / removed / modified / unchanged
    status: str
    impacted: bool = False
    reasons: list[str] = Field(default_factory=list)


class LineageSummary(BaseModel):
    """The changed nodes, their downstream, and the edges among them (what the summary draws)."""

    model_config = ConfigDict(frozen=True)

    nodes: list[LineageNode] = Field(default_factory=list)
    edges: list[tuple[str, str]] = Field(default_factory=list)


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

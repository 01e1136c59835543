"""Request and response bodies of the JSON API (frozen pydantic models; they make the OpenAPI doc)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from spyglass.checks.registry import AnyResult
from spyglass.state.models import EnvironmentInfo, ErrorInfo, RawParams, RunStatus


class Body(BaseModel):
    """Base of request bodies: unknown fields are refused, so typos get a 422 instead of silence."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class ErrorBody(View):
    error: str
    remedy: str = ""


# -- lineage ----------------------------------------------------------------------------------------
class GraphNode(View):
    unique_id: str
    name: str
    resource_type: str
    status: str
    impacted: bool
    reasons: list[str]
    materialized: str | None = None
    primary_key: str | None = None


class Graph(View):
    nodes: list[GraphNode]
    edges: list[tuple[str, str]]
    #: changes every time the artifacts are reloaded; pages refresh when it moves
    version: int


class ColumnDiff(View):
    name: str
    base_type: str | None
    current_type: str | None
    base_index: int | None
    current_index: int | None
    #: added / removed / type_changed / reordered / unchanged
    change: str


class NodeDetail(View):
    unique_id: str
    name: str
    resource_type: str
    status: str
    impacted: bool
    reasons: list[str]
    materialized: str | None
    primary_key: str | None
    base_relation: str | None
    current_relation: str | None
    base_sql: str | None
    current_sql: str | None
    #: where the column list came from: catalog / manifest / none
    columns_source: str
    columns: list[ColumnDiff]


class SelectRequest(Body):
    select: str | list[str] | None = None
    exclude: str | list[str] | None = None


class SelectResponse(View):
    nodes: list[str]


# -- runs -----------------------------------------------------------------------------------------
class RunRequest(Body):
    type: str
    params: RawParams = Field(default_factory=dict)
    check_id: str | None = None


class RunView(View):
    run_id: str
    type: str
    title: str
    params: RawParams
    check_id: str | None
    status: RunStatus
    progress: float = 0.0
    progress_message: str = ""
    result: AnyResult | None = None
    error: ErrorInfo | None = None
    started_at: datetime
    ended_at: datetime | None = None
    mismatch: bool | None = None
    headline: str | None = None
    #: the same Markdown the MR summary shows for this result
    details_markdown: str = ""


# -- checks ---------------------------------------------------------------------------------------
class CheckCreate(Body):
    """Create a check from a finished run (``run_id``) or from a type and params."""

    run_id: str | None = None
    type: str | None = None
    params: RawParams | None = None
    name: str | None = None
    description: str = ""


class CheckPatch(Body):
    name: str | None = None
    description: str | None = None
    approved: bool | None = None
    params: RawParams | None = None


class ReorderRequest(Body):
    check_ids: list[str]


class CheckView(View):
    check_id: str
    name: str
    description: str
    type: str
    params: RawParams
    approved: bool
    is_preset: bool
    created_at: datetime
    updated_at: datetime
    last_run: RunView | None = None


# -- query ----------------------------------------------------------------------------------------
class QueryRequest(Body):
    sql_template: str = Field(min_length=1, max_length=100_000)
    #: base / current / diff
    env: str = "current"
    base_sql_template: str | None = None
    primary_keys: list[str] | None = None


# -- state ----------------------------------------------------------------------------------------
class SaveResponse(View):
    path: str


class InfoResponse(View):
    version: str
    project_dir: str
    state_file: str | None
    adapter_type: str | None
    warehouse: str | None
    auth_required: bool
    check_types: list[str]
    artifacts_version: int
    environment: EnvironmentInfo

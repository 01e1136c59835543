"""Request and response bodies of the JSON API (frozen pydantic models; they make the OpenAPI doc)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue

from spyglass.checks.registry import AnyResult, AnySpec
from spyglass.state.models import EnvironmentInfo, ErrorInfo, RunStatus

#: the most a check's params may take as JSON: every run and check stores them in the state file
MAX_PARAMS_BYTES = 256 * 1024


def _fits(params_json: str) -> None:
    size = len(params_json.encode("utf-8"))
    if size > MAX_PARAMS_BYTES:
        raise ValueError(f"params take {size:,} bytes as JSON, more than the {MAX_PARAMS_BYTES:,} a check may store")


def _spec_fits(spec: AnySpec) -> AnySpec:
    _fits(spec.params.model_dump_json())
    return spec


def _params_fit(params: dict[str, JsonValue]) -> dict[str, JsonValue]:
    _fits(json.dumps(params, ensure_ascii=False))
    return params


#: a spec as a request sends it: parsed (unknown type, invalid params: 422 naming the field), and refused
#: (422) when its params are too large to store
RequestSpec = Annotated[AnySpec, AfterValidator(_spec_fits)]


class Body(BaseModel):
    """Base of request bodies: unknown fields are refused, so typos get a 422 instead of silence."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


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


class NodeDetail(GraphNode):
    """A node as the graph shows it, plus its relations, SQL and column changes."""

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
    spec: RequestSpec
    check_id: str | None = None


class RunView(View):
    run_id: str
    spec: AnySpec
    title: str
    check_id: str | None
    status: RunStatus
    progress: float = 0.0
    progress_message: str = ""
    result: AnyResult | None = None
    error: ErrorInfo | None = None
    started_at: datetime
    ended_at: datetime | None = None
    mismatch: bool | None = None
    #: False when the result cannot prove there is no difference (a manual check, a schema diff without
    #: catalog): a reviewer decides
    conclusive: bool | None = None
    headline: str | None = None
    #: the same Markdown the MR summary shows for this result
    details_markdown: str = ""


# -- checks ---------------------------------------------------------------------------------------
class CheckCreate(Body):
    """Create a check from a finished run (``run_id``) or from a spec (not run yet)."""

    run_id: str | None = None
    spec: RequestSpec | None = None
    name: str | None = Field(default=None, max_length=1_000)
    description: str = Field(default="", max_length=100_000)


class CheckPatch(Body):
    """Changes to a check. New ``params`` (or a whole ``spec``, of the check's own type) clear its approval."""

    name: str | None = Field(default=None, max_length=1_000)
    description: str | None = Field(default=None, max_length=100_000)
    approved: bool | None = None
    spec: RequestSpec | None = None
    #: validated against the check's own type
    params: Annotated[dict[str, JsonValue], AfterValidator(_params_fit)] | None = None


class ReorderRequest(Body):
    check_ids: list[str]


class CheckView(View):
    check_id: str
    name: str
    description: str
    spec: AnySpec
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
    base_sql_template: str | None = Field(default=None, max_length=100_000)
    primary_keys: list[str] | None = Field(default=None, max_length=100)


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

"""Request and response bodies of the JSON API (frozen pydantic models; they make the OpenAPI doc)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Literal

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
#: the most columns, nodes or hops one list of a change-intelligence answer holds (a ``*_total`` field
#: says how many there are)
MAX_LISTED = 200


class GraphNode(View):
    unique_id: str
    name: str
    resource_type: str
    status: str
    impacted: bool
    reasons: list[str]
    materialized: str | None = None
    primary_key: str | None = None
    #: as the impact report sees it: added / removed / modified / impacted; None when no change can affect it
    change: str | None = None
    #: breaking / partial_breaking / non_breaking / unknown (modified nodes only)
    category: str | None = None
    #: every column of the node may be affected (a breaking change upstream, or a filter column)
    whole_node: bool = False
    #: the node's own columns a change touches: the changed columns of a modified node, the affected columns
    #: of an impacted one (at most MAX_LISTED)
    affected_columns: list[str] = Field(default_factory=list)
    affected_columns_total: int = 0


#: ok: no difference or approved; changed: a difference; failed: a check failed; review: to look at
BadgeTone = Literal["ok", "changed", "failed", "review"]


class NodeBadge(View):
    """What the checklist found about a node, as the graph's badge on it (:mod:`spyglass.server.badges`)."""

    #: "-5.0% rows", "98.2% match", "identical", or the checks' status: "failed", "approved", "to review"
    text: str
    #: rows: a row count's change; values: a value diff's match; status: no figure, the checks' status
    kind: Literal["rows", "values", "status"]
    tone: BadgeTone
    #: every check about the node is approved
    approved: bool = False
    #: one line per check about the node: "<check name>: <outcome>"
    details: list[str] = Field(default_factory=list)


class Graph(View):
    nodes: list[GraphNode]
    edges: list[tuple[str, str]]
    #: changes every time the artifacts are reloaded; pages refresh when it moves
    version: int
    #: by node id, for the nodes a check of the checklist is about
    badges: dict[str, NodeBadge] = Field(default_factory=dict)


class ColumnDiff(View):
    name: str
    base_type: str | None
    current_type: str | None
    base_index: int | None
    current_index: int | None
    #: added / removed / type_changed / reordered / unchanged
    change: str


class NodeImpactView(View):
    """One node of the impact report, field for field as ``spyglass impact --json`` prints it (lists capped
    at MAX_LISTED; the ``*_total`` fields count them all)."""

    change: str
    category: str | None
    reasons: list[str]
    #: changed columns of a modified node: added / removed / modified
    columns: dict[str, str]
    #: "<node name>.<column>": downstream columns a change can affect, or an impacted node's own
    impacted_columns: list[str]
    impacted_columns_total: int
    #: unique ids of the downstream nodes a change can affect
    impacted_nodes: list[str]
    impacted_nodes_total: int
    #: names of the exposures (dashboards) among them
    exposures: list[str]
    whole_node: bool


class NodeColumn(View):
    """One column of a node in the panel: what the change does to it and where it comes from."""

    name: str
    #: added / removed / modified; None when the change leaves it alone
    change: str | None = None
    #: an upstream change can affect it
    impacted: bool = False
    #: how the node makes it (passthrough / renamed / derived ...); None when the lineage is unknown
    transformation: str | None = None
    #: "<node name>.<column>" it is made from (at most MAX_LISTED)
    upstream: list[str] = Field(default_factory=list)


class NodeDetail(GraphNode):
    """A node as the graph shows it, plus its relations, SQL and column changes."""

    base_relation: str | None
    current_relation: str | None
    base_sql: str | None
    current_sql: str | None
    #: where the column list came from: catalog / manifest / none
    columns_source: str
    columns: list[ColumnDiff]
    #: the node's entry of the impact report; None when no change can affect the node
    impact: NodeImpactView | None = None
    #: the node's columns with their change, impact and lineage (at most MAX_LISTED)
    lineage_columns: list[NodeColumn] = Field(default_factory=list)
    lineage_columns_total: int = 0
    #: why the column lineage is unknown (SQL that cannot be parsed, a node not compiled), else None
    lineage_reason: str | None = None


class ColumnHopView(View):
    """One column reached from the asked one: ``node``.``column``, ``depth`` hops away."""

    unique_id: str
    node: str
    column: str
    #: passthrough / renamed / derived / aggregated / source / unknown
    transformation: str
    depth: int


class ColumnLineageResponse(View):
    """A column's upstream and downstream columns across nodes (``node`` is the name; lists capped)."""

    unique_id: str
    node: str
    column: str
    #: base / current: the side whose SQL was read
    env: str
    upstream: list[ColumnHopView]
    downstream: list[ColumnHopView]
    upstream_total: int
    downstream_total: int


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

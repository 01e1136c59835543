"""lineage_diff: the selected nodes with their change status, from the two manifests.

Pure (``needs_warehouse=False``). Params are Recce's: ``select``, ``exclude``, ``view_mode``
(``changed_models``, the default, shows ``1+state:modified+``: changed nodes, their direct parents and
everything downstream; ``all`` shows every node) applies when ``select`` is not given; ``packages``
is accepted and ignored.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from spyglass.checks.base import CheckContext, CheckDefinition, CheckSpec, Params, Result
from spyglass.checks.scope import CheckNodes, as_selector
from spyglass.project.selection import describe_selection, select_nodes

ViewMode = Literal["changed_models", "all"]
_CHANGED_MODELS = "1+state:modified+"
_STATUS_ORDER = {"added": 0, "removed": 1, "modified": 2, "unchanged": 3}


class LineageDiffParams(Params):
    select: str | list[str] | None = None
    exclude: str | list[str] | None = None
    view_mode: ViewMode = "changed_models"

    def nodes(self) -> CheckNodes:
        return CheckNodes(select=as_selector(_selector(self)), exclude=as_selector(self.exclude))

    def narrowed(self, nodes: CheckNodes) -> LineageDiffParams:
        return self.model_copy(update={"select": list(nodes.select) or None, "exclude": list(nodes.exclude) or None})


class LineageNodeStatus(BaseModel):
    model_config = ConfigDict(frozen=True)

    unique_id: str
    name: str
    resource_type: str
    status: Literal["added", "removed", "modified", "unchanged"]
    #: why modified: "code", "config.materialized" ...
    reasons: tuple[str, ...] = ()
    #: unchanged but downstream of a change
    impacted: bool = False

    @property
    def changed(self) -> bool:
        return self.status != "unchanged"


class LineageDiffResult(Result):
    kind: Literal["lineage_diff"] = "lineage_diff"
    selection: str = ""
    #: changed nodes first (added, removed, modified), then unchanged; by unique id within a status
    nodes: tuple[LineageNodeStatus, ...] = ()
    #: (parent, child) edges among the selected nodes, over the union of both graphs
    edges: tuple[tuple[str, str], ...] = ()

    def count(self, status: str) -> int:
        return sum(1 for n in self.nodes if n.status == status)

    @property
    def changed_nodes(self) -> tuple[LineageNodeStatus, ...]:
        return tuple(n for n in self.nodes if n.changed)

    @property
    def mismatch(self) -> bool:
        return any(n.changed for n in self.nodes)

    @property
    def headline(self) -> str:
        total = len(self.nodes)
        if not self.mismatch:
            return f"no changes in {total} node{'s' if total != 1 else ''}"
        parts = [f"{self.count(s)} {s}" for s in ("added", "removed", "modified") if self.count(s)]
        return f"{', '.join(parts)} of {total} nodes"


def _selector(params: LineageDiffParams) -> str | list[str] | None:
    if params.select:
        return params.select
    return _CHANGED_MODELS if params.view_mode == "changed_models" else None


def run(params: LineageDiffParams, ctx: CheckContext) -> LineageDiffResult:
    lineage = ctx.lineage
    ids = select_nodes(ctx.artifacts, lineage, _selector(params), params.exclude)
    nodes = sorted(
        (LineageNodeStatus(unique_id=c.unique_id, name=c.name, resource_type=c.resource_type.value,
                           status=c.status.value, reasons=c.reasons, impacted=c.impacted)
         for uid, c in lineage.changes.items() if uid in ids),
        key=lambda n: (_STATUS_ORDER[n.status], n.unique_id),
    )
    edges = sorted((parent, child) for child in ids for parent in lineage.parent_map.get(child, ()) if parent in ids)
    return LineageDiffResult(selection=_describe(params), nodes=tuple(nodes), edges=tuple(edges))


def _describe(params: LineageDiffParams) -> str:
    if not params.select and params.view_mode == "all":
        return describe_selection(select="all nodes", exclude=params.exclude)
    return describe_selection(select=_selector(params), exclude=params.exclude)


def title(params: LineageDiffParams) -> str:
    return f"Lineage diff of {_describe(params)}"


class LineageDiffSpec(CheckSpec[LineageDiffParams]):
    type: Literal["lineage_diff"] = "lineage_diff"


LINEAGE_DIFF = CheckDefinition(
    spec_model=LineageDiffSpec, result_model=LineageDiffResult, run=run, title=title, needs_warehouse=False,
)

"""Row count diff (``row_count_diff``, Recce alias ``row_count``): ``count(*)`` per node on both sides.

Nodes come from ``node_names`` / ``node_ids`` (explicit, Recce's rule: they win) or a dbt selector
``select`` minus ``exclude`` (default ``state:modified``), limited to models, seeds and snapshots. All
counts of both sides run concurrently through :meth:`Warehouse.execute_many`. Each side of each node
gets a status (``ok``, ``table_missing``, ``not_materialized``, ``not_in_manifest``,
``permission_denied``, ``error``); a failure on one node never fails the check.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from spyglass.checks.base import CheckContext, CheckDefinition, CheckSpec, Params, Result
from spyglass.checks.scope import CheckNodes, as_selector
from spyglass.exceptions import Cancelled, PermissionDenied, RelationMissing, SpyglassError
from spyglass.project.models import Env, Manifest, Node, ResourceType
from spyglass.project.selection import describe_selection, select_targets
from spyglass.warehouse.base import QueryResult, Warehouse

_COUNTED_TYPES = frozenset({ResourceType.MODEL, ResourceType.SEED, ResourceType.SNAPSHOT})
DEFAULT_SELECT = "state:modified"


class RowCountDiffParams(Params):
    """Which nodes to count; ``node_names``/``node_ids`` win over ``select``/``exclude``."""

    node_names: tuple[str, ...] | None = None
    node_ids: tuple[str, ...] | None = None
    select: str | tuple[str, ...] | None = None
    exclude: str | tuple[str, ...] | None = None

    @field_validator("node_names", "node_ids", mode="before")
    @classmethod
    def _one_name(cls, value: object) -> object:
        """Accept a single name where Recce takes a list."""
        return [value] if isinstance(value, str) else value

    @property
    def explicit_nodes(self) -> tuple[str, ...]:
        return tuple(self.node_ids or ()) + tuple(self.node_names or ())

    def nodes(self) -> CheckNodes:
        return CheckNodes(names=self.explicit_nodes, select=as_selector(self.select) or (DEFAULT_SELECT,),
                          exclude=as_selector(self.exclude))

    def narrowed(self, nodes: CheckNodes) -> RowCountDiffParams:
        return self.model_copy(update={"node_ids": nodes.names or None, "node_names": None,
                                       "select": nodes.select or None, "exclude": nodes.exclude or None})


class SideStatus(str, Enum):
    OK = "ok"
    TABLE_MISSING = "table_missing"
    NOT_MATERIALIZED = "not_materialized"
    NOT_IN_MANIFEST = "not_in_manifest"
    PERMISSION_DENIED = "permission_denied"
    ERROR = "error"


#: statuses that say nothing about the data: the node cannot be verified on that side
_UNVERIFIED = frozenset({SideStatus.TABLE_MISSING, SideStatus.PERMISSION_DENIED, SideStatus.ERROR})


class SideCount(BaseModel):
    """One side of one node: its status and, when ``ok``, its row count."""

    model_config = ConfigDict(frozen=True)

    status: SideStatus
    count: int | None = None
    error: str | None = None


class RowCountRow(BaseModel):
    """Base and current counts of one node, with the derived change figures as properties."""

    model_config = ConfigDict(frozen=True)

    unique_id: str
    name: str
    resource_type: str
    base: SideCount
    current: SideCount

    @property
    def base_count(self) -> int | None:
        return self.base.count

    @property
    def current_count(self) -> int | None:
        return self.current.count

    @property
    def delta(self) -> int | None:
        """``current - base`` when both sides were counted."""
        if self.base.count is None or self.current.count is None:
            return None
        return self.current.count - self.base.count

    @property
    def delta_pct(self) -> float | None:
        """The change in percent of the base count (None when not both counted or base is 0)."""
        delta = self.delta
        if delta is None or not self.base.count:
            return None
        return delta * 100.0 / self.base.count

    @property
    def changed(self) -> bool:
        """Counts or statuses differ, or a side could not be verified (missing table, no access)."""
        if self.base.status in _UNVERIFIED or self.current.status in _UNVERIFIED:
            return True
        return (self.base.status, self.base.count) != (self.current.status, self.current.count)


class RowCountDiffResult(Result):
    kind: Literal["row_count_diff"] = "row_count_diff"
    rows: tuple[RowCountRow, ...] = ()
    selection: str = DEFAULT_SELECT

    @property
    def changed_rows(self) -> tuple[RowCountRow, ...]:
        return tuple(row for row in self.rows if row.changed)

    @property
    def mismatch(self) -> bool:
        return any(row.changed for row in self.rows)

    @property
    def headline(self) -> str:
        total = len(self.rows)
        if total == 0:
            return "no nodes selected"
        noun = "node" if total == 1 else "nodes"
        changed = len(self.changed_rows)
        if changed == 0:
            return f"{total} {noun}, row counts equal"
        return f"{changed} of {total} {noun} differ"


def run(params: RowCountDiffParams, ctx: CheckContext) -> RowCountDiffResult:
    warehouse = ctx.require_warehouse()
    ids = select_targets(ctx.artifacts, ctx.lineage, node_ids=params.explicit_nodes or None,
                         select=params.select, exclude=params.exclude, default_select=DEFAULT_SELECT)
    base, current = ctx.artifacts.base.manifest, ctx.artifacts.current.manifest
    if not params.explicit_nodes:
        ids = frozenset(uid for uid in ids if _node_type(uid, base, current) in _COUNTED_TYPES)
    ordered = sorted(ids, key=lambda uid: (_display_name(uid, base, current), uid))
    ctx.progress(0.0, f"Counting rows of {len(ordered)} nodes")
    sides = _count_sides(warehouse, ordered, {Env.BASE: base, Env.CURRENT: current}, ctx)
    rows = tuple(
        RowCountRow(unique_id=uid, name=_display_name(uid, base, current),
                    resource_type=_node_type(uid, base, current).value,
                    base=sides[(Env.BASE, uid)], current=sides[(Env.CURRENT, uid)])
        for uid in ordered
    )
    ctx.progress(1.0, "Row counts done")
    return RowCountDiffResult(rows=rows, selection=title_selection(params))


def _count_sides(warehouse: Warehouse, ordered: list[str], manifests: dict[Env, Manifest],
                 ctx: CheckContext) -> dict[tuple[Env, str], SideCount]:
    """Run every needed ``count(*)`` in one concurrent batch; statuses for the others."""
    sides: dict[tuple[Env, str], SideCount] = {}
    pending: list[tuple[Env, str]] = []
    statements: list[str] = []
    for env, manifest in manifests.items():
        for uid in ordered:
            node = manifest.nodes.get(uid)
            if node is None:
                sides[(env, uid)] = SideCount(status=SideStatus.NOT_IN_MANIFEST)
            elif not node.is_relation or not node.relation_name:
                sides[(env, uid)] = SideCount(status=SideStatus.NOT_MATERIALIZED)
            else:
                pending.append((env, uid))
                statements.append(f"select count(*) from {warehouse.relation(node)}")
    outcomes = warehouse.execute_many(statements, cancel=ctx.cancel) if statements else []
    for key, outcome in zip(pending, outcomes, strict=True):
        sides[key] = _side_from(outcome)
    return sides


def _side_from(outcome: QueryResult | Exception) -> SideCount:
    if isinstance(outcome, Cancelled):
        raise outcome
    if isinstance(outcome, RelationMissing):
        return SideCount(status=SideStatus.TABLE_MISSING, error=outcome.message)
    if isinstance(outcome, PermissionDenied):
        return SideCount(status=SideStatus.PERMISSION_DENIED, error=outcome.message)
    if isinstance(outcome, SpyglassError):
        return SideCount(status=SideStatus.ERROR, error=outcome.message)
    if isinstance(outcome, Exception):
        return SideCount(status=SideStatus.ERROR, error=str(outcome))
    value = outcome.scalar()
    return SideCount(status=SideStatus.OK, count=int(str(value)) if value is not None else 0)


def _node_of(uid: str, base: Manifest, current: Manifest) -> Node | None:
    return current.nodes.get(uid) or base.nodes.get(uid)


def _node_type(uid: str, base: Manifest, current: Manifest) -> ResourceType:
    node = _node_of(uid, base, current)
    return node.resource_type if node else ResourceType.OTHER


def _display_name(uid: str, base: Manifest, current: Manifest) -> str:
    node = _node_of(uid, base, current)
    return node.name if node else uid.rsplit(".", 1)[-1]


def title_selection(params: RowCountDiffParams) -> str:
    return describe_selection(node_ids=params.explicit_nodes or None, select=params.select,
                              exclude=params.exclude, default_select=DEFAULT_SELECT)


def title(params: RowCountDiffParams) -> str:
    return f"Row count diff of {title_selection(params)}"


class RowCountDiffSpec(CheckSpec[RowCountDiffParams]):
    type: Literal["row_count_diff"] = "row_count_diff"


ROW_COUNT_DIFF = CheckDefinition(spec_model=RowCountDiffSpec, result_model=RowCountDiffResult, run=run, title=title)

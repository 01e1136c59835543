"""Running a row count diff: ``COUNT(*)`` per node on both sides.

Nodes come from ``node_names`` / ``node_ids`` (explicit, Recce's rule: they win) or a dbt selector
``select`` minus ``exclude`` (default ``state:modified``), limited to models, seeds and snapshots. All
counts of both sides run concurrently through :meth:`Warehouse.execute_many`. Each side of each node
gets a status; a failure on one node never fails the check. With a row filter (``where``, ``since``/``until``
over each node's ``event_time``: :mod:`spyglass.checks.row_filter`) the filtered rows are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlglot import exp

from spyglass.checks.base import CheckContext
from spyglass.checks.row_count.result import RowCountDiffResult, RowCountRow, SideCount, SideStatus
from spyglass.checks.row_count.spec import DEFAULT_SELECT, RowCountDiffParams, title_selection
from spyglass.checks.row_filter import RowFilter
from spyglass.checks.row_filter import resolve as resolve_filter
from spyglass.checks.sql import SqlBuilder
from spyglass.exceptions import Cancelled, PermissionDenied, RelationMissing, SpyglassError
from spyglass.project.models import Env, Manifest, Node, ResourceType
from spyglass.project.selection import select_targets
from spyglass.warehouse.base import QueryResult, Warehouse

_COUNTED_TYPES = frozenset({ResourceType.MODEL, ResourceType.SEED, ResourceType.SNAPSHOT})
#: the output of a count statement
ROW_COUNT = "row_count"


def run(params: RowCountDiffParams, ctx: CheckContext) -> RowCountDiffResult:
    warehouse = ctx.require_warehouse()
    ids = select_targets(ctx.artifacts, ctx.lineage, node_ids=params.explicit_nodes or None,
                         select=params.select, exclude=params.exclude, default_select=DEFAULT_SELECT)
    base, current = ctx.artifacts.base.manifest, ctx.artifacts.current.manifest
    if not params.explicit_nodes:
        ids = frozenset(uid for uid in ids if _node_type(uid, base, current) in _COUNTED_TYPES)
    ordered = sorted(ids, key=lambda uid: (_display_name(uid, base, current), uid))
    ctx.progress(0.0, f"Counting rows of {len(ordered)} nodes")
    counting = _Counting(warehouse, SqlBuilder.for_warehouse(warehouse), params.row_filter)
    sides = _count_sides(counting, ordered, {Env.BASE: base, Env.CURRENT: current}, ctx)
    rows = tuple(
        RowCountRow(unique_id=uid, name=_display_name(uid, base, current),
                    resource_type=_node_type(uid, base, current).value,
                    base=sides[(Env.BASE, uid)], current=sides[(Env.CURRENT, uid)])
        for uid in ordered
    )
    ctx.progress(1.0, "Row counts done")
    return RowCountDiffResult(rows=rows, selection=title_selection(params), notes=counting.summary())


def count_sql(relation: str, sql: SqlBuilder, condition: exp.Expr | None = None) -> str:
    """``SELECT COUNT(*) AS row_count FROM relation`` (``WHERE condition`` when given: a parsed tree)."""
    source = sql.relation(relation) if condition is None else sql.filtered(relation, condition, "t")
    return sql.render(exp.select(exp.alias_(exp.Count(this=exp.Star()), ROW_COUNT)).from_(source))


@dataclass
class _Counting:
    """What the counts of one run share: the warehouse, the row filter and what it said per node."""

    warehouse: Warehouse
    sql: SqlBuilder
    row_filter: RowFilter
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    described: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def statement(self, node: Node) -> str:
        relation = self.warehouse.relation(node)
        if not self.row_filter.active:
            return count_sql(relation, self.sql)
        resolved = resolve_filter(self.row_filter, self.sql, node=node, columns=None, model=node.name, now=self.now)
        if resolved.description and resolved.description not in self.described:
            self.described.append(resolved.description)
        if resolved.ignored and node.name not in self.ignored:
            self.ignored.append(node.name)
        return count_sql(relation, self.sql, resolved.condition)

    def summary(self) -> tuple[str, ...]:
        notes = [f"Rows filtered: {text}." for text in self.described]
        if self.ignored:
            notes.append(f"The time window was ignored for {', '.join(self.ignored)} (no event_time config): "
                         "all their rows were counted.")
        return tuple(notes)


def _count_sides(counting: _Counting, ordered: list[str], manifests: dict[Env, Manifest],
                 ctx: CheckContext) -> dict[tuple[Env, str], SideCount]:
    """Run every needed count in one concurrent batch; statuses for the others."""
    warehouse = counting.warehouse
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
                statements.append(counting.statement(node))
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
    return SideCount(status=SideStatus.OK, count=outcome.record().as_int(ROW_COUNT))


def _node_of(uid: str, base: Manifest, current: Manifest) -> Node | None:
    return current.nodes.get(uid) or base.nodes.get(uid)


def _node_type(uid: str, base: Manifest, current: Manifest) -> ResourceType:
    node = _node_of(uid, base, current)
    return node.resource_type if node else ResourceType.OTHER


def _display_name(uid: str, base: Manifest, current: Manifest) -> str:
    node = _node_of(uid, base, current)
    return node.name if node else uid.rsplit(".", 1)[-1]

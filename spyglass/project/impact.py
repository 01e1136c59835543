"""Impact radius: from each change, the downstream nodes and columns it can affect (pure).

* ``breaking`` and ``unknown`` modifications, and removed nodes, can affect every row downstream: every
  downstream node is impacted whole.
* ``partial_breaking`` ones affect the downstream columns made from the changed columns, hop by hop
  through column lineage; a downstream node that filters, joins or groups on an affected column is
  impacted whole from there on, and so is an exposure of an affected model.
* ``non_breaking`` ones and added nodes affect nothing that exists downstream.

Downstream columns are read on the current side (what the merge request builds).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from spyglass.project.change_types import (
    Category,
    Classification,
    ColumnRef,
    ImpactChange,
    ImpactReport,
    NodeImpact,
)
from spyglass.project.classify import changed_columns
from spyglass.project.column_lineage import SideColumns
from spyglass.project.lineage import ChangeStatus, LineageDiff, descendants
from spyglass.project.models import ResourceType

_WHOLE = frozenset({Category.BREAKING, Category.UNKNOWN})
_CHANGE_ORDER = {ImpactChange.ADDED: 0, ImpactChange.REMOVED: 1, ImpactChange.MODIFIED: 2, ImpactChange.IMPACTED: 3}


@dataclass
class Reach:
    """What one change can affect: nodes affected whole, and columns of the others."""

    whole: set[str] = field(default_factory=set)
    columns: dict[str, set[str]] = field(default_factory=dict)

    def nodes(self) -> set[str]:
        return self.whole | set(self.columns)


def reach(unique_id: str, category: Category | None, classification: Classification | None,
          lineage: LineageDiff, side: SideColumns) -> Reach:
    """What the change of ``unique_id`` can affect downstream (``category`` None: added or removed)."""
    status = lineage.changes[unique_id].status
    if status is ChangeStatus.REMOVED or category in _WHOLE:
        return Reach(whole=descendants([unique_id], lineage.child_map))
    if category is not Category.PARTIAL_BREAKING or classification is None:
        return Reach()
    return _column_reach([ColumnRef(unique_id, c) for c in changed_columns(classification)], lineage, side)


def _column_reach(start: list[ColumnRef], lineage: LineageDiff, side: SideColumns) -> Reach:
    found = Reach()
    seen = set(start)
    frontier = sorted(seen)
    while frontier:
        nxt: list[ColumnRef] = []
        for ref in frontier:
            for child in side.manifest.child_map.get(ref.node, ()):
                if child in found.whole:
                    continue
                columns = side.node(child)
                child_node = side.manifest.nodes.get(child)
                if (child_node is not None and child_node.resource_type is ResourceType.EXPOSURE) \
                        or ref in columns.filters:
                    found.whole |= {child} | descendants([child], lineage.child_map)
                    continue
                for name, origin in columns.columns.items():
                    other = ColumnRef(child, name)
                    if ref in origin.upstream and other not in seen:
                        seen.add(other)
                        nxt.append(other)
                        found.columns.setdefault(child, set()).add(name)
        frontier = sorted(nxt)
    for uid in found.whole:
        found.columns.pop(uid, None)
    return found


def impact_report(lineage: LineageDiff, classify: Callable[[str], Classification | None], side: SideColumns,
                  ids: Collection[str] | None) -> ImpactReport:
    """Changed nodes (in ``ids`` when given) with what each can affect, then every node they affect."""
    changed = sorted(uid for uid in lineage.changed if ids is None or uid in ids)
    entries: list[NodeImpact] = []
    whole: set[str] = set()
    partial: dict[str, set[str]] = {}
    for uid in changed:
        change = lineage.changes[uid]
        classification = classify(uid) if change.status is ChangeStatus.MODIFIED else None
        category = classification.category if classification is not None else None
        found = reach(uid, category, classification, lineage, side)
        whole |= found.whole
        for node, cols in found.columns.items():
            partial.setdefault(node, set()).update(cols)
        entries.append(NodeImpact(
            unique_id=uid, name=change.name, resource_type=change.resource_type,
            change=ImpactChange(change.status.value), category=category,
            reasons=classification.reasons if classification is not None else (),
            columns=dict(classification.columns) if classification is not None else {},
            impacted_columns=_column_names(found.whole, found.columns, lineage, side),
            impacted_nodes=tuple(sorted(found.nodes())),
            exposures=tuple(sorted(lineage.changes[n].name for n in found.nodes() if n in lineage.changes
                                   and lineage.changes[n].resource_type is ResourceType.EXPOSURE))))
    for uid in sorted((whole | set(partial)) - set(lineage.changed)):
        if uid not in lineage.changes:
            continue
        change = lineage.changes[uid]
        is_whole = uid in whole
        entries.append(NodeImpact(
            unique_id=uid, name=change.name, resource_type=change.resource_type, change=ImpactChange.IMPACTED,
            impacted_columns=_column_names({uid} if is_whole else set(), {} if is_whole else {uid: partial[uid]},
                                           lineage, side),
            whole_node=is_whole))
    entries.sort(key=lambda e: (_CHANGE_ORDER[e.change], e.unique_id))
    return ImpactReport(nodes=tuple(entries))


def _column_names(whole: set[str], columns: dict[str, set[str]], lineage: LineageDiff,
                  side: SideColumns) -> tuple[str, ...]:
    names: list[str] = []
    for uid in sorted(whole | set(columns)):
        change = lineage.changes.get(uid)
        label = change.name if change is not None else uid
        cols = columns.get(uid) if uid not in whole else set(side.names(uid) or ())
        names.extend(f"{label}.{c}" for c in sorted(cols or ()))
    return tuple(names)

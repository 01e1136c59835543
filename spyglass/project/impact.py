"""Impact radius: from each change, the downstream nodes and columns it can affect (pure).

* ``breaking`` and ``unknown`` modifications, and removed nodes, can affect every row downstream: every
  downstream node is impacted whole.
* ``partial_breaking`` ones affect the downstream columns made from the changed columns, hop by hop
  through column lineage; a downstream node that filters, joins or groups on an affected column is
  impacted whole from there on, and so is an exposure of an affected model.
* ``non_breaking`` ones and added nodes affect nothing that exists downstream.

Modified columns are followed downstream on the current side (what the merge request builds), removed
ones on the base side (where what read them still exists). Nodes added or removed downstream are changes
of their own and never listed as affected.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from spyglass.project.change_types import (
    Category,
    Classification,
    ColumnChange,
    ColumnRef,
    ImpactChange,
    ImpactReport,
    NodeImpact,
)
from spyglass.project.column_lineage import SideColumns
from spyglass.project.lineage import ChangeStatus, LineageDiff, descendants
from spyglass.project.models import Env, ResourceType

_WHOLE = frozenset({Category.BREAKING, Category.UNKNOWN})
_CHANGE_ORDER = {ImpactChange.ADDED: 0, ImpactChange.REMOVED: 1, ImpactChange.MODIFIED: 2, ImpactChange.IMPACTED: 3}


@dataclass
class Reach:
    """What one change can affect: nodes affected whole, and columns of the others."""

    whole: set[str] = field(default_factory=set)
    columns: dict[str, set[str]] = field(default_factory=dict)

    def nodes(self) -> set[str]:
        return self.whole | set(self.columns)

    def merge(self, other: Reach) -> None:
        self.whole |= other.whole
        for uid, cols in other.columns.items():
            if uid not in self.whole:
                self.columns.setdefault(uid, set()).update(cols)
        for uid in other.whole:
            self.columns.pop(uid, None)


def reach(unique_id: str, classification: Classification | None, lineage: LineageDiff,
          sides: Mapping[Env, SideColumns]) -> Reach:
    """What the change of ``unique_id`` can affect downstream (``classification`` None: added or removed).

    Modified columns are followed on the current side; removed ones on the base side, where the
    downstream columns that read them (a ``select *`` loses them silently) still exist."""
    status = lineage.changes[unique_id].status
    category = classification.category if classification is not None else None
    if status is ChangeStatus.REMOVED or category in _WHOLE:
        found = Reach(whole=descendants([unique_id], lineage.child_map))
    elif category is Category.PARTIAL_BREAKING and classification is not None:
        found = Reach()
        for kind, env in ((ColumnChange.MODIFIED, Env.CURRENT), (ColumnChange.REMOVED, Env.BASE)):
            refs = [ColumnRef(unique_id, c) for c, k in classification.columns.items() if k is kind]
            found.merge(_column_reach(refs, lineage, sides[env]))
    else:
        found = Reach()
    # nodes added or removed downstream are changes of their own, not affected ones
    gone = {uid for uid in found.nodes() if lineage.changes.get(uid) is None
            or lineage.changes[uid].status in (ChangeStatus.ADDED, ChangeStatus.REMOVED)}
    found.whole -= gone
    for uid in gone:
        found.columns.pop(uid, None)
    return found


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


def impact_report(lineage: LineageDiff, classify: Callable[[str], Classification | None],
                  sides: Mapping[Env, SideColumns], ids: Collection[str] | None) -> ImpactReport:
    """Changed nodes (in ``ids`` when given) with what each can affect, then every node they affect."""
    changed = sorted(uid for uid in lineage.changed if ids is None or uid in ids)
    side = sides[Env.CURRENT]
    reaches: dict[str, tuple[Classification | None, Reach]] = {}
    every: dict[str, tuple[str, ...]] = {}
    total = Reach()
    for uid in changed:
        classification = classify(uid) if lineage.changes[uid].status is ChangeStatus.MODIFIED else None
        reaches[uid] = (classification, reach(uid, classification, lineage, sides))
        total.merge(reaches[uid][1])
    entries: list[NodeImpact] = []
    for uid, (classification, found) in reaches.items():
        change = lineage.changes[uid]
        entries.append(NodeImpact(
            unique_id=uid, name=change.name, resource_type=change.resource_type,
            change=ImpactChange(change.status.value),
            category=classification.category if classification is not None else None,
            reasons=classification.reasons if classification is not None else (),
            columns=dict(classification.columns) if classification is not None else {},
            impacted_columns=_column_names(found.whole, found.columns, lineage, side, every),
            impacted_nodes=tuple(sorted(found.nodes())),
            exposures=tuple(sorted(lineage.changes[n].name for n in found.nodes()
                                   if lineage.changes[n].resource_type is ResourceType.EXPOSURE)),
            whole_node=uid in total.whole, affected_columns=tuple(sorted(total.columns.get(uid, ())))))
    for uid in sorted(total.nodes() - set(lineage.changed)):
        change = lineage.changes[uid]
        is_whole = uid in total.whole
        entries.append(NodeImpact(
            unique_id=uid, name=change.name, resource_type=change.resource_type, change=ImpactChange.IMPACTED,
            impacted_columns=_column_names({uid} if is_whole else set(),
                                           {} if is_whole else {uid: total.columns[uid]}, lineage, side, every),
            whole_node=is_whole))
    entries.sort(key=lambda e: (_CHANGE_ORDER[e.change], e.unique_id))
    return ImpactReport(nodes=tuple(entries))


def _column_names(whole: set[str], columns: dict[str, set[str]], lineage: LineageDiff,
                  side: SideColumns, every: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """``label.column`` of the columns reached, all of those of a node reached whole (kept in ``every``
    by node: a change to a root reaches thousands of nodes, each named again by every change above it)."""
    names: list[str] = []
    for uid in sorted(whole | set(columns)):
        if uid in whole and uid in every:
            names.extend(every[uid])
            continue
        change = lineage.changes.get(uid)
        label = change.name if change is not None else uid
        cols = columns.get(uid) if uid not in whole else set(side.names(uid) or ())
        labelled = tuple(f"{label}.{c}" for c in sorted(cols or ()))
        if uid in whole:
            every[uid] = labelled
        names.extend(labelled)
    return tuple(names)

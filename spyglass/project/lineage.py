"""Lineage diff: which nodes were added, removed or modified between base and current, and what
is downstream of them. Pure: computed from the two manifests alone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from spyglass.project.models import ArtifactPair, Node, ResourceType
from spyglass.project.state_modified import MacroChanges, macro_changes, node_reasons


class ChangeStatus(str, Enum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class NodeChange:
    unique_id: str
    name: str
    resource_type: ResourceType
    status: ChangeStatus
    #: why it counts as modified: "code", "config.materialized", "macro.cents_to_dollars" ... (see
    #: :mod:`spyglass.project.state_modified`)
    reasons: tuple[str, ...] = ()
    #: unchanged but downstream of an added/removed/modified node
    impacted: bool = False


@dataclass(frozen=True)
class LineageDiff:
    """Every node of either manifest with its change status, and the union graph of both."""

    changes: Mapping[str, NodeChange]
    parent_map: Mapping[str, tuple[str, ...]]
    child_map: Mapping[str, tuple[str, ...]]
    #: ``macro.<name>`` reasons of every current node (added ones too) that calls a changed macro
    macro_reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def ids_with(self, status: ChangeStatus) -> frozenset[str]:
        return frozenset(uid for uid, c in self.changes.items() if c.status is status)

    @property
    def added(self) -> frozenset[str]:
        return self.ids_with(ChangeStatus.ADDED)

    @property
    def removed(self) -> frozenset[str]:
        return self.ids_with(ChangeStatus.REMOVED)

    @property
    def modified(self) -> frozenset[str]:
        return self.ids_with(ChangeStatus.MODIFIED)

    @property
    def changed(self) -> frozenset[str]:
        return self.added | self.removed | self.modified

    @property
    def impacted(self) -> frozenset[str]:
        return frozenset(uid for uid, c in self.changes.items() if c.impacted)


def diff_lineage(pair: ArtifactPair) -> LineageDiff:
    """Compare the two manifests of ``pair``.

    Every model, seed, snapshot, source and exposure of either manifest gets a status: added (current
    only), removed (base only), modified (a reason of dbt's ``state:modified`` holds: ``code``,
    ``config.<key>``, ``macro.<name>``, ``contract``, ``descriptions`` ...; see
    :mod:`spyglass.project.state_modified`) or unchanged. Unchanged nodes downstream of a changed one
    (through the union of both graphs) are ``impacted``.
    """
    base = pair.base.manifest.nodes
    current = pair.current.manifest.nodes
    parent_map = _union_map(pair.base.manifest.parent_map, pair.current.manifest.parent_map)
    child_map = _union_map(pair.base.manifest.child_map, pair.current.manifest.child_map)
    macros = _macro_changes(pair)
    statuses: dict[str, tuple[Node, ChangeStatus, tuple[str, ...]]] = {}
    calls_changed: dict[str, tuple[str, ...]] = {}
    for uid, node in current.items():
        old = base.get(uid)
        via_macros = macros.reasons(node)
        if via_macros:
            calls_changed[uid] = via_macros
        if old is None:
            statuses[uid] = (node, ChangeStatus.ADDED, ())
        else:
            reasons = node_reasons(old, node) + via_macros
            statuses[uid] = (node, ChangeStatus.MODIFIED if reasons else ChangeStatus.UNCHANGED, reasons)
    for uid, node in base.items():
        if uid not in current:
            statuses[uid] = (node, ChangeStatus.REMOVED, ())
    changed = [uid for uid, (_, status, _) in statuses.items() if status is not ChangeStatus.UNCHANGED]
    downstream = descendants(changed, child_map)
    changes = {
        uid: NodeChange(unique_id=uid, name=node.name, resource_type=node.resource_type, status=status,
                        reasons=reasons, impacted=status is ChangeStatus.UNCHANGED and uid in downstream)
        for uid, (node, status, reasons) in sorted(statuses.items())
    }
    return LineageDiff(changes=changes, parent_map=parent_map, child_map=child_map, macro_reasons=calls_changed)


def _macro_changes(pair: ArtifactPair) -> MacroChanges:
    if not any(node.depends_on_macros for node in pair.current.manifest.nodes.values()):
        return MacroChanges(frozenset())  # nothing calls a macro: leave the macros undecoded
    return macro_changes(pair.base.manifest.macros, pair.current.manifest.macros,
                         pair.current.manifest.metadata.project_name)


def change_reasons(base: Node, current: Node) -> tuple[str, ...]:
    """Why ``current`` counts as modified against ``base``, macros aside (empty when it does not); see
    :func:`spyglass.project.state_modified.node_reasons`."""
    return node_reasons(base, current)


def descendants(start: Iterable[str], child_map: Mapping[str, tuple[str, ...]],
                max_depth: int | None = None) -> set[str]:
    """Nodes reachable from ``start`` through ``child_map`` (not including ``start`` unless reached)."""
    return _walk(start, child_map, max_depth)


def ancestors(start: Iterable[str], parent_map: Mapping[str, tuple[str, ...]],
              max_depth: int | None = None) -> set[str]:
    """Nodes ``start`` depends on, directly or not (not including ``start`` unless reached)."""
    return _walk(start, parent_map, max_depth)


def _walk(start: Iterable[str], edges: Mapping[str, tuple[str, ...]], max_depth: int | None) -> set[str]:
    seen: set[str] = set()
    frontier = list(dict.fromkeys(start))
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        nxt: list[str] = []
        for uid in frontier:
            for other in edges.get(uid, ()):
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        frontier = nxt
    return seen


def _union_map(a: Mapping[str, tuple[str, ...]], b: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for uid in sorted(set(a) | set(b)):
        left, right = a.get(uid, ()), b.get(uid, ())
        out[uid] = left if left == right else tuple(sorted(set(left) | set(right)))
    return out

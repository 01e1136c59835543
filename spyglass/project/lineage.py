"""Lineage diff: which nodes were added, removed or modified between base and current, and what
is downstream of them. Pure: computed from the two manifests alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from spyglass.project.models import ArtifactPair, ResourceType


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
    #: why it counts as modified: "code", "config.materialized", "columns" ...
    reasons: tuple[str, ...] = ()
    #: unchanged but downstream of an added/removed/modified node
    impacted: bool = False


@dataclass(frozen=True)
class LineageDiff:
    """Every node of either manifest with its change status, and the union graph of both."""

    changes: Mapping[str, NodeChange]
    parent_map: Mapping[str, tuple[str, ...]]
    child_map: Mapping[str, tuple[str, ...]]

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
    """Compare the two manifests of ``pair`` (implemented in the project-layer work)."""
    raise NotImplementedError

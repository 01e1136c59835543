"""Change intelligence over one artifact pair: column lineage per side, the category of each modified
node, and the impact of the changes (see :mod:`spyglass.project.change_types`).

Everything is computed lazily for what a caller asks and cached by the node's compiled SQL (a
:class:`ColumnCache` a long-lived process shares between reloads), so asking for one model's column
lineage in a 5,000-model project parses only that model and what it needs.
"""

from __future__ import annotations

from collections.abc import Collection

from spyglass.exceptions import NotFound
from spyglass.project.change_types import (
    Category,
    Classification,
    ColumnLineageView,
    ImpactReport,
    NodeColumns,
)
from spyglass.project.classify import classify_node
from spyglass.project.column_lineage import ColumnCache, SideColumns
from spyglass.project.impact import impact_report
from spyglass.project.lineage import ChangeStatus, LineageDiff
from spyglass.project.models import ArtifactPair, Env

#: impact reports kept per analysis (by selection)
_MAX_REPORTS = 16


class ChangeAnalysis:
    """Lazily computed change intelligence over ``pair`` and its lineage diff."""

    def __init__(self, pair: ArtifactPair, lineage: LineageDiff, cache: ColumnCache | None = None) -> None:
        self.pair = pair
        self.lineage = lineage
        shared = cache or ColumnCache()
        self._sides = {Env.BASE: SideColumns(pair.base, shared), Env.CURRENT: SideColumns(pair.current, shared)}
        self._classes: dict[str, Classification | None] = {}
        self._impacts: dict[frozenset[str] | None, ImpactReport] = {}

    def side(self, env: Env) -> SideColumns:
        return self._sides[env]

    def classification(self, unique_id: str) -> Classification | None:
        """The category of a modified node (None for a node that is not modified)."""
        if unique_id not in self._classes:
            self._classes[unique_id] = self._classify(unique_id)
        return self._classes[unique_id]

    def _classify(self, unique_id: str) -> Classification | None:
        change = self.lineage.changes.get(unique_id)
        if change is None or change.status is not ChangeStatus.MODIFIED:
            return None
        base = self.pair.base.manifest.nodes[unique_id]
        current = self.pair.current.manifest.nodes[unique_id]
        try:
            return classify_node(base, current, change.reasons, self._sides[Env.BASE], self._sides[Env.CURRENT])
        except RecursionError:
            return Classification(Category.UNKNOWN, ("the SQL is nested too deeply to analyse",))

    def columns(self, env: Env, unique_id: str) -> NodeColumns:
        """The column lineage of one node on one side."""
        return self._sides[env].node(unique_id)

    def column_lineage(self, unique_id: str, column: str, *, env: Env = Env.CURRENT,
                       depth: int | None = None) -> ColumnLineageView:
        """A column's upstream and downstream columns across nodes, ``depth`` hops at most each way.

        Raises:
            NotFound: no such node, or no such column on it.
        """
        if depth is not None and depth < 0:
            raise NotFound("The depth must be 0 or more.", remedy="Pass --depth 1 for direct neighbours only.")
        return self._sides[env].view(unique_id, column, depth)

    def impact(self, ids: Collection[str] | None = None) -> ImpactReport:
        """Changed nodes and the nodes and columns their changes can affect, limited to ``ids`` when given
        (a selection); impacted nodes are reported whatever the selection of their upstream."""
        key = None if ids is None else frozenset(ids)
        found = self._impacts.get(key)
        if found is None:
            found = impact_report(self.lineage, self.classification, self._sides, ids)
            if len(self._impacts) >= _MAX_REPORTS:
                self._impacts.clear()
            self._impacts[key] = found
        return found

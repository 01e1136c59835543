"""The vocabulary of change intelligence: column lineage, change categories and impact (pure data).

Shared by :mod:`spyglass.project.column_lineage` (which column comes from which),
:mod:`spyglass.project.classify` (what a modification means) and :mod:`spyglass.project.impact`
(what it can affect). Everything here is frozen; names and values are part of the CLI's JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from spyglass.project.models import ResourceType


class Transformation(str, Enum):
    """How a column is made from its upstream columns."""

    #: the same value under the same name
    PASSTHROUGH = "passthrough"
    #: the same value under another name
    RENAMED = "renamed"
    #: an expression of one or more upstream columns (or of none: a literal)
    DERIVED = "derived"
    #: an aggregate (sum, count ...) over upstream columns
    AGGREGATED = "aggregated"
    #: a column of a seed or a source: where lineage starts
    SOURCE = "source"
    #: Spyglass could not tell (SQL it cannot parse, a table it does not know)
    UNKNOWN = "unknown"


@dataclass(frozen=True, order=True)
class ColumnRef:
    """One column of one node (``node`` is the unique id; column names are lower-case)."""

    node: str
    column: str


@dataclass(frozen=True)
class ColumnOrigin:
    """One output column of a node: how it is made and from which upstream columns."""

    column: str
    transformation: Transformation
    upstream: tuple[ColumnRef, ...] = ()


@dataclass(frozen=True)
class NodeColumns:
    """The column lineage of one node.

    ``filters`` are the upstream columns that decide *which rows* the node has (``WHERE``, ``JOIN ...
    ON``, ``GROUP BY``, ``HAVING``, ``QUALIFY``, ``DISTINCT ON``, window partitions): a change to one of
    them can change every row. ``reason`` says why columns are unknown (unparseable SQL, not compiled).
    """

    unique_id: str
    columns: Mapping[str, ColumnOrigin] = field(default_factory=dict)
    filters: tuple[ColumnRef, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class ColumnHop:
    """One step of a column's lineage walk: ``node``.``column`` at ``depth`` hops from the start."""

    unique_id: str
    node: str
    column: str
    transformation: Transformation
    depth: int


@dataclass(frozen=True)
class ColumnLineageView:
    """A column's upstream and downstream columns, across models (``node`` is the model's name)."""

    unique_id: str
    node: str
    column: str
    upstream: tuple[ColumnHop, ...] = ()
    downstream: tuple[ColumnHop, ...] = ()


class Category(str, Enum):
    """What a modification means for the rows and columns a node produces."""

    #: every row may change (filter, join, grouping, distinct, limit, source table changed)
    BREAKING = "breaking"
    #: some existing columns change or disappear; the rest are untouched
    PARTIAL_BREAKING = "partial_breaking"
    #: only additions (new columns), or no semantic change (formatting, comments, config only)
    NON_BREAKING = "non_breaking"
    #: Spyglass could not tell
    UNKNOWN = "unknown"


class ColumnChange(str, Enum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"


@dataclass(frozen=True)
class Classification:
    """The category of one modified node, the reasons in plain words, and its changed columns."""

    category: Category
    reasons: tuple[str, ...] = ()
    columns: Mapping[str, ColumnChange] = field(default_factory=dict)


class ImpactChange(str, Enum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    #: unchanged, but an upstream change can affect it
    IMPACTED = "impacted"


@dataclass(frozen=True)
class NodeImpact:
    """One node of an impact report (the CLI's ``spyglass impact --json`` entry, field for field).

    ``category`` is None for added, removed and impacted nodes. ``impacted_columns`` are
    ``"<node name>.<column>"``: for a changed node, the downstream columns its change can affect; for an
    impacted node, its own columns that an upstream change can affect. ``impacted_nodes`` are the
    unique ids of the downstream nodes a change can affect (changed nodes only), and ``exposures`` the
    names of the exposures (dashboards) among them.
    """

    unique_id: str
    name: str
    resource_type: ResourceType
    change: ImpactChange
    category: Category | None = None
    reasons: tuple[str, ...] = ()
    columns: Mapping[str, ColumnChange] = field(default_factory=dict)
    impacted_columns: tuple[str, ...] = ()
    impacted_nodes: tuple[str, ...] = ()
    exposures: tuple[str, ...] = ()
    #: every column of the node may be affected by a change upstream of it (a breaking change, or a
    #: changed column it filters, joins or groups on); for changed nodes too
    whole_node: bool = False
    #: a changed node's own columns that a change upstream of it can affect (bare names)
    affected_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImpactReport:
    """Changed nodes first (added, removed, modified by unique id), then impacted ones."""

    nodes: tuple[NodeImpact, ...] = ()

    def get(self, unique_id: str) -> NodeImpact | None:
        for node in self.nodes:
            if node.unique_id == unique_id:
                return node
        return None

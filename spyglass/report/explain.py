"""What each change means, with the data evidence for it, and what no check verified (pure: a state in,
plain facts out; :mod:`spyglass.report.meaning` writes them as Markdown).

A change needs evidence to match what it can do (:class:`Need`): a breaking change or one upstream of
a whole node can change which rows there are (a row count shows it); a partial-breaking change changes
some columns' values (a value diff by key shows it); a non-breaking one only adds columns (a schema diff
shows them). A node is *verified* when a check that succeeded reached at least that far on it; every
other changed or impacted node is *not verified*, with the first reason that applies
(:class:`Reason`): outside the run's selection, ephemeral, not built, a check about it failed, no
primary key for a value diff, no value diff, a view no check counted, no check at all.

Checks are attributed to nodes by their results (row count and schema diffs name each node), by the
node ids a run recorded when it ran (:attr:`RunRecord.node_ids`), else by the model a single-model
check names. A top-k or histogram diff reads one column's distribution: it verifies no node.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum, IntEnum

from spyglass.checks.base import Result
from spyglass.checks.profile import ProfileDiffResult
from spyglass.checks.row_count import RowCountDiffResult, RowCountRow, SideStatus
from spyglass.checks.schema_diff import NodeSchemaDiff, SchemaDiffResult
from spyglass.checks.value_diff import ValueDiffResult
from spyglass.checks.value_diff_detail import ValueDiffDetailResult
from spyglass.report.text import outcome_of
from spyglass.state.models import CheckRecord, LineageNode, LineageSummary, RunRecord, RunStatus, State

#: the resource types a check can query (others need no evidence)
_QUERIED = frozenset({"model", "seed", "snapshot"})
#: the order changed nodes are explained in: modified by how much they can break, then added, removed
_CATEGORY_RANK = {"breaking": 0, "unknown": 1, "partial_breaking": 2, "non_breaking": 3}
_CHANGE_RANK = {"modified": 0, "added": 1, "removed": 2}
#: categories whose change can affect every row downstream: every column of what they impact
_WHOLE = frozenset({"breaking", "unknown"})


class Need(IntEnum):
    """How far a check must reach on a node to verify its change (each level includes the ones below)."""

    NOTHING = 0
    #: its columns: a schema diff (or any check that reads its data)
    SCHEMA = 1
    #: which rows it has: a row count (or a value or profile diff)
    ROWS = 2
    #: the values in its rows: a value diff, value diff detail or profile diff
    VALUES = 3


class Reason(str, Enum):
    """Why a node that needs evidence has none, in the order they are looked for."""

    OUTSIDE_SELECTION = "outside_selection"
    EPHEMERAL = "ephemeral"
    NOT_BUILT = "not_built"
    CHECK_FAILED = "check_failed"
    NO_PRIMARY_KEY = "no_primary_key"
    NO_VALUE_DIFF = "no_value_diff"
    VIEW = "view"
    NO_ROW_COUNT = "no_row_count"
    NO_SCHEMA_DIFF = "no_schema_diff"


@dataclass(frozen=True)
class Problem:
    """A check about a node that gave no evidence: its name, what happened, and the error if any."""

    check: str
    outcome: str
    message: str = ""


@dataclass
class NodeEvidence:
    """What the checks found about one node."""

    rows: RowCountRow | None = None
    values: ValueDiffResult | None = None
    schema: NodeSchemaDiff | None = None
    covered: Need = Need.NOTHING
    problems: list[Problem] = field(default_factory=list)
    #: a check found no relation for it in current
    missing: bool = False
    #: a check found it is not materialized (ephemeral)
    ephemeral: bool = False

    def cover(self, need: Need) -> None:
        self.covered = max(self.covered, need)


@dataclass(frozen=True)
class Unverified:
    """A changed or impacted node no check verified, and why."""

    node: LineageNode
    need: Need
    reason: Reason
    covered: Need = Need.NOTHING
    problems: tuple[Problem, ...] = ()


def gather(state: State) -> dict[str, NodeEvidence]:
    """The evidence on each node of the state's lineage summary, from every check's latest run (pure)."""
    lineage = state.lineage or LineageSummary()
    evidence = {node.unique_id: NodeEvidence() for node in lineage.nodes}
    runs = {run.run_id: run for run in state.runs}
    for check in state.checks:
        run = runs.get(check.last_run_id or "")
        if run is not None and run.status is RunStatus.SUCCESS and run.result is not None:
            _record_result(check, run, run.result, evidence, lineage)
        else:
            problem = Problem(check.name, outcome_of(run).label, run.error.message if run and run.error else "")
            for uid in _targets(check, run, lineage):
                evidence[uid].problems.append(problem)
    return evidence


def _record_result(check: CheckRecord, run: RunRecord, result: Result, evidence: dict[str, NodeEvidence],
                   lineage: LineageSummary) -> None:
    if isinstance(result, RowCountDiffResult):
        for row in result.rows:
            if row.unique_id in evidence:
                _record_count(check, row, evidence[row.unique_id])
    elif isinstance(result, SchemaDiffResult):
        for entry in result.nodes:
            found = evidence.get(entry.unique_id)
            if found is not None and found.schema is None:
                found.schema = entry
                if entry.coverage == "complete":
                    found.cover(Need.SCHEMA)
    elif isinstance(result, ValueDiffResult | ValueDiffDetailResult | ProfileDiffResult) and not result.conclusive:
        # a sample that found no difference proves none: what it saw is said, the node stays unverified
        for uid in _targets(check, run, lineage):
            evidence[uid].problems.append(Problem(check.name, "sampled", result.headline))
    elif isinstance(result, ValueDiffResult | ValueDiffDetailResult | ProfileDiffResult):
        for uid in _targets(check, run, lineage):
            evidence[uid].cover(Need.VALUES)
            if isinstance(result, ValueDiffResult) and evidence[uid].values is None:
                evidence[uid].values = result


def _record_count(check: CheckRecord, row: RowCountRow, found: NodeEvidence) -> None:
    if found.rows is None:
        found.rows = row
    current = row.current.status
    if current is SideStatus.OK:
        found.cover(Need.ROWS)
    elif current is SideStatus.TABLE_MISSING:
        found.missing = True
    elif current is SideStatus.NOT_MATERIALIZED:
        found.ephemeral = True
    elif current in (SideStatus.ERROR, SideStatus.PERMISSION_DENIED):
        found.problems.append(Problem(check.name, "failed", row.current.error or current.value))


def _targets(check: CheckRecord, run: RunRecord | None, lineage: LineageSummary) -> list[str]:
    """The summary's nodes a check is about: as its run recorded them, else the model its params name."""
    known = {node.unique_id for node in lineage.nodes}
    if run is not None and run.node_ids:
        return [uid for uid in run.node_ids if uid in known]
    model = getattr(check.spec.params, "model", None)
    if not isinstance(model, str):
        return []
    return [node.unique_id for node in lineage.nodes if model in (node.name, node.unique_id)]


def need_of(node: LineageNode) -> Need:
    """How far a check must reach on ``node`` to verify what changed in it or upstream of it."""
    if node.resource_type not in _QUERIED or node.change in (None, "removed"):
        return Need.NOTHING
    if node.change == "added":
        return Need.ROWS
    need = Need.NOTHING
    if node.change == "modified":
        need = _need_of_category(node)
    if node.whole_node:
        need = max(need, Need.ROWS)
    elif node.change == "impacted":
        need = max(need, Need.VALUES)
    return need


def _need_of_category(node: LineageNode) -> Need:
    if node.category == "non_breaking":
        return Need.SCHEMA
    if node.category == "partial_breaking":
        only_removed = node.columns and all(kind == "removed" for kind in node.columns.values())
        return Need.SCHEMA if only_removed else Need.VALUES
    return Need.ROWS  # breaking, unknown, or a category Spyglass could not tell


def unverified(state: State, evidence: dict[str, NodeEvidence] | None = None) -> list[Unverified]:
    """Every changed or impacted node whose need no successful check met, with why, in the order of
    :func:`explained_order` (pure; empty for a summary without the change analysis)."""
    lineage = state.lineage
    if lineage is None or not lineage.analysed:
        return []
    found = gather(state) if evidence is None else evidence
    out = []
    for node in explained_order(lineage.nodes, impacted_too=True):
        need, seen = need_of(node), found.get(node.unique_id, NodeEvidence())
        if need > seen.covered:
            out.append(Unverified(node=node, need=need, reason=_reason(node, need, seen), covered=seen.covered,
                                  problems=tuple(seen.problems)))
    return out


def _reason(node: LineageNode, need: Need, seen: NodeEvidence) -> Reason:
    if not node.selected:
        return Reason.OUTSIDE_SELECTION
    if node.materialized == "ephemeral" or seen.ephemeral:
        return Reason.EPHEMERAL
    if node.built is False or seen.missing:
        return Reason.NOT_BUILT
    if seen.problems:
        return Reason.CHECK_FAILED
    if need is Need.VALUES:
        return Reason.NO_VALUE_DIFF if node.primary_key else Reason.NO_PRIMARY_KEY
    if need is Need.ROWS:
        return Reason.VIEW if node.materialized == "view" else Reason.NO_ROW_COUNT
    return Reason.NO_SCHEMA_DIFF


def explained_order(nodes: Iterable[LineageNode], *, impacted_too: bool = False) -> list[LineageNode]:
    """The changed nodes (and, with ``impacted_too``, the impacted ones after them): modified ones by how
    much they can break, then added, then removed; by name and id within each."""
    def rank(node: LineageNode) -> tuple[int, int, str, str]:
        change = _CHANGE_RANK.get(node.change or "", 3)
        return change, _CATEGORY_RANK.get(node.category or "", 4), node.name, node.unique_id

    wanted = {"added", "removed", "modified"} | ({"impacted"} if impacted_too else set())
    return sorted((n for n in nodes if n.change in wanted), key=rank)


@dataclass(frozen=True)
class ImpactedNode:
    """A node a change can affect, as the summary names it."""

    name: str
    #: its columns the changes upstream can affect, and all of them (None: every column, or unknown)
    columns: int | None = None
    of_columns: int | None = None


def impacted_by(node: LineageNode, by_id: dict[str, LineageNode]) -> list[ImpactedNode]:
    """The nodes ``node``'s change can affect, with how many of their columns when not all of them
    (pure). Exposures are named apart; added and removed nodes have no before and after to affect."""
    out = []
    for uid in node.impacted_nodes:
        target = by_id.get(uid)
        if (target.resource_type if target is not None else uid.split(".", 1)[0]) == "exposure":
            continue
        if target is None:
            out.append(ImpactedNode(name=uid.rsplit(".", 1)[-1]))
            continue
        if target.change in ("added", "removed"):
            continue
        columns = node.impacted_column_counts.get(target.name)
        whole = (node.category in _WHOLE or node.change == "removed" or columns is None
                 or (target.column_count or 0) <= columns)
        out.append(ImpactedNode(name=target.name) if whole else
                   ImpactedNode(name=target.name, columns=columns, of_columns=target.column_count))
    return sorted(out, key=lambda impacted: impacted.name)


def category_counts(nodes: Sequence[LineageNode]) -> dict[str, int]:
    """How many nodes of each category and change (``breaking`` ... ``added``, ``removed``, ``impacted``)."""
    counts: dict[str, int] = {}
    for node in nodes:
        key = node.category if node.change == "modified" and node.category else node.change
        if key is not None:
            counts[key] = counts.get(key, 0) + 1
    return counts

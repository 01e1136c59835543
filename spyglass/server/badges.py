"""Pure: the badge each lineage node wears for what the checklist found about it, so the graph alone
tells where to look.

The figures are the report's evidence (:func:`spyglass.report.explain.gather`: each check's latest run,
attributed to nodes by its results, its recorded node ids or the model it names): a value diff's match
("98.2% match", "identical"), else a row count's change ("-5.0% rows"); a node the checks are about but
without such a figure shows their status ("failed", "approved", "not run", "to review").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from spyglass.checks.row_count import RowCountRow, SideStatus
from spyglass.checks.value_diff import ValueDiffResult
from spyglass.report.explain import NodeEvidence, gather
from spyglass.report.text import outcome_of
from spyglass.server.schemas import BadgeTone, GraphNode, NodeBadge
from spyglass.state.models import CheckRecord, LineageNode, LineageSummary, State

#: problem outcomes (:class:`spyglass.report.explain.Problem`) that mean a check failed on the node
_FAILED = frozenset({"error", "failed"})


@dataclass(frozen=True)
class CheckOnNode:
    """One check about a node: its name, whether it is approved, how its latest run reads."""

    name: str
    approved: bool
    outcome: str


def node_badges(state: State, nodes: Sequence[GraphNode]) -> dict[str, NodeBadge]:
    """The badge of each of ``nodes`` that a check of the state's checklist is about."""
    if not state.checks or not nodes:
        return {}
    evidence = gather(_covering(state, nodes))
    empty = NodeEvidence()
    touched = [n for n in nodes if evidence[n.unique_id] != empty]  # the nodes some check is about
    about = _checks_by_node(_covering(state, touched))
    return {uid: node_badge(evidence[uid], checks) for uid, checks in about.items()}


def _covering(state: State, nodes: Sequence[GraphNode]) -> State:
    """``state`` with a lineage summary of ``nodes``: the evidence is gathered for each of them (the state's
    own summary holds the changed and impacted nodes only)."""
    summary = LineageSummary(nodes=[
        LineageNode(unique_id=n.unique_id, name=n.name, resource_type=n.resource_type, status=n.status)
        for n in nodes])
    return state.model_copy(update={"lineage": summary})


def _checks_by_node(state: State) -> dict[str, list[CheckOnNode]]:
    """Which checks are about which node: those whose evidence on the node is not empty."""
    about: dict[str, list[CheckOnNode]] = {}
    empty = NodeEvidence()
    for check in state.checks:
        found = gather(state.model_copy(update={"checks": [check]}))
        on = CheckOnNode(check.name, check.approved, _outcome(state, check))
        for uid, evidence in found.items():
            if evidence != empty:
                about.setdefault(uid, []).append(on)
    return about


def _outcome(state: State, check: CheckRecord) -> str:
    return outcome_of(state.latest_run(check)).label


def node_badge(evidence: NodeEvidence, checks: Sequence[CheckOnNode]) -> NodeBadge:
    """A value diff's match, else a row count's change, else the checks' status."""
    approved = bool(checks) and all(c.approved for c in checks)
    details = [f"{c.name}: {'approved' if c.approved else c.outcome}" for c in checks]
    if evidence.values is not None:
        text, tone = values_text(evidence.values)
        return NodeBadge(text=text, kind="values", tone=tone, approved=approved, details=details)
    counted = rows_text(evidence.rows) if evidence.rows is not None else None
    if counted is not None:
        return NodeBadge(text=counted[0], kind="rows", tone=counted[1], approved=approved, details=details)
    failed = any(p.outcome in _FAILED for p in evidence.problems)
    if failed:
        return NodeBadge(text="failed", kind="status", tone="failed", details=details)
    if approved:
        return NodeBadge(text="approved", kind="status", tone="ok", approved=True, details=details)
    if all(c.outcome == "not run" for c in checks):
        return NodeBadge(text="not run", kind="status", tone="review", details=details)
    return NodeBadge(text="to review", kind="status", tone="review", details=details)


def values_text(diff: ValueDiffResult) -> tuple[str, BadgeTone]:
    """("identical", "ok"), or the share of rows alike on both sides: ("98.2% match", "changed"), rounded
    down so a difference never reads 100%."""
    if not diff.mismatch:
        return "identical", "ok"
    rows = diff.in_both + diff.added + diff.removed
    alike = max(diff.in_both - diff.changed, 0)
    share = math.floor(alike * 1000 / rows) / 10 if rows else 0.0
    return f"{min(share, 99.9):.1f}% match", "changed"


def rows_text(row: RowCountRow) -> tuple[str, BadgeTone] | None:
    """("-5.0% rows", "changed"), ("±0 rows", "ok"), ("1,200 rows", "review") for a node only current
    has, ("was 1,200 rows", "review") for a removed one; None when current was not counted otherwise (a
    missing table: the checks' status says it)."""
    base, current = row.base_count, row.current_count
    if current is None:
        removed = base is not None and row.current.status is SideStatus.NOT_IN_MANIFEST
        return (f"was {base:,} rows", "review") if removed else None
    if base is None:
        return f"{current:,} rows", "review"
    delta = current - base
    if delta == 0:
        return "±0 rows", "ok"
    pct = row.delta_pct
    if pct is None:  # base was empty
        return f"{delta:+,} rows", "changed"
    if abs(pct) < 0.05:
        return f"{'+' if delta > 0 else '-'}<0.1% rows", "changed"
    return f"{pct:+.1f}% rows", "changed"

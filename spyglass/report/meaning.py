"""The summary's "What the change means" and "Not verified" sections (pure Markdown from a state).

One line per changed node joins its category and reasons (:mod:`spyglass.project.classify`), the data
evidence of the checks (row counts, the value diff's removed, added and changed rows and where they
concentrate, the schema's changed columns) and what it can affect downstream; then every changed or
impacted node no check verified, and why (:mod:`spyglass.report.explain`). Names, reasons, SQL
fragments and values come from the merge request: all of it goes through :mod:`spyglass.markup.escape`.
"""

from __future__ import annotations

import re

from spyglass.checks.row_count import RowCountRow
from spyglass.checks.schema_diff import NodeSchemaDiff
from spyglass.checks.value_diff import ValueDiffResult
from spyglass.checks.value_diff.result import Segment
from spyglass.markup.escape import md_code, md_text
from spyglass.report.explain import (
    ImpactedNode,
    Need,
    NodeEvidence,
    Problem,
    Reason,
    Unverified,
    category_counts,
    explained_order,
    gather,
    impacted_by,
    unverified,
)
from spyglass.state.models import LineageNode, LineageSummary, State

MEANING_TITLE = "## What the change means"
NOT_VERIFIED_TITLE = "## Not verified"
#: the most lines each section lists before "and N more"
MAX_LINES = 50
#: the most names listed in one line (impacted nodes, columns, failed checks)
MAX_NAMES = 5
#: the longest error message quoted for a failed check
MESSAGE_CHARS = 160

_WORDS = {"breaking": "breaking", "partial_breaking": "partial breaking", "non_breaking": "non-breaking",
          "unknown": "category unknown"}
_TALLY = {**_WORDS, "unknown": "of unknown category", "added": "added", "removed": "removed",
          "impacted": "impacted downstream"}
_COUNT_ORDER = ("breaking", "partial_breaking", "non_breaking", "unknown", "added", "removed", "impacted")
_CODE_SPAN = re.compile(r"`([^`]*)`")


def render_meaning(state: State) -> str | None:
    """The "What the change means" section, or None when the state has no change analysis or no change."""
    lineage = state.lineage
    if lineage is None or not lineage.analysed:
        return None
    changed = explained_order(lineage.nodes)
    if not changed:
        return None
    evidence = gather(state)
    by_id = {node.unique_id: node for node in lineage.nodes}
    lines = [_explain(node, evidence.get(node.unique_id, NodeEvidence()), by_id) for node in changed]
    return "\n".join([MEANING_TITLE, "", _tally(lineage) + ".", "", *_capped(lines, "changed nodes")]) + "\n"


def render_not_verified(state: State) -> str | None:
    """The "Not verified" section (None without the change analysis or without any change)."""
    lineage = state.lineage
    if lineage is None or not lineage.analysed or not explained_order(lineage.nodes):
        return None
    missing = unverified(state)
    if not missing:
        return f"{NOT_VERIFIED_TITLE}\n\nEvery changed and impacted node was verified by a check.\n"
    lines = [f"- {md_code(item.node.name)} ({_what(item.node)}) — {_why(item, lineage)}" for item in missing]
    head = (f"{len(missing)} changed or impacted node{'s' if len(missing) != 1 else ''} that no check "
            "verified:")
    return "\n".join([NOT_VERIFIED_TITLE, "", head, "", *_capped(lines, "nodes")]) + "\n"


def _capped(lines: list[str], noun: str) -> list[str]:
    if len(lines) <= MAX_LINES:
        return lines
    return [*lines[:MAX_LINES], f"- … and {len(lines) - MAX_LINES} more {noun} (`spyglass impact` lists all)."]


def _tally(lineage: LineageSummary) -> str:
    counts = category_counts(lineage.nodes)
    parts = [f"{counts[key]} {_TALLY[key]}" for key in _COUNT_ORDER if counts.get(key)]
    return ", ".join(parts) if parts else "No node changed"


# -- one line per changed node --------------------------------------------------------------------------
def _explain(node: LineageNode, evidence: NodeEvidence, by_id: dict[str, LineageNode]) -> str:
    head = f"- {md_code(node.name)} — {_verdict(node)}"
    parts = [*_data(node, evidence), *_impacts(node, by_id)]
    return head + "".join(f"; {part}" for part in parts)


def _verdict(node: LineageNode) -> str:
    if node.change != "modified":
        return f"**{node.change}**"
    word = f"**{_WORDS[node.category]}**" if node.category else "**modified**"
    reasons = [md_reason(reason) for reason in node.category_reasons[:3]]
    more = len(node.category_reasons) - len(reasons)
    if more > 0:
        reasons.append(f"{more} more")
    return word + (": " + ", ".join(reasons) if reasons else "")


def md_reason(text: str) -> str:
    """A reason in plain words with SQL fragments in backticks: the words as text, the fragments as code."""
    pieces = _CODE_SPAN.split(text)
    return "".join(md_code(piece) if index % 2 else md_text(piece) for index, piece in enumerate(pieces) if piece)


def _data(node: LineageNode, evidence: NodeEvidence) -> list[str]:
    parts = []
    if evidence.values is not None and node.change != "removed":
        parts.append(_values(evidence.values))
    elif evidence.rows is not None and node.change != "removed":
        counted = _rows(evidence.rows)
        if counted:
            parts.append(counted)
    if evidence.schema is not None and node.change == "modified":
        schema = _schema(evidence.schema, node)
        if schema:
            parts.append(schema)
    return parts


def _rows(row: RowCountRow) -> str | None:
    base, current = row.base_count, row.current_count
    if current is None:
        return None
    if base is None:
        return f"{current:,} rows"
    if base == current:
        return f"{current:,} rows, as before"
    pct = f", {row.delta_pct:+.1f}%" if row.delta_pct is not None else ""
    return f"rows {base:,} → {current:,} ({current - base:+,}{pct})"


def _values(diff: ValueDiffResult) -> str:
    if diff.sample is not None:  # a sample's figures ("in a 10% sample: ..."), never read as the whole table's
        return md_text(diff.headline)
    if not diff.mismatch:
        return f"values identical on {diff.in_both:,} rows"
    parts = []
    if diff.removed:
        parts.append(f"{diff.removed:,} of {diff.base_rows:,} rows removed" + _segment(diff, "removed"))
    if diff.added:
        parts.append(f"{diff.added:,} rows added" + _segment(diff, "added"))
    if diff.changed:
        parts.append(f"{diff.changed:,} of {diff.in_both:,} rows changed" + _segment(diff, "changed"))
    return "; ".join(parts)


def _segment(diff: ValueDiffResult, kind: str) -> str:
    found = next((s for s in diff.segments if s.kind == kind), None)
    if found is None or not found.rows:
        return ""
    share = "all" if found.rows == found.kind_rows else f"{int(found.share * 100)}%"
    return f", {share} with {md_code(_condition(found))}"


def _condition(segment: Segment) -> str:
    """``status = 'returned'`` (a quote in the value doubled, as SQL writes it), or ``status is null``."""
    if segment.value is None:
        return f"{segment.column} is null"
    return f"{segment.column} = {segment.shown()}"


def _schema(diff: NodeSchemaDiff, node: LineageNode) -> str | None:
    """The columns the schema diff saw added, removed and retyped, but for those the category's reasons
    already name."""
    said = {name.lower() for name in node.columns}
    added = [c.name for c in diff.added if c.name.lower() not in said]
    removed = [c.name for c in diff.removed if c.name.lower() not in said]
    parts = []
    if added:
        parts.append("added " + _names(added))
    if removed:
        parts.append("removed " + _names(removed))
    if diff.type_changes:
        retyped = [f"{md_code(t.column)} ({md_text(t.base_type)} → {md_text(t.current_type)})"
                   for t in diff.type_changes[:MAX_NAMES]]
        parts.append("retyped " + _listed(retyped, len(diff.type_changes)))
    return "columns " + ", ".join(parts) if parts else None


def _names(names: list[str]) -> str:
    return _listed([md_code(name) for name in names[:MAX_NAMES]], len(names))


def _listed(shown: list[str], total: int) -> str:
    more = total - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _impacts(node: LineageNode, by_id: dict[str, LineageNode]) -> list[str]:
    targets = impacted_by(node, by_id)
    shown = [_impacted(target) for target in targets[:MAX_NAMES]]
    hidden = len(targets) - len(shown) + max(0, node.impacted_node_count - len(node.impacted_nodes))
    parts = []
    if shown:
        parts.append("impacts " + ", ".join(shown) + (f" and {hidden} more" if hidden > 0 else ""))
    if node.exposures:
        parts.append("exposure" + ("s " if len(node.exposures) > 1 else " ") + _names(node.exposures))
    if not parts and node.category == "partial_breaking":
        parts.append("impacts nothing downstream")
    return parts


def _impacted(target: ImpactedNode) -> str:
    if target.columns is None:
        return md_code(target.name)
    of = f" of {target.of_columns:,}" if target.of_columns else ""
    plural = "s" if (target.of_columns or target.columns) != 1 else ""
    return f"{md_code(target.name)} ({target.columns:,}{of} column{plural})"


# -- not verified -------------------------------------------------------------------------------------------
def _what(node: LineageNode) -> str:
    words = [_WORDS[node.category] if node.change == "modified" and node.category else node.change or "changed"]
    if node.materialized in ("view", "ephemeral"):
        words.append(node.materialized)
    return ", ".join(md_text(word) for word in words)


def _why(item: Unverified, lineage: LineageSummary) -> str:
    reason, node = item.reason, item.node
    rows_only = "; only its rows were counted" if item.covered >= Need.ROWS else ""
    if reason is Reason.OUTSIDE_SELECTION:
        return "outside this run's selection" + (f" ({md_code(lineage.selection)})" if lineage.selection else "")
    if reason is Reason.EPHEMERAL:
        return "ephemeral: it has no table or view to query"
    if reason is Reason.NOT_BUILT:
        return "not built: its table or view is missing in current"
    if reason is Reason.CHECK_FAILED:
        return _failed(item.problems)
    if reason is Reason.NO_PRIMARY_KEY:
        return "no primary key, so no value diff compared its values (declare one with a `unique` test)" + rows_only
    if reason is Reason.NO_VALUE_DIFF:
        return f"no value diff compared its values (by its key {_names(node.primary_key)})" + rows_only
    if reason is Reason.VIEW:
        return "a view: no check counted its rows"
    if reason is Reason.NO_ROW_COUNT:
        return "no check counted its rows"
    return "no schema diff covered its columns"


_OUTCOMES = {"error": "failed", "skipped": "was skipped", "cancelled": "was cancelled", "not run": "was not run",
             "sampled": "compared only a sample"}


def _failed(problems: tuple[Problem, ...]) -> str:
    said = []
    for problem in problems[:2]:
        message = problem.message
        if len(message) > MESSAGE_CHARS:
            message = message[:MESSAGE_CHARS - 1] + "…"
        outcome = _OUTCOMES.get(problem.outcome, problem.outcome)
        said.append(f"check {md_code(problem.check)} {md_text(outcome)}" + (f": {md_text(message)}" if message else ""))
    more = len(problems) - len(said)
    return "; ".join(said) + (f"; and {more} more" if more > 0 else "")

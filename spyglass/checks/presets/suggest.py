"""The default checks: chosen from what the change means (:class:`~spyglass.project.changes.ChangeAnalysis`).

Without ``spyglass.yml``/``recce.yml``, each modified node's classification decides what is checked:

* a **schema diff** of the modified relations (columns added, removed, retyped or reordered);
* a **row count diff** of the breaking changes (and of those Spyglass could not classify, which may be
  breaking) and of the tables whose every row they can change (their impacted nodes; also the nodes
  downstream of a partial-breaking change that filter, join or group on a changed column);
* a **value diff** of each partial-breaking model whose key dbt declares (a ``unique`` test or constraint,
  or ``dbt_utils.unique_combination_of_columns``), limited to its modified columns and those an upstream
  change impacts; at most :data:`MAX_VALUE_DIFFS`, in name order, the others named in a note.

Non-breaking changes (added columns, formatting, config only) need nothing beyond the schema diff. With no
modified node in view the defaults are the schema diff of ``state:modified`` alone (added and removed nodes
show there), so a merge request never shows an empty list.

Only relations are checked: an ephemeral model has nothing to query (the tables downstream of it are
counted instead). Views are kept: a view answers a value diff as a table does, computing its query on each
side, which costs what querying the view costs. Checks name their nodes by unique id (schema and row count
diffs) or by a name the lookup resolves back to the same node (value diffs), so a state file re-runs them
and ``spyglass run --suggest`` prints them for a ``spyglass.yml``. Same artifacts, same checks, same order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from spyglass.checks.presets.config import PresetCheck
from spyglass.checks.row_count import RowCountDiffParams, RowCountDiffSpec
from spyglass.checks.schema_diff import SchemaDiffParams, SchemaDiffSpec
from spyglass.checks.scope import NodeSelection
from spyglass.checks.value_diff import ValueDiffParams, ValueDiffSpec
from spyglass.exceptions import SpyglassError
from spyglass.project.change_types import Category, Classification, ColumnChange, ImpactChange, ImpactReport
from spyglass.project.changes import ChangeAnalysis
from spyglass.project.lookup import find_in_pair, spelling
from spyglass.project.models import RELATION_TYPES, ArtifactPair, Node, ResourceType
from spyglass.project.selection import select_nodes

#: at most this many value diffs are suggested (each scans a model on both sides)
MAX_VALUE_DIFFS = 20
#: names listed in a description or note before "and N more"
_SHOWN = 8
#: columns named in a value diff's name before "and N more"
_COLUMNS_SHOWN = 4
#: what a row count or a value diff can query
_QUERYABLE = frozenset({ResourceType.MODEL, ResourceType.SEED, ResourceType.SNAPSHOT})
_WORDS = {Category.BREAKING: "breaking", Category.PARTIAL_BREAKING: "partial breaking",
          Category.NON_BREAKING: "non-breaking", Category.UNKNOWN: "unclassified"}
#: categories whose every row may change
_WHOLE = frozenset({Category.BREAKING, Category.UNKNOWN})

SCHEMA_DIFF_NAME = "Schema diff of modified nodes"
ROW_COUNT_NAME = "Row count of breaking changes and what they impact"


@dataclass(frozen=True)
class Suggestions:
    """The default checks of a change, and what was left without a check and why."""

    checks: tuple[PresetCheck, ...]
    #: one sentence each: a partial-breaking model with no key, an ephemeral one, those over the limit
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Modified:
    """A modified node (its current definition) and what its change means."""

    node: Node
    category: Category
    classification: Classification | None

    @property
    def uid(self) -> str:
        return self.node.unique_id

    def described(self) -> str:
        """``fct_orders (breaking: new filter ...)``."""
        reasons = self.classification.reasons[:2] if self.classification else ()
        return f"{self.node.name} ({_WORDS[self.category]}{': ' + '; '.join(reasons) if reasons else ''})"


def fallback_checks() -> tuple[PresetCheck, ...]:
    """The defaults when no modified node is in view: the schema diff of ``state:modified``."""
    return (PresetCheck(
        name=SCHEMA_DIFF_NAME,
        description="No node is modified in place; the schema diff of `state:modified` shows the columns of "
                    "the nodes this change adds or removes.",
        spec=SchemaDiffSpec(params=SchemaDiffParams(select="state:modified"))),)


def suggest_checks(changes: ChangeAnalysis, selection: NodeSelection | None = None, *,
                   max_value_diffs: int = MAX_VALUE_DIFFS) -> Suggestions:
    """The checks the change calls for (see module doc), limited to ``selection`` when it is active
    (``--select/--exclude``: only its modified nodes, and only its nodes are counted)."""
    pair = changes.pair
    chosen = (select_nodes(pair, changes.lineage, selection.select or None, selection.exclude or None)
              if selection is not None and selection.active else None)
    modified = _modified(changes, chosen)
    if not modified:
        return Suggestions(fallback_checks())
    report = changes.impact(sorted(m.uid for m in modified))
    notes: list[str] = []
    found = [_schema_diff(modified), _row_count(modified, report, pair, chosen),
             *_value_diffs(modified, report, pair, notes, max_value_diffs)]
    checks = tuple(check for check in found if check is not None)
    return Suggestions(checks or fallback_checks(), tuple(notes))


def _modified(changes: ChangeAnalysis, chosen: Collection[str] | None) -> list[_Modified]:
    """The modified models, seeds, snapshots and sources in view, by name."""
    current = changes.pair.current.manifest.nodes
    out = []
    for uid in changes.lineage.modified:
        node = current.get(uid)
        if node is None or node.resource_type not in RELATION_TYPES or (chosen is not None and uid not in chosen):
            continue
        classification = changes.classification(uid)
        out.append(_Modified(node, classification.category if classification else Category.UNKNOWN, classification))
    return sorted(out, key=lambda m: (m.node.name, m.uid))


def _schema_diff(modified: Sequence[_Modified]) -> PresetCheck | None:
    relations = [m for m in modified if m.node.is_relation]
    if not relations:
        return None
    return PresetCheck(
        name=SCHEMA_DIFF_NAME,
        description=f"Columns added, removed, retyped or reordered in the {_count(len(relations), 'modified node')}: "
                    f"{_listing(m.described() for m in relations)}.",
        spec=SchemaDiffSpec(params=SchemaDiffParams(node_id=sorted(m.uid for m in relations))))


def _row_count(modified: Sequence[_Modified], report: ImpactReport, pair: ArtifactPair,
               chosen: Collection[str] | None) -> PresetCheck | None:
    """Breaking (and unclassified) changes, and the nodes whose every row a change can alter."""
    whole = [m for m in modified if m.category in _WHOLE]
    whole_ids = {m.uid for m in whole}
    impacted = {uid for n in report.nodes if n.unique_id in whole_ids for uid in n.impacted_nodes}
    impacted |= {n.unique_id for n in report.nodes if n.change is ImpactChange.IMPACTED and n.whole_node}
    own = [m for m in whole if _queryable(pair, m.uid)]
    own_ids = {m.uid for m in own}
    downstream = sorted((uid for uid in impacted - own_ids
                         if _queryable(pair, uid) and (chosen is None or uid in chosen)),
                        key=lambda uid: (_name(pair, uid), uid))
    if not own and not downstream:
        return None
    parts = []
    if own:
        parts.append(f"changed: {_listing(m.described() for m in own)}")
    if downstream:
        parts.append(f"impacted: {_listing(_name(pair, uid) for uid in downstream)}")
    return PresetCheck(
        name=ROW_COUNT_NAME,
        description=f"Rows on both sides of the tables whose every row this change may alter; {'; '.join(parts)}.",
        spec=RowCountDiffSpec(params=RowCountDiffParams(node_ids=tuple(sorted(own_ids | set(downstream))))))


def _value_diffs(modified: Sequence[_Modified], report: ImpactReport, pair: ArtifactPair, notes: list[str],
                 limit: int) -> list[PresetCheck]:
    """One value diff per partial-breaking model with a key and columns to compare (``limit`` at most)."""
    checks: list[PresetCheck] = []
    over: list[str] = []
    for m in modified:
        if m.category is not Category.PARTIAL_BREAKING:
            continue
        check = _value_diff(m, report, pair)
        if isinstance(check, str):
            notes.append(check)
        elif len(checks) < limit:
            checks.append(check)
        else:
            over.append(m.node.name)
    if over:
        notes.append(f"No value diff of {_listing(over)}: at most {limit} value diffs are suggested; "
                     "add the ones you need to spyglass.yml.")
    return checks


def _value_diff(m: _Modified, report: ImpactReport, pair: ArtifactPair) -> PresetCheck | str:
    """The value diff of a partial-breaking model, or why it has none (one sentence)."""
    name = m.node.name
    if not m.node.is_relation:
        return (f"No value diff of {name} (partial breaking): it is ephemeral, with no relation to query; "
                "the tables downstream of it show the change.")
    base = pair.base.manifest.nodes.get(m.uid)
    key = key_columns(m.node) or (key_columns(base) if base is not None else ())
    if not key:
        return (f"No value diff of {name} (partial breaking): no primary key is declared; add a `unique` "
                "test to its key column (or `dbt_utils.unique_combination_of_columns` to its key columns).")
    columns = [c for c in compared_columns(m.node, m.classification, report, pair) if c not in key]
    if not columns:
        return (f"No value diff of {name} (partial breaking): no column it keeps was modified; the schema "
                "diff shows the removed ones.")
    shown = ", ".join(columns[:_COLUMNS_SHOWN]) + (f" and {len(columns) - _COLUMNS_SHOWN} more"
                                                   if len(columns) > _COLUMNS_SHOWN else "")
    reasons = "; ".join(m.classification.reasons) if m.classification and m.classification.reasons else ""
    return PresetCheck(
        name=f"Value diff of {name} (partial breaking: {shown})",
        description=(f"{name} changed some of its columns{f' ({reasons})' if reasons else ''}. Compares base and "
                     f"current row by row on {', '.join(key)} in the columns the change can alter: "
                     f"{', '.join(columns)}."),
        spec=ValueDiffSpec(params=ValueDiffParams(model=model_name(pair, m.node),
                                                  primary_key=key[0] if len(key) == 1 else list(key),
                                                  columns=columns)))


def key_columns(node: Node) -> tuple[str, ...]:
    """The key dbt declares for ``node``: its ``unique`` column, else its first combination of columns
    tested unique together (``dbt_utils.unique_combination_of_columns``); empty when none."""
    if node.primary_key is not None:
        return (node.primary_key,)
    return node.unique_combinations[0] if node.unique_combinations else ()


def compared_columns(node: Node, classification: Classification | None, report: ImpactReport,
                     pair: ArtifactPair) -> list[str]:
    """The columns of a modified ``node`` its change can alter, sorted: those it modified, and its own
    columns an upstream change impacts (when its name is its own); never one it removed, and only columns
    both catalogs have when both have the table."""
    changed = dict(classification.columns) if classification else {}
    wanted = {column for column, kind in changed.items() if kind is ColumnChange.MODIFIED}
    if len(pair.current.manifest.by_name.get(node.name, ())) == 1:
        prefix = f"{node.name}."
        wanted |= {entry.removeprefix(prefix) for other in report.nodes if other.unique_id != node.unique_id
                   for entry in other.impacted_columns if entry.startswith(prefix)}
    wanted -= {column for column, kind in changed.items() if kind is not ColumnChange.MODIFIED}
    for side in (pair.base, pair.current):
        table = side.catalog.tables.get(node.unique_id) if side.catalog is not None else None
        if table is not None:
            wanted = {column for column in wanted if table.column(column) is not None}
    return sorted(wanted)


def model_name(pair: ArtifactPair, node: Node) -> str:
    """How a value diff names ``node``: its name, else its qualified name, when the lookup takes it to this
    node on both sides without having to choose; else its unique id."""
    for text in (spelling(node), spelling(node, qualified=True)):
        try:
            found = find_in_pair(pair, text)
        except SpyglassError:
            continue
        if not found.notes and all(n is not None and n.unique_id == node.unique_id for n in found.nodes):
            return text
    return node.unique_id


def _queryable(pair: ArtifactPair, uid: str) -> bool:
    """A model, seed or snapshot with a relation on the current side (a removed node has nothing to count)."""
    node = pair.current.manifest.nodes.get(uid)
    return node is not None and node.resource_type in _QUERYABLE and node.is_relation


def _name(pair: ArtifactPair, uid: str) -> str:
    node = pair.current.manifest.nodes.get(uid) or pair.base.manifest.nodes.get(uid)
    return node.name if node is not None else uid.rsplit(".", 1)[-1]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _listing(items: Iterable[str]) -> str:
    """``a, b, c`` with at most :data:`_SHOWN` items and ``and N more``."""
    names = list(items)
    shown = ", ".join(names[:_SHOWN])
    return shown + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")

"""What a modification means: the category of one modified node, from its base and current compiled SQL
compared as syntax trees (pure).

* ``breaking``: the rows may change: a row clause (``FROM``/``JOIN``, ``WHERE``, ``GROUP BY``,
  ``HAVING``, ``QUALIFY``, ``DISTINCT``, ``LIMIT``) differs in the query or any CTE or subquery, or the
  way set operations combine; a seed's data changed; a source points at another table.
* ``partial_breaking``: the rows are the same, but some existing columns are defined differently or are
  gone (a rename is the old column removed and the new one added).
* ``non_breaking``: only new columns, or nothing that changes data (formatting, comments, a config such
  as the materialization, a macro whose change leaves the compiled SQL as it was).
* ``unknown``: no compiled SQL, or SQL sqlglot cannot read.

Columns are compared by their canonical definitions (:mod:`spyglass.project.sql_lineage`), so renaming a
CTE's column or reformatting changes nothing, and a changed expression in a CTE shows on every output
column made from it.
"""

from __future__ import annotations

from spyglass.exceptions import SqlNotUnderstood
from spyglass.project.change_types import Category, Classification, ColumnChange
from spyglass.project.column_lineage import SideColumns
from spyglass.project.models import Node, ResourceType
from spyglass.project.sql_lineage import ROW_CLAUSES, QueryLineage, ScopeRows

#: source properties that make it another table
_SOURCE_TABLE_PROPERTIES = frozenset({"database", "schema", "identifier", "relation_name", "resource_type"})
_CLAUSE_WORDS = {"from": "source table", "joins": "join", "where": "filter", "group": "grouping",
                 "having": "group filter", "qualify": "window filter", "distinct": "DISTINCT",
                 "limit": "limit", "offset": "offset"}
_QUOTE_MAX = 120


def classify_node(base: Node, current: Node, reasons: tuple[str, ...], base_side: SideColumns,
                  current_side: SideColumns) -> Classification:
    """The category of ``current`` against ``base``; ``reasons`` are the lineage diff's (``code``,
    ``config.<key>``, ``macro.<name>``, or a source's property names)."""
    if current.resource_type is ResourceType.SEED:
        if "code" in reasons:
            return Classification(Category.BREAKING, ("seed data changed",))
        return _not_data(reasons)
    if current.resource_type is ResourceType.SOURCE:
        moved = sorted(_SOURCE_TABLE_PROPERTIES.intersection(reasons))
        if moved:
            return Classification(Category.BREAKING, (f"source table changed: {', '.join(moved)}",))
        return Classification(Category.NON_BREAKING, (f"source properties changed: {', '.join(reasons)}",))
    if current.resource_type not in (ResourceType.MODEL, ResourceType.SNAPSHOT):
        return Classification(Category.NON_BREAKING, (f"definition changed: {', '.join(reasons)}",))
    return _classify_sql(base, current, reasons, base_side, current_side)


def _not_data(reasons: tuple[str, ...]) -> Classification:
    return Classification(Category.NON_BREAKING, tuple(_context(reasons, only=True)) or ("no change to the data",))


def _context(reasons: tuple[str, ...], *, only: bool = False) -> list[str]:
    """Plain words for what changed besides the SQL: configs and macros (``only``: nothing else did)."""
    words = []
    configs = [r.removeprefix("config.") for r in reasons if r.startswith("config.")]
    macros = [r.removeprefix("macro.") for r in reasons if r.startswith("macro.")]
    others = [r for r in reasons if r != "code" and not r.startswith(("config.", "macro."))]
    if configs:
        words.append(f"config {'only' if only else 'changed'}: {', '.join(configs)}")
    if macros:
        words.append(f"macro changed: {', '.join(macros)}")
    if others:
        words.append(f"changed: {', '.join(others)}")
    return words


def _classify_sql(base: Node, current: Node, reasons: tuple[str, ...], base_side: SideColumns,
                  current_side: SideColumns) -> Classification:
    context = _context(reasons)
    if not base.compiled_code or not current.compiled_code:
        if "code" not in reasons and not any(r.startswith("macro.") for r in reasons):
            return _not_data(reasons)
        return Classification(Category.UNKNOWN, ("no compiled SQL on both sides: run dbt compile or dbt build",
                                                 *context))
    if _same_text(base.compiled_code, current.compiled_code):
        if "code" in reasons or any(r.startswith("macro.") for r in reasons):
            return Classification(Category.NON_BREAKING, ("compiled SQL unchanged", *context))
        return _not_data(reasons)
    try:
        old = base_side.query(base, readable=True)
        new = current_side.query(current, readable=True)
    except SqlNotUnderstood as err:
        return Classification(Category.UNKNOWN, (err.message, *context))
    sql_changed = "code" in reasons or any(r.startswith("macro.") for r in reasons)
    return _compare(old, new, context, config_only=not sql_changed and bool(context))


def _compare(old: QueryLineage, new: QueryLineage, context: list[str], *, config_only: bool) -> Classification:
    row_reasons = _row_changes(old, new)
    columns = _column_changes(old, new)
    column_reasons = [f"columns {kind.value}: {', '.join(n for n, k in columns.items() if k is kind)}"
                      for kind in ColumnChange if kind in columns.values()]
    if row_reasons:
        return Classification(Category.BREAKING, (*row_reasons, *column_reasons, *context), columns)
    if any(kind is not ColumnChange.ADDED for kind in columns.values()):
        return Classification(Category.PARTIAL_BREAKING, (*column_reasons, *context), columns)
    if columns:
        return Classification(Category.NON_BREAKING, (*column_reasons, *context), columns)
    if config_only:
        return Classification(Category.NON_BREAKING, tuple(c.replace(" changed: ", " only: ") for c in context))
    return Classification(Category.NON_BREAKING, ("no semantic change (formatting, comments or names)", *context))


def _column_changes(old: QueryLineage, new: QueryLineage) -> dict[str, ColumnChange]:
    before = {c.name: c.definition for c in old.columns}
    after = {c.name: c.definition for c in new.columns}
    changes: dict[str, ColumnChange] = {}
    for name in after:
        if name not in before:
            changes[name] = ColumnChange.ADDED
        elif before[name] != after[name]:
            changes[name] = ColumnChange.MODIFIED
    for name in before:
        if name not in after:
            changes[name] = ColumnChange.REMOVED
    return dict(sorted(changes.items()))


def _row_changes(old: QueryLineage, new: QueryLineage) -> list[str]:
    reasons = []
    if old.set_operation != new.set_operation:
        reasons.append(f"set operation changed: {old.set_operation or 'none'} → {new.set_operation or 'none'}")
    labels = list(dict.fromkeys([*new.rows, *old.rows]))
    for label in labels:
        before, after = old.rows.get(label), new.rows.get(label)
        where = "" if label == "final" else f"in {label}: "
        if before is None:
            reasons.append(f"{where}new part of the query")
            continue
        if after is None:
            reasons.append(f"{where}part of the query removed")
            continue
        reasons.extend(where + r for r in _clause_changes(before, after))
    return reasons


def _clause_changes(before: ScopeRows, after: ScopeRows) -> list[str]:
    out = []
    for clause in ROW_CLAUSES:
        a, b = before.canonical.get(clause), after.canonical.get(clause)
        if a == b:
            continue
        word = _CLAUSE_WORDS[clause]
        old_text, new_text = before.readable.get(clause), after.readable.get(clause)
        if old_text is None and new_text is not None:
            out.append(f"{word} added" if clause == "distinct" else f"new {word} {_quote(new_text)}")
        elif new_text is None and old_text is not None:
            out.append(f"{word} removed" if clause == "distinct" else f"{word} removed: {_quote(old_text)}")
        elif old_text == new_text:
            out.append(f"{word} {_quote(new_text or '')} now reads changed columns")
        else:
            out.append(f"{word} changed: {_quote(old_text or '')} → {_quote(new_text or '')}")
    return out


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return "`" + (flat if len(flat) <= _QUOTE_MAX else flat[: _QUOTE_MAX - 1] + "…") + "`"


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


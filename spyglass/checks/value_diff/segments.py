"""Where the changes are: one bounded statement grouping a value diff's differing rows by low-cardinality columns.

Run only after a value diff found removed, added or changed rows (:mod:`.run`). The statement re-runs the
diff's own single join (:func:`.sql.join_flags`, classified by :func:`.sql.row_kinds`: a row is removed,
added or changed exactly as the diff counted it) and keeps only the differing rows. For each candidate
column it counts those rows per kind and value (``GROUPING SETS`` in one pass where the dialect declares
them, else one ``UNION ALL`` branch per column over the materialized differing rows), and keeps per column
and kind only the most frequent value (ties: the smallest), with how many rows that kind has and how many
distinct values the column takes among them: the cardinality bound is decided on the differing rows,
where it is cheap. Values are read **from base for removed and changed rows and from current for added
rows**, grouped in their own type and returned as text. Last, one scan of each side counts the rows
holding each of those values (one comparison per column and kind in the column's type, no grouping of
all rows), so a segment's share of its kind can be set against its share of the whole side. The answer
has at most 3 x :data:`MAX_CANDIDATES` rows, read by name. Cost (bench_value_diff, DuckDB, 1M rows, 7
candidates): about one hand-written join of both sides plus one scan of each.

Candidates (:func:`candidates`): columns on both sides, outside the key, whose type is boolean, text or
integer (:class:`~spyglass.warehouse.families.TypeFamily`) on both sides; the compared ones first, names
that look like identifiers (``id``, ``customer_id``, ``order_key``) last, then boolean, text, integer, then
model order; at most :data:`MAX_CANDIDATES`.

A segment is reported (:func:`meaningful`) when it holds at least :data:`MIN_SHARE` of its kind's rows and
at least :data:`MIN_ROWS` rows, its column takes at most :data:`MAX_VALUES` distinct values among them, and
its value is over-represented: its share of the kind is at least :data:`MIN_LIFT` times its share of all
rows on that side (a column holding 'USD' on every row says nothing about where the changes are). At most
:data:`MAX_PER_KIND` per kind, most concentrated first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import reduce

from sqlglot import exp

from spyglass.checks.compare import BASE, CURRENT, ColumnPair, ComparePlan, Tolerance, side_col
from spyglass.checks.sides import Side
from spyglass.checks.sql import Numbered, SqlBuilder, count_if, or_all
from spyglass.checks.value_diff.result import Segment, SegmentKind
from spyglass.checks.value_diff.sql import ADDED, CHANGED, REMOVED, join_flags, row_kinds, subquery
from spyglass.warehouse.base import Record
from spyglass.warehouse.families import TypeFamily, type_family

#: how many columns the differing rows are grouped by
MAX_CANDIDATES = 8
#: a segment holds at least this share of its kind's rows ...
MIN_SHARE = 0.5
#: ... and at least this many rows ...
MIN_ROWS = 2
#: ... its column takes at most this many distinct values among that kind's rows ...
MAX_VALUES = 20
#: ... and its share of the kind is at least this many times its share of all rows on its side
MIN_LIFT = 1.5
#: how many segments are kept per kind
MAX_PER_KIND = 2

#: the kinds of differing rows, in the order they are shown
KINDS: tuple[SegmentKind, ...] = ("removed", "added", "changed")  # the names :mod:`.sql` gives them
#: the side a kind's values are read from
SIDE_OF: dict[str, str] = {REMOVED: BASE, CHANGED: BASE, ADDED: CURRENT}

# -- the outputs, by name ------------------------------------------------------------------------------------
COLUMN, KIND, VALUE, ROWS = "segment_column", "segment_kind", "segment_value", "segment_rows"
#: rows of the segment's kind, and distinct values of its column among them
KIND_ROWS, KIND_VALUES = "kind_rows", "kind_values"
#: per kind and candidate: rows of the side holding the kind's most frequent value
OVERALL: dict[str, Numbered] = {kind: Numbered(f"overall_{kind}") for kind in KINDS}
#: all rows of a side
SIDE_ROWS = {BASE: "base_total", CURRENT: "current_total"}

# -- candidates (pure) ---------------------------------------------------------------------------------------
_FAMILY_RANK = {TypeFamily.BOOLEAN: 0, TypeFamily.TEXT: 1, TypeFamily.INTEGER: 2}
#: names that look like identifiers: ``id``, ``customer_id``, ``ORDER_KEY``, ``customerId``, ``orderKey``
_IDENTIFIER = re.compile(r"(^|_)(id|key|uuid|guid|hash)$", re.IGNORECASE)
_CAMEL_IDENTIFIER = re.compile(r"[a-z0-9](Id|Key|Uuid)$")


def _identifier_like(name: str) -> bool:
    return bool(_IDENTIFIER.search(name) or _CAMEL_IDENTIFIER.search(name))


def _family_rank(pair: ColumnPair) -> int | None:
    ranks = [_FAMILY_RANK.get(type_family(t)) for t in (pair.base_type, pair.current_type)]
    return None if None in ranks else max(r for r in ranks if r is not None)


def candidates(compared: Sequence[ColumnPair], common: Sequence[ColumnPair]) -> tuple[ColumnPair, ...]:
    """The columns to group by: ``compared`` (the diff's columns) first, then the rest of ``common`` (every
    non-key column on both sides), keeping boolean, text and integer ones (see the module doc)."""
    names = {p.base for p in compared}
    pool = [*compared, *(p for p in common if p.base not in names)]
    ranked = []
    for position, pair in enumerate(pool):
        family = _family_rank(pair)
        if family is not None:
            ranked.append(((_identifier_like(pair.name), pair.base not in names, family, position), pair))
    return tuple(pair for _, pair in sorted(ranked, key=lambda item: item[0])[:MAX_CANDIDATES])


# -- the statement -------------------------------------------------------------------------------------------
_DIFF, _GROUPED, _RANKED, _TOP, _WANTED = "sg_diff", "sg_grouped", "sg_ranked", "sg_top", "sg_wanted"
_SIDE_CTE = {BASE: "sg_base", CURRENT: "sg_current"}


def _number(value: int) -> exp.Expr:
    return exp.Literal.number(value)


def _diff_rows(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side, tolerance: Tolerance,
               columns: Sequence[ColumnPair], kinds: Sequence[str]) -> exp.Select:
    """The differing rows of ``kinds``: ``kind`` and ``v_<i>``, each candidate's value (base for removed and
    changed rows, current for added ones) in its own type, or the type both sides compare as."""
    raw = [expr for i, pair in enumerate(columns)
           for expr in (side_col(sql, pair, BASE).as_(f"vb_{i}"), side_col(sql, pair, CURRENT).as_(f"vc_{i}"))]
    flags = join_flags(sql, plan, base, current, tolerance, *raw)
    conditions = row_kinds(plan)
    kind = exp.case()
    for name in kinds:
        kind = kind.when(conditions[name].copy(), exp.Literal.string(name))
    from_base = exp.EQ(this=exp.column("p_b"), expression=_number(1))
    values = [exp.case().when(from_base.copy(), exp.column(f"vb_{i}")).else_(exp.column(f"vc_{i}")).as_(f"v_{i}")
              for i in range(len(columns))]
    return (exp.select(kind.as_("kind"), *values).from_(subquery(flags, "f"))
            .where(or_all(conditions[name].copy() for name in kinds)))


def _typed_null(column: str) -> exp.Expr:
    """NULL of the differing rows' ``column``'s type, in a query that does not group by it (a bare NULL
    would be text to engines that type a ``UNION`` branch by branch, and PostgreSQL has no ``min(boolean)``)."""
    never = exp.EQ(this=_number(1), expression=_number(0))
    return exp.Subquery(this=exp.select(column).from_(_DIFF).where(never)).as_(column)


def _grouped(sql: SqlBuilder, count: int) -> exp.Query:
    """``col, kind, val, n, v_*``: the differing rows counted per kind and value of each candidate; ``val``
    is the value as text, ``v_<col>`` the value itself (the other ``v_*`` are NULL)."""
    rows, values = exp.Count(this=exp.Star()), [f"v_{i}" for i in range(count)]
    if not sql.dialect.grouping_sets:
        branches: list[exp.Query] = [
            exp.select(_number(i).as_("col"), "kind", sql.cast_text(exp.column(f"v_{i}")).as_("val"),
                       rows.copy().as_("n"), *(exp.column(v) if j == i else _typed_null(v)
                                               for j, v in enumerate(values)))
            .from_(_DIFF).group_by("kind", f"v_{i}") for i in range(count)]
        return reduce(lambda left, right: exp.union(left, right, distinct=False), branches)
    grouping = [exp.func("GROUPING", exp.column(v)).as_(f"g_{i}") for i, v in enumerate(values)]
    sets = [exp.Tuple(expressions=[exp.column("kind"), exp.column(v)]) for v in values]
    inner = exp.select("kind", *values, *grouping, rows.as_("n")).from_(_DIFF)
    inner.set("group", exp.Group(grouping_sets=[exp.GroupingSets(expressions=sets)]))
    column, text = exp.case(), exp.case()
    for i, v in enumerate(values):
        grouped_by = exp.EQ(this=exp.column(f"g_{i}"), expression=_number(0))
        column, text = column.when(grouped_by, _number(i)), text.when(grouped_by.copy(), sql.cast_text(exp.column(v)))
    return exp.select(column.as_("col"), "kind", text.as_("val"), "n", *values).from_(subquery(inner, "s"))


def _window(function: exp.Expr, order: exp.Order | None = None) -> exp.Expr:
    return exp.Window(this=function, partition_by=[exp.column("col"), exp.column("kind")], order=order)


def _ranked(count: int) -> exp.Select:
    """Per column and kind: each value's rows, the kind's rows, its distinct values, and the value's rank."""
    rank_order = exp.Order(expressions=[exp.Ordered(this=exp.column("n"), desc=True),
                                        exp.Ordered(this=exp.column("val"), nulls_first=False)])
    return exp.select("col", "kind", "val", "n", *(f"v_{i}" for i in range(count)),
                      _window(exp.Sum(this=exp.column("n"))).as_(KIND_ROWS),
                      _window(exp.Count(this=exp.Star())).as_(KIND_VALUES),
                      _window(exp.RowNumber(), rank_order).as_("rnk")).from_(_GROUPED)


def _wanted(kinds: Sequence[str], count: int) -> exp.Select:
    """One row: ``w_<kind>_<i>``, the most frequent value of each kind and candidate (in its own type)."""
    picks = []
    for kind in kinds:
        for i in range(count):
            where = exp.and_(exp.EQ(this=exp.column("col"), expression=_number(i)),
                             exp.EQ(this=exp.column("kind"), expression=exp.Literal.string(kind)))
            picks.append(exp.Subquery(this=exp.select(f"v_{i}").from_(_TOP).where(where)).as_(f"w_{kind}_{i}"))
    return exp.select(*picks)


def _side_counts(sql: SqlBuilder, side: Side, alias: str, columns: Sequence[ColumnPair],
                 kinds: Sequence[str]) -> exp.Select:
    """One scan of a side: its rows, and per kind read from it and candidate, the rows holding that value
    (compared in the value's own type: no cast per row unless the two sides' types differ)."""
    outputs = [exp.Count(this=exp.Star()).as_(SIDE_ROWS[alias])]
    for kind in kinds:
        for i, pair in enumerate(columns):
            holds = sql.null_safe_eq(side_col(sql, pair, alias), exp.column(f"w_{kind}_{i}", "w"))
            outputs.append(count_if(holds).as_(OVERALL[kind](i)))
    return (exp.select(*outputs).from_(side.from_item.copy())
            .join(exp.table_(_WANTED, alias="w"), join_type="CROSS"))


def segments_query(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side, tolerance: Tolerance,
                   columns: Sequence[ColumnPair], kinds: Sequence[str]) -> str:
    """The one statement: per candidate ``columns`` and each of ``kinds`` (those the diff found), the most
    frequent value among that kind's rows, with the figures :func:`read` reads."""
    outputs = [exp.column(name, _TOP).as_(out) for name, out in
               (("col", COLUMN), ("kind", KIND), ("val", VALUE), ("n", ROWS), (KIND_ROWS, KIND_ROWS),
                (KIND_VALUES, KIND_VALUES))]
    final = exp.select(*outputs).from_(_TOP)
    ctes: list[tuple[str, exp.Query]] = [
        (_GROUPED, _grouped(sql, len(columns))), (_RANKED, _ranked(len(columns))),
        (_TOP, exp.select("*").from_(_RANKED).where(exp.EQ(this=exp.column("rnk"), expression=_number(1)))),
        (_WANTED, _wanted(kinds, len(columns)))]
    for alias, side in ((BASE, base), (CURRENT, current)):
        on_side = [kind for kind in kinds if SIDE_OF[kind] == alias]
        if on_side:
            ctes.append((_SIDE_CTE[alias], _side_counts(sql, side, alias, columns, on_side)))
            final = final.select(exp.column(SIDE_ROWS[alias]), *(exp.column(OVERALL[kind](i)) for kind in on_side
                                                                  for i in range(len(columns))))
            final = final.join(exp.table_(_SIDE_CTE[alias]), join_type="CROSS")
    diff_rows = _diff_rows(sql, plan, base, current, tolerance, columns, kinds)
    final = final.with_(_DIFF, as_=diff_rows, materialized=True if sql.dialect.materialized_cte else None)
    for name, query in ctes:
        final = final.with_(name, as_=query)
    return sql.render(final)


# -- reading (pure) ------------------------------------------------------------------------------------------
_KIND_NAMES: dict[str, SegmentKind] = {kind: kind for kind in KINDS}


def meaningful(segment: Segment, kind_values: int) -> bool:
    """True when ``segment`` says where its kind's rows are (see the module doc)."""
    return (segment.rows >= MIN_ROWS and segment.share >= MIN_SHARE and kind_values <= MAX_VALUES
            and segment.share >= MIN_LIFT * segment.overall_share)


def read(records: Iterable[Record], columns: Sequence[ColumnPair]) -> tuple[Segment, ...]:
    """The meaningful segments of :func:`segments_query`'s rows, most concentrated first."""
    found = []
    for row in records:
        kind, i, value = _KIND_NAMES[str(row[KIND])], row.as_int(COLUMN), row[VALUE]
        segment = Segment(kind=kind, column=columns[i].name, value=None if value is None else str(value),
                          rows=row.as_int(ROWS), kind_rows=row.as_int(KIND_ROWS),
                          overall_rows=row.as_int(OVERALL[kind](i)), side_rows=row.as_int(SIDE_ROWS[SIDE_OF[kind]]),
                          text=type_family(columns[i].base_type) is TypeFamily.TEXT)
        if meaningful(segment, row.as_int(KIND_VALUES)):
            found.append((i, segment))
    found.sort(key=lambda item: (-item[1].share, item[1].overall_share, -item[1].rows, KINDS.index(item[1].kind),
                                 item[0]))
    kept: list[Segment] = []
    for _, segment in found:
        if sum(s.kind == segment.kind for s in kept) < MAX_PER_KIND:
            kept.append(segment)
    return tuple(kept)

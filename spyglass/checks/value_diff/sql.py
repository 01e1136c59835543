"""The SQL of ``value_diff``: one statement, in one of two declared forms, with the same named outputs.

* **join** (every dialect): one FULL OUTER JOIN of base and current on the raw key columns, reduced to
  0/1 flags per row in a subquery (each comparison evaluated once), then aggregated.
* **two-step** (dialects with a ``row_hash`` and ``value_diff_two_step``): join only the keys and a
  64-bit hash of the compared columns; then compare the columns, exactly and with the tolerance, on
  the keys whose hash differs. Same figures, about a third of the join memory on wide tables; a hash
  collision (about 1 in 10^19 per row) could hide a changed row.

The one output row is read by name (:mod:`.run`): the names below are what the statement selects. The
single join's flags (:func:`join_flags`) and what they make of a row (:func:`row_kinds`) also serve the
segments query (:mod:`.segments`), so it counts a row as removed, added or changed exactly as the diff did.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from spyglass.checks.compare import BASE, CURRENT, ComparePlan, Tolerance, alias_of, column_equal, joined, present
from spyglass.checks.sides import Side
from spyglass.checks.sql import Numbered, SqlBuilder, count_if, flag

# -- the outputs, by name (the statement selects them, :func:`.run.interpret` reads them) -------------------
BASE_ROWS, CURRENT_ROWS, IN_BOTH = "base_rows", "current_rows", "in_both"
REMOVED, ADDED, CHANGED = "removed", "added", "changed"
#: distinct removed / added keys (equal to the counts unless keys collide once cast to one type)
REMOVED_KEYS, ADDED_KEYS = "removed_keys", "added_keys"
#: the smallest and the largest key of each kind of difference (examples)
MIN_KEY = {kind: f"{kind}_min_key" for kind in (ADDED, REMOVED, CHANGED)}
MAX_KEY = {kind: f"{kind}_max_key" for kind in (ADDED, REMOVED, CHANGED)}
#: per compared column: how many in-both rows differ in it, and the smallest such key
MISMATCHED, EXAMPLE_KEY = Numbered("mismatched"), Numbered("example_key")


@dataclass(frozen=True)
class Output:
    name: str
    expr: exp.Expr
    #: computed from the per-column comparisons (the two-step form computes it on the changed keys only)
    per_column: bool = False


# -- building blocks over the flags subquery --------------------------------------------------------------
_HASH = "spyglass_h"


def _is(name: str, value: int) -> exp.Expr:
    return exp.EQ(this=exp.column(name), expression=exp.Literal.number(value))


def _when(condition: exp.Expr, value: exp.Expr) -> exp.Expr:
    return exp.case().when(condition, value)


def subquery(query: exp.Query, name: str) -> exp.Expr:
    """``(query) AS name``."""
    return exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(name)))


def _key_value(sql: SqlBuilder, plan: ComparePlan, side: str) -> exp.Expr:
    """One side's key (from the flags) for examples and distinct counts: the raw column when it is a
    single column of a type every engine can MIN/MAX, else its text form (composite, uuid ...)."""
    cols = [exp.column(f"k_{side}_{j}") for j in range(len(plan.keys))]
    single = len(plan.keys) == 1 and plan.keys[0].cast is None and plan.keys[0].base_family.ordered
    return cols[0] if single else sql.key_text(cols)


def _key_projections(sql: SqlBuilder, plan: ComparePlan, base_alias: str, current_alias: str) -> list[exp.Expr]:
    out: list[exp.Expr] = []
    for j, key in enumerate(plan.keys):
        out += [sql.col(key.base, base_alias).as_(f"k_b_{j}"), sql.col(key.current, current_alias).as_(f"k_c_{j}")]
    return out


def _differs(sql: SqlBuilder, plan: ComparePlan, tolerance: Tolerance, both: exp.Expr | None) -> list[exp.Expr]:
    flags = []
    for i, pair in enumerate(plan.columns):
        differs = exp.not_(column_equal(sql, pair, tolerance))
        flags.append(flag(exp.and_(both.copy(), differs) if both is not None else differs).as_(f"d_{i}"))
    return flags


def _total(side: Side) -> exp.Expr:
    return exp.Subquery(this=exp.select(exp.Count(this=exp.Star())).from_(side.from_item.copy()))


def row_kinds(plan: ComparePlan) -> dict[str, exp.Expr]:
    """What each joined row is, over flags ``p_b, p_c, d_*``: :data:`IN_BOTH`, :data:`REMOVED`,
    :data:`ADDED` and :data:`CHANGED` (in both, and some compared column differs)."""
    both, removed, added = (exp.and_(_is("p_b", b), _is("p_c", c)) for b, c in ((1, 1), (1, 0), (0, 1)))
    any_differs: exp.Expr = exp.Literal.number(0)
    for i in range(len(plan.columns)):
        any_differs = exp.Add(this=any_differs, expression=exp.column(f"d_{i}"))
    changed = exp.and_(both.copy(), exp.GT(this=any_differs, expression=exp.Literal.number(0)))
    return {IN_BOTH: both, REMOVED: removed, ADDED: added, CHANGED: changed}


def aggregates(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side) -> list[Output]:
    """The named outputs over flags ``p_b, p_c, k_b_*, k_c_*, d_*``."""
    kinds = row_kinds(plan)
    both, removed, added, changed = kinds[IN_BOTH], kinds[REMOVED], kinds[ADDED], kinds[CHANGED]
    differing = [exp.column(f"d_{i}") for i in range(len(plan.columns))]
    k_b, k_c = _key_value(sql, plan, "b"), _key_value(sql, plan, "c")
    out = [
        Output(BASE_ROWS, _total(base)), Output(CURRENT_ROWS, _total(current)), Output(IN_BOTH, count_if(both)),
        Output(REMOVED, count_if(removed.copy())), Output(ADDED, count_if(added.copy())),
        Output(CHANGED, count_if(changed.copy()), per_column=True),
        Output(REMOVED_KEYS, exp.Count(this=exp.Distinct(expressions=[_when(removed.copy(), k_b.copy())]))),
        Output(ADDED_KEYS, exp.Count(this=exp.Distinct(expressions=[_when(added.copy(), k_c.copy())]))),
    ]
    for kind, condition, key in ((ADDED, added, k_c), (REMOVED, removed, k_b), (CHANGED, changed, k_b)):
        out += [Output(MIN_KEY[kind], exp.Min(this=_when(condition.copy(), key.copy())), kind == CHANGED),
                Output(MAX_KEY[kind], exp.Max(this=_when(condition.copy(), key.copy())), kind == CHANGED)]
    for i, column_flag in enumerate(differing):
        is_set = exp.EQ(this=column_flag.copy(), expression=exp.Literal.number(1))
        out += [Output(MISMATCHED(i), exp.func("COALESCE", exp.Sum(this=column_flag.copy()), exp.Literal.number(0)),
                       per_column=True),
                Output(EXAMPLE_KEY(i), exp.Min(this=_when(is_set, k_b.copy())), per_column=True)]
    return out


# -- the two forms ------------------------------------------------------------------------------------------
def join_query(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side, tolerance: Tolerance) -> str:
    """The single-join form."""
    flags = join_flags(sql, plan, base, current, tolerance)
    named = [o.expr.as_(o.name) for o in aggregates(sql, plan, base, current)]
    return sql.render(exp.select(*named).from_(subquery(flags, "f")))


def join_flags(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side, tolerance: Tolerance,
               *extra: exp.Expr) -> exp.Select:
    """The single join reduced to flags ``p_b, p_c, k_b_*, k_c_*, d_*`` per row (what :func:`row_kinds`
    reads), plus ``extra`` projections over the joined sides."""
    bp, cp = present(sql, plan, BASE), present(sql, plan, CURRENT)
    return joined(sql, plan, base, current).select(
        flag(bp).as_("p_b"), flag(cp).as_("p_c"), *_key_projections(sql, plan, BASE, CURRENT),
        *_differs(sql, plan, tolerance, exp.and_(bp.copy(), cp.copy())), *extra)


def _hashed(sql: SqlBuilder, plan: ComparePlan, side: Side) -> Side:
    """A side reduced to its key columns and one hash of its compared columns (cast where types differ)."""
    alias = alias_of(side)
    values = [sql.cast(sql.col(p.on(alias), alias), p.cast) for p in plan.columns]
    keys = [sql.col(k.on(alias), alias) for k in plan.keys]
    row_hash = sql.template_args(sql.dialect.row_hash or "", values)
    query = exp.select(*keys, row_hash.as_(_HASH)).from_(side.from_item.copy())
    return Side(env=side.env, from_item=subquery(query, alias), columns=side.columns)


def two_step_query(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side, tolerance: Tolerance) -> str:
    """The two-step form: key + row-hash join, then per-column comparison on the changed keys only."""
    bp, cp = present(sql, plan, BASE), present(sql, plan, CURRENT)
    both = exp.and_(bp.copy(), cp.copy())
    hash_differs = exp.NEQ(this=exp.column(_HASH, BASE), expression=exp.column(_HASH, CURRENT))
    keyed = joined(sql, plan, _hashed(sql, plan, base), _hashed(sql, plan, current)).select(
        flag(bp).as_("p_b"), flag(cp).as_("p_c"), *_key_projections(sql, plan, BASE, CURRENT),
        flag(exp.and_(both, hash_differs)).as_("cand"))
    candidates = exp.select(*[exp.column(f"k_{s}_{j}") for j in range(len(plan.keys)) for s in "bc"]) \
        .from_("j").where(_is("cand", 1))
    on_base = [exp.EQ(this=sql.col(k.base, BASE), expression=exp.column(f"k_b_{j}", "k")) for j, k in
               enumerate(plan.keys)]
    on_current = [exp.EQ(this=sql.col(k.current, CURRENT), expression=exp.column(f"k_c_{j}", "k")) for j, k in
                  enumerate(plan.keys)]
    one = exp.Literal.number(1)
    detail = (exp.select(one.as_("p_b"), one.copy().as_("p_c"), *_key_projections(sql, plan, BASE, CURRENT),
                         *_differs(sql, plan, tolerance, None))
              .from_(subquery(candidates, "k")).join(base.from_item.copy(), on=exp.and_(*on_base))
              .join(current.from_item.copy(), on=exp.and_(*on_current)))
    outputs = aggregates(sql, plan, base, current)
    rows = exp.select(*[o.expr.as_(o.name) for o in outputs if not o.per_column]).from_("j")
    cols = exp.select(*[o.expr.as_(o.name) for o in outputs if o.per_column]).from_(subquery(detail, "d"))
    final = exp.select(*[exp.column(o.name, "s" if o.per_column else "r") for o in outputs])
    final = final.from_(subquery(rows, "r")).join(subquery(cols, "s"), join_type="CROSS")
    return sql.render(final.with_("j", as_=keyed, materialized=True if sql.dialect.materialized_cte else None))


def summary_query(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side, tolerance: Tolerance,
                  *, two_step: bool | None = None) -> str:
    """The value diff statement; ``two_step`` None = as the dialect declares."""
    if two_step is None:
        two_step = sql.dialect.value_diff_two_step
    if two_step and sql.dialect.row_hash and plan.columns:
        return two_step_query(sql, plan, base, current, tolerance)
    return join_query(sql, plan, base, current, tolerance)

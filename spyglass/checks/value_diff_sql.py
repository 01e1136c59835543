"""The SQL of ``value_diff``: one statement, in one of two declared forms, with the same output row.

* **join** (every dialect): one FULL OUTER JOIN of base and current on the raw key columns, reduced to
  0/1 flags per row in a subquery (each comparison evaluated once), then aggregated.
* **two-step** (dialects with a ``row_hash`` and ``value_diff_two_step``): join only the keys and a
  64-bit hash of the compared columns; then compare the columns, exactly and with the tolerance, on
  the keys whose hash differs. Same figures, about a third of the join memory on wide tables; a hash
  collision (about 1 in 10^19 per row) could hide a changed row.

Output columns ``v0..``: base rows, current rows, in both, removed, added, changed, distinct removed
keys, distinct added keys, min/max added key, min/max removed key, min/max changed key, then per
compared column its mismatch count and smallest mismatching key.
"""

from __future__ import annotations

from sqlglot import exp

from spyglass.checks.compare import BASE, CURRENT, ComparePlan, Side, Tolerance, column_equal, joined, present
from spyglass.checks.sql import SqlBuilder, count_if, flag
from spyglass.warehouse.families import TypeFamily, type_family

_ORDERED = frozenset({TypeFamily.INTEGER, TypeFamily.NUMBER, TypeFamily.TEXT, TypeFamily.DATE,
                      TypeFamily.DATETIME})
#: indices of the output computed from per-column comparisons (the rest come from the key join)
_COLUMN_PART = frozenset({5, 12, 13})
_HASH = "spyglass_h"


def _is(name: str, value: int) -> exp.Expr:
    return exp.EQ(this=exp.column(name), expression=exp.Literal.number(value))


def _when(condition: exp.Expr, value: exp.Expr) -> exp.Expr:
    return exp.case().when(condition, value)


def _alias(query: exp.Select, alias: str) -> exp.Expr:
    return exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(alias)))


def _key_value(sql: SqlBuilder, plan: ComparePlan, side: str) -> exp.Expr:
    """One side's key (from the flags) for examples and distinct counts: the raw column when it is a
    single column of a type every engine can MIN/MAX, else its text form (composite, uuid ...)."""
    cols = [exp.column(f"k_{side}_{j}") for j in range(len(plan.keys))]
    single = len(plan.keys) == 1 and plan.keys[0].cast is None and type_family(plan.keys[0].base_type) in _ORDERED
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


def aggregates(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side) -> list[exp.Expr]:
    """The output expressions, in order, over flags ``p_b, p_c, k_b_*, k_c_*, d_*``."""
    both, removed, added = (exp.and_(_is("p_b", b), _is("p_c", c)) for b, c in ((1, 1), (1, 0), (0, 1)))
    differing = [exp.column(f"d_{i}") for i in range(len(plan.columns))]
    any_differs: exp.Expr = exp.Literal.number(0)
    for column_flag in differing:
        any_differs = exp.Add(this=any_differs, expression=column_flag.copy())
    changed = exp.and_(both.copy(), exp.GT(this=any_differs, expression=exp.Literal.number(0)))
    k_b, k_c = _key_value(sql, plan, "b"), _key_value(sql, plan, "c")

    def total(side: Side) -> exp.Expr:
        return exp.Subquery(this=exp.select(exp.Count(this=exp.Star())).from_(side.from_item.copy()))

    out: list[exp.Expr] = [
        total(base), total(current), count_if(both), count_if(removed.copy()), count_if(added.copy()),
        count_if(changed.copy()),
        exp.Count(this=exp.Distinct(expressions=[_when(removed.copy(), k_b.copy())])),
        exp.Count(this=exp.Distinct(expressions=[_when(added.copy(), k_c.copy())])),
    ]
    for condition, key in ((added, k_c), (removed, k_b), (changed, k_b)):
        out += [exp.Min(this=_when(condition.copy(), key.copy())), exp.Max(this=_when(condition.copy(), key.copy()))]
    for column_flag in differing:
        out += [exp.func("COALESCE", exp.Sum(this=column_flag.copy()), exp.Literal.number(0)),
                exp.Min(this=_when(exp.EQ(this=column_flag.copy(), expression=exp.Literal.number(1)), k_b.copy()))]
    return out


def _column_part(index: int) -> bool:
    return index in _COLUMN_PART or index >= 14


def join_query(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side, tolerance: Tolerance) -> str:
    """The single-join form."""
    bp, cp = present(sql, plan, BASE), present(sql, plan, CURRENT)
    flags = joined(sql, plan, base, current).select(
        flag(bp).as_("p_b"), flag(cp).as_("p_c"), *_key_projections(sql, plan, BASE, CURRENT),
        *_differs(sql, plan, tolerance, exp.and_(bp.copy(), cp.copy())))
    named = [p.as_(f"v{i}") for i, p in enumerate(aggregates(sql, plan, base, current))]
    return sql.render(exp.select(*named).from_(_alias(flags, "f")))


def _hashed(sql: SqlBuilder, plan: ComparePlan, side: Side, alias: str) -> Side:
    """A side reduced to its key columns and one hash of its compared columns (cast where types differ)."""
    template = sql.dialect.row_hash or ""
    names = [p.base if alias == BASE else p.current for p in plan.columns]
    values = ", ".join(sql.render(sql.cast(sql.col(n, alias), p.cast)) for n, p in zip(names, plan.columns,
                                                                                      strict=True))
    keys = [sql.col(k.base if alias == BASE else k.current, alias) for k in plan.keys]
    query = exp.select(*keys, exp.Var(this=template.format(expr=values)).as_(_HASH)).from_(side.from_item.copy())
    return Side(from_item=_alias(query, alias), columns=side.columns, types=side.types)


def two_step_query(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side, tolerance: Tolerance) -> str:
    """The two-step form: key + row-hash join, then per-column comparison on the changed keys only."""
    bp, cp = present(sql, plan, BASE), present(sql, plan, CURRENT)
    both = exp.and_(bp.copy(), cp.copy())
    hash_differs = exp.NEQ(this=exp.column(_HASH, BASE), expression=exp.column(_HASH, CURRENT))
    keyed = joined(sql, plan, _hashed(sql, plan, base, BASE), _hashed(sql, plan, current, CURRENT)).select(
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
              .from_(_alias(candidates, "k")).join(base.from_item.copy(), on=exp.and_(*on_base))
              .join(current.from_item.copy(), on=exp.and_(*on_current)))
    outputs = aggregates(sql, plan, base, current)
    rows = exp.select(*[e.as_(f"v{i}") for i, e in enumerate(outputs) if not _column_part(i)]).from_("j")
    cols = exp.select(*[e.as_(f"v{i}") for i, e in enumerate(outputs) if _column_part(i)]).from_(_alias(detail, "d"))
    final = exp.select(*[exp.column(f"v{i}", "s" if _column_part(i) else "r") for i in range(len(outputs))])
    final = final.from_(_alias(rows, "r")).join(_alias(cols, "s"), join_type="CROSS")
    return sql.render(final.with_("j", as_=keyed, materialized=True))


def summary_query(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side, tolerance: Tolerance,
                  *, two_step: bool | None = None) -> str:
    """The value diff statement; ``two_step`` None = as the dialect declares."""
    if two_step is None:
        two_step = sql.dialect.value_diff_two_step
    if two_step and sql.dialect.row_hash and plan.columns:
        return two_step_query(sql, plan, base, current, tolerance)
    return join_query(sql, plan, base, current, tolerance)

"""What keyed comparisons share: resolving both sides, pairing columns by name, validating keys.

Used by ``value_diff``, ``value_diff_detail`` and ``query_diff`` (with a key). Columns are always paired
**by name** (exact first, then case-insensitively), never by position: the same columns in another
order compare equal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlglot import exp

from spyglass.checks.base import CheckContext
from spyglass.checks.row_filter import ResolvedFilter, RowFilter
from spyglass.checks.row_filter import resolve as resolve_filter
from spyglass.checks.sides import Side, catalog_table, typed_columns
from spyglass.checks.sql import (
    Numbered,
    SqlBuilder,
    and_all,
    checked,
    comparison_type,
    find_column,
    is_null,
    not_null,
    or_all,
    to_json_scalar,
)
from spyglass.exceptions import CheckError
from spyglass.project.lookup import find_in_pair
from spyglass.project.models import Env, Node
from spyglass.warehouse.base import Record, ResultColumn, Value, Warehouse
from spyglass.warehouse.families import TypeFamily, type_family

#: aliases of the two sides in every generated query
BASE, CURRENT = "b", "c"
#: how many offending key values a key error shows
KEY_EXAMPLES = 5


def alias_of(side: Side) -> str:
    """The alias a side has in the generated queries."""
    return BASE if side.env is Env.BASE else CURRENT


@dataclass(frozen=True)
class ColumnPair:
    """A column present on both sides, and the type both are cast to for comparing (if any)."""

    name: str
    base: str
    current: str
    base_type: str | None
    current_type: str | None
    cast: str | None

    @property
    def numeric(self) -> bool:
        return type_family(self.base_type).numeric and type_family(self.current_type).numeric

    @property
    def base_family(self) -> TypeFamily:
        return type_family(self.base_type)

    def on(self, alias: str) -> str:
        """The column's name on the side aliased ``alias`` (:data:`BASE` or :data:`CURRENT`)."""
        return self.base if alias == BASE else self.current


@dataclass(frozen=True)
class ComparePlan:
    keys: tuple[ColumnPair, ...]
    columns: tuple[ColumnPair, ...]
    base_only: tuple[str, ...]
    current_only: tuple[str, ...]


@dataclass(frozen=True)
class Tolerance:
    absolute: float | None = None
    relative: float | None = None

    @property
    def active(self) -> bool:
        return self.absolute is not None or self.relative is not None


def _pair(name: str, base: Side, current: Side, sql: SqlBuilder) -> ColumnPair | None:
    b, c = find_column(base.names, name), find_column(current.names, name)
    if b is None or c is None:
        return None
    bt, ct = base.type_of(b), current.type_of(c)
    return ColumnPair(name=b, base=b, current=c, base_type=bt, current_type=ct,
                      cast=comparison_type(bt, ct, sql.dialect))


def plan_comparison(
    base: Side, current: Side, keys: Sequence[str], requested: Sequence[str] | None, sql: SqlBuilder,
    what: str,
) -> ComparePlan:
    """Pair keys and compared columns by name (pure). Raises CheckError for unknown names."""
    key_pairs = []
    for key in keys:
        pair = _pair(key, base, current, sql)
        if pair is None:
            raise CheckError(
                f"The primary key column {key!r} is not in both sides of {what}.",
                remedy=f"Available on both sides: {_listing(_common(base, current))}.",
            )
        key_pairs.append(pair)
    key_names = {p.base for p in key_pairs} | {p.current for p in key_pairs}
    wanted = list(requested) if requested else _union_names(base, current)
    unknown = [n for n in wanted if find_column(base.names, n) is None and find_column(current.names, n) is None]
    if unknown:
        raise CheckError(f"Unknown column(s) {_listing(unknown)} in {what}.",
                         remedy=f"Columns are: {_listing(_union_names(base, current))}.")
    columns: list[ColumnPair] = []
    base_only: list[str] = []
    current_only: list[str] = []
    for name in wanted:
        pair = _pair(name, base, current, sql)
        if pair is None:
            (base_only if find_column(base.names, name) else current_only).append(name)
        elif pair.base not in key_names:
            columns.append(pair)
    return ComparePlan(keys=tuple(key_pairs), columns=tuple(columns), base_only=tuple(base_only),
                       current_only=tuple(current_only))


def _union_names(base: Side, current: Side) -> list[str]:
    names = list(base.names)
    names += [n for n in current.names if find_column(base.names, n) is None]
    return names


def _common(base: Side, current: Side) -> list[str]:
    return [n for n in base.names if find_column(current.names, n) is not None]


def _listing(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names) or "(none)"


# -- SQL pieces ----------------------------------------------------------------------------------------
def side_col(sql: SqlBuilder, pair: ColumnPair, alias: str) -> exp.Expr:
    """The column of one side, cast to the comparison type when the two sides' types differ."""
    return sql.cast(sql.col(pair.on(alias), alias), pair.cast)


def present(sql: SqlBuilder, plan: ComparePlan, alias: str) -> exp.Expr:
    """True when the joined row has this side (every key column is non-null)."""
    return and_all(not_null(sql.col(k.on(alias), alias)) for k in plan.keys)


def join_on(sql: SqlBuilder, plan: ComparePlan) -> exp.Expr:
    return and_all(exp.EQ(this=side_col(sql, k, BASE), expression=side_col(sql, k, CURRENT)) for k in plan.keys)


def column_equal(sql: SqlBuilder, pair: ColumnPair, tolerance: Tolerance) -> exp.Expr:
    """Null-safe equality of one column across sides (never NULL), with the tolerance for numerics."""
    left, right = side_col(sql, pair, BASE), side_col(sql, pair, CURRENT)
    if tolerance.active and pair.numeric:
        return sql.within_tolerance(left, right, tolerance.absolute, tolerance.relative)
    return sql.null_safe_eq(left, right)


def joined(sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side) -> exp.Select:
    """``SELECT ... FROM base AS b FULL OUTER JOIN current AS c ON <keys>`` (projection added later)."""
    return exp.select().from_(base.from_item).join(current.from_item, on=join_on(sql, plan), join_type="FULL OUTER")


# -- sides -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelPair:
    """A model's node in the base and the current manifest; ``notes`` say which node its name meant
    when it could mean another (packages, versions: :mod:`spyglass.project.lookup`)."""

    base: Node
    current: Node
    notes: tuple[str, ...] = ()


def model_nodes(ctx: CheckContext, model: str) -> ModelPair:
    """The model's node on both sides, resolved as dbt resolves ``ref()`` (CheckError when a side lacks it)."""
    found = find_in_pair(ctx.artifacts, model)
    if found.base is None or found.current is None:
        where = "current (added by this change)" if found.base is None else "base (removed by this change)"
        raise CheckError(f"Model {model!r} exists only in {where}; there is nothing to compare it with.",
                         remedy="Use a row_count_diff or a query check for added or removed models.")
    return ModelPair(found.base, found.current, found.notes)


def probe_sides(
    warehouse: Warehouse, sql: SqlBuilder, base_from: exp.Expr, current_from: exp.Expr, ctx: CheckContext
) -> tuple[tuple[ResultColumn, ...], tuple[ResultColumn, ...]]:
    """Column names and coarse types of both sides, read without scanning rows (one query per side)."""
    base_res, current_res = warehouse.execute_many([sql.probe(base_from), sql.probe(current_from)],
                                                   cancel=ctx.cancel)
    return checked(base_res).columns, checked(current_res).columns


@dataclass(frozen=True)
class ModelSides:
    """A model's two sides, each filtered by the check's row filter, and what that filter was."""

    base: Side
    current: Side
    #: the filter as applied to the current side (its description goes into notes and titles)
    row_filter: ResolvedFilter


def model_sides(ctx: CheckContext, sql: SqlBuilder, nodes: ModelPair,
                where: str | RowFilter | None = None) -> tuple[Side, Side]:
    """Both sides of a model; ``where`` (a SQL condition, or a :class:`RowFilter`) keeps the same subset of
    rows on each."""
    sides = filtered_sides(ctx, sql, nodes, where if isinstance(where, RowFilter) else RowFilter(where=where))
    return sides.base, sides.current


def filtered_sides(ctx: CheckContext, sql: SqlBuilder, nodes: ModelPair, row_filter: RowFilter,
                   model: str | None = None) -> ModelSides:
    """Both sides of a model, each filtered by ``row_filter`` (parsed and checked as user SQL, then built
    as a tree around the relation; the time window over each side's ``event_time`` column)."""
    warehouse = ctx.require_warehouse()
    base_rel, current_rel = warehouse.relation(nodes.base), warehouse.relation(nodes.current)
    base_cols, current_cols = probe_sides(warehouse, sql, sql.relation(base_rel, BASE),
                                          sql.relation(current_rel, CURRENT), ctx)
    name = model or nodes.current.name
    now = datetime.now(timezone.utc)
    found = [resolve_filter(row_filter, sql, node=node, columns=tuple(c.name for c in cols), model=name, now=now)
             for node, cols in ((nodes.base, base_cols), (nodes.current, current_cols))]
    froms = [sql.relation(rel, alias) if f.condition is None else sql.filtered(rel, f.condition, alias)
             for rel, f, alias in ((base_rel, found[0], BASE), (current_rel, found[1], CURRENT))]
    return ModelSides(
        Side(Env.BASE, froms[0], typed_columns(base_cols, catalog_table(ctx.artifacts.base, nodes.base)),
             relation=base_rel),
        Side(Env.CURRENT, froms[1], typed_columns(current_cols, catalog_table(ctx.artifacts.current, nodes.current)),
             relation=current_rel),
        found[1])


# -- key validation ----------------------------------------------------------------------------------------
#: what a key problem query selects: each key column, and how many rows hold that key
_KEY, _KEY_ROWS = Numbered("key"), "key_rows"


def key_problem_query(sql: SqlBuilder, side: Side, keys: Sequence[str]) -> str:
    """Up to 5 key values that are duplicated or NULL on one side, with their row counts."""
    cols = [sql.col(k) for k in keys]
    count = exp.Count(this=exp.Star())
    having = exp.or_(exp.GT(this=count.copy(), expression=exp.Literal.number(1)), or_all(is_null(c) for c in cols))
    outputs = [c.copy().as_(_KEY(j)) for j, c in enumerate(cols)]
    query = (exp.select(*outputs, count.copy().as_(_KEY_ROWS)).from_(side.from_item.copy())
             .group_by(*[c.copy() for c in cols]).having(having)
             .order_by(exp.Ordered(this=count.copy(), desc=True)).limit(KEY_EXAMPLES))
    return sql.render(query)


def check_keys(warehouse: Warehouse, sql: SqlBuilder, plan: ComparePlan, base: Side, current: Side,
               what: str, ctx: CheckContext, skip: frozenset[Env] = frozenset()) -> None:
    """Raise CheckError naming up to 5 offending values when the key is not unique and non-null; the
    sides in ``skip`` (proven unique otherwise: dbt's tests) are not scanned."""
    scanned = [(side, [k.on(alias_of(side)) for k in plan.keys]) for side in (base, current) if side.env not in skip]
    if not scanned:
        return
    results = warehouse.execute_many([key_problem_query(sql, side, keys) for side, keys in scanned], cancel=ctx.cancel)
    problems = {side.env.value: checked(res).records() for (side, _), res in zip(scanned, results, strict=True)}
    if any(problems.values()):
        raise key_error(plan, problems, what)


def key_error(plan: ComparePlan, problems: Mapping[str, Sequence[Record]], what: str) -> CheckError:
    """The error for a key that is not unique or has NULLs (pure); ``problems`` are
    :func:`key_problem_query`'s rows per side."""
    names = [k.name for k in plan.keys]
    parts = []
    for side, rows in problems.items():
        shown = [_describe_key(names, row) for row in rows[:KEY_EXAMPLES]]
        if shown:
            parts.append(f"{side}: " + "; ".join(shown))
    detail = " | ".join(parts) if parts else "the join found more rows than the tables hold"
    return CheckError(
        f"The primary key ({', '.join(names)}) of {what} is not unique and non-null on both sides: {detail}.",
        remedy="Choose columns that identify one row on each side (a composite key is a list: "
               "primary_key: [a, b]), or fix the model.",
    )


def _describe_key(names: Sequence[str], row: Record) -> str:
    values = ", ".join(f"{n}={_show(row[_KEY(j)])}" for j, n in enumerate(names))
    count = row.as_int(_KEY_ROWS)
    return f"{values} ({count} row{'s' if count != 1 else ''})"


def _show(value: Value) -> str:
    scalar = to_json_scalar(value)
    return "NULL" if scalar is None else repr(scalar) if isinstance(scalar, str) else str(scalar)

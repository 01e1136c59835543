"""The SQL of the profile diff, and the reading of its one-row results by output name (pure).

A statement is ``SELECT COUNT(*) AS row_count, <six figures per column> FROM relation``. The figures of
the column at place ``i`` of a statement are named ``c{i}_non_null``, ``c{i}_distinct``, ``c{i}_min``,
``c{i}_max``, ``c{i}_avg`` and ``c{i}_median`` (:class:`FigureNames`, shared by builder and reader), NULL
where a figure does not apply to the column's type (:func:`~spyglass.checks.profile_target.profiled_family`).
How columns are grouped into statements is a per-dialect choice (:func:`plan_statements`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields

from sqlglot import exp

from spyglass.checks.profile_target import profiled_family
from spyglass.checks.sides import Column, Side
from spyglass.checks.sql import SqlBuilder
from spyglass.project.models import Env
from spyglass.warehouse.base import QueryResult, Record, Value

#: the output holding the relation's row count
ROW_COUNT = "row_count"


@dataclass(frozen=True)
class FigureNames:
    """The output names of one column's figures in a statement."""

    non_null: str
    distinct: str
    min: str
    max: str
    avg: str
    median: str

    @classmethod
    def at(cls, place: int) -> FigureNames:
        """The names of the figures of the statement's column number ``place`` (from 0)."""
        return cls(**{f.name: f"c{place}_{f.name}" for f in fields(cls)})


@dataclass(frozen=True)
class Figures:
    """The raw figures of one column on one side, as read from the warehouse."""

    row_count: int
    non_null: int
    distinct: int
    min: str | None
    max: str | None
    avg: float | None
    median: float | None


@dataclass(frozen=True)
class Statement:
    """One profiling query over one side's relation and the columns it covers."""

    env: Env
    columns: tuple[Column, ...]
    sql: str

    def outputs(self) -> Iterator[tuple[Column, FigureNames]]:
        """Each column with the names of its figures."""
        return named(self.columns)


def named(columns: Sequence[Column]) -> Iterator[tuple[Column, FigureNames]]:
    """Each column of a statement with the names of its figures (by its place in the statement)."""
    return ((column, FigureNames.at(place)) for place, column in enumerate(columns))


def column_figures(column: Column, names: FigureNames, sql: SqlBuilder, *, approx: bool) -> list[exp.Expr]:
    """The six named aggregates of one column (NULL where not applicable)."""
    quoted = sql.col(column.name)
    family = profiled_family(column.type)
    minimum = maximum = average = median = None
    if family.ordered:
        minimum = sql.cast_text(exp.Min(this=quoted.copy()))
        maximum = sql.cast_text(exp.Max(this=quoted.copy()))
    if family.numeric:
        average = exp.Avg(this=quoted.copy())
        template = sql.dialect.approx_median if approx else sql.dialect.median
        median = sql.template(template, quoted) if template is not None else None
    figures = {names.non_null: exp.Count(this=quoted.copy()), names.distinct: _distinct(quoted, sql, approx=approx),
               names.min: minimum, names.max: maximum, names.avg: average, names.median: median}
    return [exp.alias_(figure if figure is not None else exp.Null(), name, copy=False)
            for name, figure in figures.items()]


def _distinct(quoted: exp.Expr, sql: SqlBuilder, *, approx: bool) -> exp.Expr:
    if approx and sql.dialect.approx_distinct:
        return sql.template(sql.dialect.approx_distinct, quoted)
    return exp.Count(this=exp.Distinct(expressions=[quoted.copy()]))


def profile_statement(side: Side, columns: Sequence[Column], sql: SqlBuilder, *, approx: bool) -> Statement:
    """``SELECT COUNT(*) AS row_count, <six figures per column> FROM <the side's relation>``."""
    outputs: list[exp.Expr] = [exp.alias_(exp.Count(this=exp.Star()), ROW_COUNT, copy=False)]
    for column, names in named(columns):
        outputs += column_figures(column, names, sql, approx=approx)
    query = exp.select(*outputs, copy=False).from_(side.from_item.copy(), copy=False)
    return Statement(env=side.env, columns=tuple(columns), sql=sql.render(query))


def plan_statements(side: Side, columns: Sequence[Column], sql: SqlBuilder, *, approx: bool) -> list[Statement]:
    """One batched statement, or one per column (run concurrently by the caller) where the dialect
    measured exact distinct counts batched slower (DuckDB: per column also beat batching all but the
    distinct counts, measured through dbt-duckdb at 1M rows x 31 columns)."""
    if approx or sql.dialect.batch_exact_distinct or not columns:
        return [profile_statement(side, columns, sql, approx=approx)]
    return [profile_statement(side, [c], sql, approx=approx) for c in columns]


def read_figures(statements: Sequence[Statement], results: Sequence[QueryResult]) -> dict[Env, dict[str, Figures]]:
    """Figures per side and column name from the one row of each statement's result."""
    figures: dict[Env, dict[str, Figures]] = {}
    for statement, result in zip(statements, results, strict=True):
        figures.setdefault(statement.env, {}).update(read_record(statement, result.record()))
    return figures


def read_record(statement: Statement, record: Record) -> dict[str, Figures]:
    """Figures per column name from the result row of one :class:`Statement`."""
    row_count = record.as_int(ROW_COUNT)
    return {
        column.name: Figures(
            row_count=row_count,
            non_null=record.as_int(names.non_null),
            distinct=record.as_int(names.distinct),
            min=as_text(record[names.min]),
            max=as_text(record[names.max]),
            avg=record.as_float(names.avg),
            median=record.as_float(names.median),
        )
        for column, names in statement.outputs()
    }


def as_text(value: Value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)

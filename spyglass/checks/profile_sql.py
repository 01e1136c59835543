"""The SQL of the profile diff, and the reading of its one-row results (pure).

Every column contributes the same six slots to a statement (non-null count, distinct count, min, max,
avg, median), ``null`` where a figure does not apply to its type, so results are read by position.
How columns are grouped into statements is a per-dialect choice (:func:`plan_statements`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from spyglass.checks.profile_target import Column
from spyglass.warehouse.base import Value
from spyglass.warehouse.dialects import Dialect

SLOTS = 6


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
    """One profiling query over one relation and the columns it covers (in slot order)."""

    relation: str
    columns: tuple[Column, ...]
    sql: str


def column_slots(column: Column, quoted: str, dialect: Dialect, *, approx: bool) -> list[str]:
    """The six aggregate expressions of one column (``null`` where not applicable)."""
    distinct_expr = _distinct(quoted, dialect, approx=approx)
    minimum = maximum = average = median = "null"
    if column.is_ordered:
        minimum = f"cast(min({quoted}) as {dialect.text_type})"
        maximum = f"cast(max({quoted}) as {dialect.text_type})"
    if column.is_numeric:
        average = f"avg({quoted})"
        median_template = dialect.approx_median if approx else dialect.median
        if median_template is not None:
            median = median_template.format(expr=quoted)
    return [f"count({quoted})", distinct_expr, minimum, maximum, average, median]


def _distinct(quoted: str, dialect: Dialect, *, approx: bool) -> str:
    if approx and dialect.approx_distinct:
        return dialect.approx_distinct.format(expr=quoted)
    return f"count(distinct {quoted})"


def profile_statement(
    relation: str, columns: Sequence[Column], quote: Callable[[str], str], dialect: Dialect, *, approx: bool
) -> Statement:
    """``select count(*), <6 slots per column> from relation``."""
    expressions = ["count(*)"]
    for column in columns:
        expressions.extend(column_slots(column, quote(column.name), dialect, approx=approx))
    sql = "select " + ",\n  ".join(expressions) + f"\nfrom {relation}"
    return Statement(relation=relation, columns=tuple(columns), sql=sql)


def plan_statements(
    relation: str, columns: Sequence[Column], quote: Callable[[str], str], dialect: Dialect, *, approx: bool
) -> list[Statement]:
    """One batched statement, or one per column (run concurrently by the caller) where the dialect
    measured exact distinct counts batched slower (DuckDB: per column also beat batching all but the
    distinct counts, measured through dbt-duckdb at 1M rows x 31 columns)."""
    if approx or dialect.batch_exact_distinct or not columns:
        return [profile_statement(relation, columns, quote, dialect, approx=approx)]
    return [profile_statement(relation, [c], quote, dialect, approx=approx) for c in columns]


def read_figures(statements: Sequence[Statement], rows: Sequence[Sequence[Value]]) -> dict[str, dict[str, Figures]]:
    """Figures per relation and column name from the first row of each statement's result."""
    figures: dict[str, dict[str, Figures]] = {}
    for statement, row in zip(statements, rows, strict=True):
        figures.setdefault(statement.relation, {}).update(read_row(statement.columns, row))
    return figures


def read_row(columns: Sequence[Column], row: Sequence[Value]) -> dict[str, Figures]:
    """Figures per column name from one result row of :func:`profile_statement`."""
    row_count = as_int(row[0])
    figures: dict[str, Figures] = {}
    for i, column in enumerate(columns):
        non_null, distinct, minimum, maximum, average, median = row[1 + i * SLOTS: 1 + (i + 1) * SLOTS]
        figures[column.name] = Figures(
            row_count=row_count,
            non_null=as_int(non_null),
            distinct=as_int(distinct),
            min=as_text(minimum),
            max=as_text(maximum),
            avg=as_float(average),
            median=as_float(median),
        )
    return figures


def as_int(value: Value) -> int:
    if value is None:
        return 0
    if isinstance(value, (int, float, Decimal, str)):
        return int(value)
    raise TypeError(f"expected a count, got {value!r}")


def as_float(value: Value) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal, str)):
        return float(value)
    raise TypeError(f"expected a number, got {value!r}")


def as_text(value: Value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)

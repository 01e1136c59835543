"""``spyglass value-diff``, ``query`` and ``query-diff``: one check, ad hoc, as a table or JSON.

Each command runs its check through :meth:`Session.run_check` (the path ``spyglass run`` and the
server take), prints a rich table (or, with ``--json``, the run record as JSON) and exits 1 when the
run did not succeed, after printing what went wrong and what to do, or when it found a difference and
``--fail-on mismatch`` was given (:mod:`spyglass.cli.adhoc`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from spyglass.checks.query import QUERY_LIMIT, DataTable, QueryParams, QueryResultModel, QuerySpec
from spyglass.checks.query_diff import MultisetDiff, QueryDiffParams, QueryDiffResult, QueryDiffSpec
from spyglass.checks.sql import JsonScalar
from spyglass.checks.value_diff import ValueDiffParams, ValueDiffResult, ValueDiffSpec
from spyglass.checks.value_diff_detail import (
    DEFAULT_LIMIT,
    DiffRows,
    ValueDiffDetailParams,
    ValueDiffDetailResult,
    ValueDiffDetailSpec,
)
from spyglass.cli.adhoc import output_options, run_and_print
from spyglass.cli.options import project_options
from spyglass.report.details.value_diff import percent

_limit_option = click.option("--limit", type=click.IntRange(1, 100_000), default=None,
                             help="How many rows to return (default: 2,000; 1,000 for --detail).")


def _names(values: Sequence[str]) -> list[str]:
    """Repeated and/or comma-separated option values as one list."""
    return [name.strip() for item in values for name in item.split(",") if name.strip()]


def _sql_argument(sql: str) -> str:
    """The SQL argument; ``-`` reads it from standard input."""
    text = sys.stdin.read() if sql == "-" else sql
    if not text.strip():
        raise click.UsageError("The SQL is empty." + (" (nothing was read from standard input)" if sql == "-" else ""))
    return text


# -- tables ------------------------------------------------------------------------------------------------
def _text(value: JsonScalar) -> Text:
    return Text("NULL", style="dim italic") if value is None else Text(str(value))


def value_diff_view(result: ValueDiffResult) -> list[RenderableType]:
    table = Table(title=f"Value diff of {result.model} by {', '.join(result.primary_key)}", title_justify="left")
    for name in ("column", "matched", "mismatched", "matched %", "e.g. key"):
        table.add_column(name, justify="left" if name in ("column", "e.g. key") else "right")
    for col in result.columns:
        style = "bold yellow" if col.mismatched else ""
        table.add_row(Text(col.column, style=style), f"{col.matched:,}", f"{col.mismatched:,}",
                      percent(col.matched_p), _text(col.example_key) if col.mismatched else "")
    counts = Text(f"base {result.base_rows:,} rows, current {result.current_rows:,} rows: {result.added:,} added, "
                  f"{result.removed:,} removed, {result.in_both:,} in both, {result.changed:,} changed")
    views: list[RenderableType] = [table, counts]
    for side, columns in (("base", result.base_only_columns), ("current", result.current_only_columns)):
        if columns:
            views.append(Text(f"Only in {side} (not compared): {', '.join(columns)}"))
    return views


def diff_rows_view(diff: DiffRows, title: str) -> list[RenderableType]:
    table = Table(title=title, title_justify="left")
    for key in diff.primary_key:
        table.add_column(key)
    table.add_column("change")
    for name in diff.columns:
        table.add_column(name)
    styles = {"added": "green", "removed": "red", "changed": "yellow"}
    for row in diff.rows:
        cells: list[Text] = [_text(v) for v in row.key] + [Text(row.status, style=styles[row.status])]
        for i, name in enumerate(diff.columns):
            cells.append(_cell_change(row.base[i] if row.base else None, row.current[i] if row.current else None,
                                      name in row.changed_columns, row.status))
        table.add_row(*cells)
    more = f" (first {len(diff.rows):,})" if diff.more else ""
    return [table, Text(f"{diff.total:,} differing rows{more}: {diff.added:,} added, {diff.removed:,} removed, "
                        f"{diff.changed:,} changed")]


def _cell_change(base: JsonScalar, current: JsonScalar, changed: bool, status: str) -> Text:
    if status == "added":
        return _text(current)
    if status == "removed" or not changed:
        return _text(base)
    return Text.assemble(_styled(base, "red"), " → ", _styled(current, "green"))


def _styled(value: JsonScalar, style: str) -> Text:
    text = _text(value)
    text.stylize(style)
    return text


def value_diff_detail_view(result: ValueDiffDetailResult) -> list[RenderableType]:
    return diff_rows_view(result.diff, f"Differing rows of {result.model}")


def data_table_view(data: DataTable, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in data.columns:
        table.add_column(column.name, justify="right" if column.type in ("integer", "number") else "left")
    for row in data.rows:
        table.add_row(*[_text(v) for v in row])
    return table


def query_view(result: QueryResultModel) -> list[RenderableType]:
    shown = f", first {len(result.table.rows):,} shown" if result.table.more else ""
    return [data_table_view(result.table, f"{result.table.total_row_count:,} rows ({result.env.value}{shown})")]


def multiset_view(diff: MultisetDiff) -> Table:
    table = Table(title="Rows whose count differs", title_justify="left")
    for name in diff.columns:
        table.add_column(name)
    table.add_column("base", justify="right")
    table.add_column("current", justify="right")
    for row in diff.rows:
        table.add_row(*[_text(v) for v in row.values], f"{row.base_count:,}", f"{row.current_count:,}")
    return table


def query_diff_view(result: QueryDiffResult) -> list[RenderableType]:
    views: list[RenderableType] = []
    if result.keyed is not None:
        views += diff_rows_view(result.keyed, "Differing rows")
    elif result.multiset is not None:
        views.append(multiset_view(result.multiset))
    for side, columns in (("base", result.base_only_columns), ("current", result.current_only_columns)):
        if columns:
            views.append(Text(f"Columns only in {side}: {', '.join(columns)}"))
    return views


# -- commands ------------------------------------------------------------------------------------------------
@click.command("value-diff")
@click.argument("model")
@click.option("--primary-key", "-k", "primary_key", multiple=True,
              help="Key column(s): repeat or separate with commas for a composite key "
                   "(default: the column with a dbt `unique` test).")
@click.option("--columns", "-c", multiple=True, help="Compare only these columns (default: all).")
@click.option("--where", default=None, help="A SQL condition both sides are filtered by (e.g. a date window).")
@click.option("--detail", is_flag=True, help="List the differing rows instead of per-column figures.")
@click.option("--abs-tolerance", type=click.FloatRange(min=0), default=None,
              help="Numeric values within this absolute difference match.")
@click.option("--rel-tolerance", type=click.FloatRange(min=0), default=None,
              help="Numeric values within this relative difference match (0.01 = 1%).")
@_limit_option
@output_options
@project_options
def value_diff_command(model: str, primary_key: tuple[str, ...], columns: tuple[str, ...], where: str | None,
                       detail: bool,
                       abs_tolerance: float | None, rel_tolerance: float | None, limit: int | None,
                       **kwargs: Any) -> None:
    """Compare MODEL's rows on base and current by primary key, column by column."""
    keys = _names(primary_key)
    params = ValueDiffParams(model=model, primary_key=(keys[0] if len(keys) == 1 else keys) or None,
                             columns=_names(columns) or None, where=where or None, abs_tolerance=abs_tolerance,
                             rel_tolerance=rel_tolerance)
    if detail:
        detail_params = ValueDiffDetailParams(**params.model_dump(), limit=limit or DEFAULT_LIMIT)
        run_and_print(ValueDiffDetailSpec(params=detail_params), kwargs, value_diff_detail_view)
    else:
        run_and_print(ValueDiffSpec(params=params), kwargs, value_diff_view)


@click.command("query")
@click.argument("sql")
@click.option("--base", is_flag=True, help="Run against the base environment instead of current.")
@_limit_option
@output_options
@project_options
def query_command(sql: str, base: bool, limit: int | None, **kwargs: Any) -> None:
    """Run SQL (Jinja with ref() and source(); `-` reads it from stdin) and show the first rows."""
    params = QueryParams(sql_template=_sql_argument(sql), base=base, limit=limit or QUERY_LIMIT)
    run_and_print(QuerySpec(params=params), kwargs, query_view)


@click.command("query-diff")
@click.argument("sql")
@click.option("--base-sql", default=None, help="Different SQL for the base side (default: SQL).")
@click.option("--primary-key", "-k", "primary_key", multiple=True,
              help="Key column(s) to pair rows by; without it, rows are compared as a multiset.")
@_limit_option
@output_options
@project_options
def query_diff_command(sql: str, base_sql: str | None, primary_key: tuple[str, ...], limit: int | None,
                       **kwargs: Any) -> None:
    """Run SQL on base and current and show the rows that differ (columns are matched by name)."""
    params = QueryDiffParams(sql_template=_sql_argument(sql), base_sql_template=base_sql,
                             primary_keys=_names(primary_key) or None, limit=limit or QUERY_LIMIT)
    run_and_print(QueryDiffSpec(params=params), kwargs, query_diff_view)


def register(group: click.Group) -> None:
    """Add ``value-diff``, ``query`` and ``query-diff`` to the ``spyglass`` group."""
    for command in (value_diff_command, query_command, query_diff_command):
        group.add_command(command)

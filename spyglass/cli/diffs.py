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

from spyglass.checks.query import QUERY_LIMIT, QueryParams, QuerySpec
from spyglass.checks.query_diff import QueryDiffParams, QueryDiffSpec
from spyglass.checks.value_diff import ValueDiffParams, ValueDiffSpec
from spyglass.checks.value_diff_detail import DEFAULT_LIMIT, ValueDiffDetailParams, ValueDiffDetailSpec
from spyglass.cli.adhoc import output_options, run_and_print
from spyglass.cli.filters import pop_filter, window_options
from spyglass.cli.options import project_options
from spyglass.exceptions import UsageError

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


# -- commands ------------------------------------------------------------------------------------------------
@click.command("value-diff")
@click.argument("model")
@click.option("--primary-key", "-k", "primary_key", multiple=True,
              help="Key column(s): repeat or separate with commas for a composite key "
                   "(default: the column with a dbt `unique` test).")
@click.option("--columns", "-c", multiple=True, help="Compare only these columns (default: all).")
@click.option("--where", default=None, help="A SQL condition both sides are filtered by (e.g. a date window).")
@window_options
@click.option("--detail", is_flag=True, help="List the differing rows instead of per-column figures.")
@click.option("--assume-unique-key", is_flag=True,
              help="Skip the key's uniqueness scan before the join (faster; a key that is not unique is then "
                   "refused only after the join).")
@click.option("--abs-tolerance", type=click.FloatRange(min=0), default=None,
              help="Numeric values within this absolute difference match.")
@click.option("--rel-tolerance", type=click.FloatRange(min=0), default=None,
              help="Numeric values within this relative difference match (0.01 = 1%).")
@click.option("--sample", type=click.FloatRange(min=0, min_open=True, max=1), default=None, metavar="FRACTION",
              help="Compare only this fraction of the keys, the same keys on both sides (rates are then estimates "
                   "with a 95% interval).")
@click.option("--sample-rows", type=click.IntRange(min=1), default=None, metavar="N",
              help="Compare about N keys (the fraction is N over the larger side's rows).")
@_limit_option
@output_options
@project_options
def value_diff_command(model: str, primary_key: tuple[str, ...], columns: tuple[str, ...], where: str | None,
                       detail: bool, assume_unique_key: bool,
                       abs_tolerance: float | None, rel_tolerance: float | None, sample: float | None,
                       sample_rows: int | None, limit: int | None, **kwargs: Any) -> None:
    """Compare MODEL's rows on base and current by primary key, column by column."""
    keys = _names(primary_key)
    params = ValueDiffParams(model=model, primary_key=(keys[0] if len(keys) == 1 else keys) or None,
                             columns=_names(columns) or None, where=where or None, abs_tolerance=abs_tolerance,
                             rel_tolerance=rel_tolerance, assume_unique_key=assume_unique_key, sample=sample,
                             sample_rows=sample_rows, **pop_filter(kwargs))
    if detail and assume_unique_key:
        raise UsageError("--assume-unique-key does not apply to --detail: the differing rows can only be "
                         "listed once the key is known to be unique.", remedy="Drop one of the two options.")
    if detail:
        detail_params = ValueDiffDetailParams(**params.model_dump(), limit=limit or DEFAULT_LIMIT)
        run_and_print(ValueDiffDetailSpec(params=detail_params), kwargs)
    else:
        run_and_print(ValueDiffSpec(params=params), kwargs)


@click.command("query")
@click.argument("sql")
@click.option("--base", is_flag=True, help="Run against the base environment instead of current.")
@_limit_option
@output_options
@project_options
def query_command(sql: str, base: bool, limit: int | None, **kwargs: Any) -> None:
    """Run SQL (Jinja with ref() and source(); `-` reads it from stdin) and show the first rows."""
    params = QueryParams(sql_template=_sql_argument(sql), base=base, limit=limit or QUERY_LIMIT)
    run_and_print(QuerySpec(params=params), kwargs)


@click.command("query-diff")
@click.argument("sql")
@click.option("--base-sql", default=None, help="Different SQL for the base side (default: SQL).")
@click.option("--primary-key", "-k", "primary_key", multiple=True,
              help="Key column(s) to pair rows by; without it, rows are compared as a multiset.")
@click.option("--abs-tolerance", type=click.FloatRange(min=0), default=None,
              help="With --primary-key: numeric values within this absolute difference match.")
@click.option("--rel-tolerance", type=click.FloatRange(min=0), default=None,
              help="With --primary-key: numeric values within this relative difference match (0.01 = 1%).")
@_limit_option
@output_options
@project_options
def query_diff_command(sql: str, base_sql: str | None, primary_key: tuple[str, ...], limit: int | None,
                       abs_tolerance: float | None, rel_tolerance: float | None, **kwargs: Any) -> None:
    """Run SQL on base and current and show the rows that differ (columns are matched by name)."""
    keys = _names(primary_key) or None
    if (abs_tolerance is not None or rel_tolerance is not None) and not keys:
        raise UsageError("--abs-tolerance/--rel-tolerance need --primary-key: without a key the rows are "
                         "compared as multisets and no value is paired with another.",
                         remedy="Pass --primary-key with the columns that identify a row, or drop the tolerance.")
    params = QueryDiffParams(sql_template=_sql_argument(sql), base_sql_template=base_sql, primary_keys=keys,
                             limit=limit or QUERY_LIMIT, abs_tolerance=abs_tolerance, rel_tolerance=rel_tolerance)
    run_and_print(QueryDiffSpec(params=params), kwargs)


def register(group: click.Group) -> None:
    """Add ``value-diff``, ``query`` and ``query-diff`` to the ``spyglass`` group."""
    for command in (value_diff_command, query_command, query_diff_command):
        group.add_command(command)

"""``spyglass profile-diff``, ``top-k-diff`` and ``histogram-diff``: one check, ad hoc, as a table or JSON.

Each command runs the check through :meth:`Session.run_check` (the same path as ``spyglass run`` and
the server), prints a rich table (or the run record as JSON with ``--json``) and exits 1 when the run
failed, after printing what went wrong and what to do, or when it found a difference and ``--fail-on
mismatch`` was given (:mod:`spyglass.cli.adhoc`).
"""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table
from rich.text import Text

from spyglass.checks.histogram import HistogramDiffParams, HistogramDiffResult, HistogramDiffSpec
from spyglass.checks.profile import ProfileDiffParams, ProfileDiffResult, ProfileDiffSpec
from spyglass.checks.top_k import TopKDiffParams, TopKDiffResult, TopKDiffSpec
from spyglass.cli.adhoc import output_options, run_and_print
from spyglass.cli.options import project_options
from spyglass.report.details.histogram import bar
from spyglass.report.details.profile import FIGURES, figure


def _pair(base: str, current: str) -> Text:
    if base == current:
        return Text(base)
    return Text.assemble((base, "red"), " → ", (current, "green"))


def refuse_moved_k(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``top-k-diff -k N`` (the old spelling of ``--top N``): a usage error saying what to write."""
    if value is not None:
        raise click.BadParameter(f"-k means --primary-key in every spyglass command; write --top {value} "
                                 "for the number of values.", ctx=ctx, param=param)


def profile_table(result: ProfileDiffResult) -> Table:
    """One row per column; a changed figure reads ``base → current``."""
    mode = " (approximate)" if result.approx else ""
    table = Table(title=f"Profile diff of {result.model}{mode}", title_justify="left")
    table.add_column("column")
    table.add_column("type")
    for label, _ in FIGURES:
        table.add_column(label, justify="right")
    for column in result.columns:
        types = _pair(column.base_type or "-", column.current_type or "-")
        cells = [_pair(figure(column.base, attr), figure(column.current, attr)) for _, attr in FIGURES]
        name = Text(column.name, style="bold yellow" if column.changed else "")
        table.add_row(name, types, *cells)
    return table


def top_k_table(result: TopKDiffResult) -> Table:
    table = Table(title=f"Top {result.k} values of {result.model}.{result.column_name}", title_justify="left")
    for name in ("value", "base", "base %", "current", "current %", "change"):
        table.add_column(name, justify="left" if name == "value" else "right")
    for v in result.values:
        change = v.current_count - v.base_count
        delta = Text(f"{change:+,}", style="yellow") if change else Text("=")
        table.add_row(v.value, f"{v.base_count:,}", _share(v.base_share), f"{v.current_count:,}",
                      _share(v.current_share), delta)
    for label, attribute in (("(null)", "nulls"), ("(rows)", "row_count")):
        base = getattr(result.base, attribute) if result.base else None
        current = getattr(result.current, attribute) if result.current else None
        table.add_row(Text(label, style="dim"), _count(base), "", _count(current), "", "")
    return table


def _share(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.1f}%"


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def histogram_table(result: HistogramDiffResult) -> Table:
    unit = f" by {result.unit}" if result.unit else ""
    table = Table(title=f"Histogram of {result.model}.{result.column_name}{unit}", title_justify="left")
    for name in ("bin", "base", "", "current", ""):
        table.add_column(name, justify="right" if name in ("base", "current") else "left")
    base = result.base.counts if result.base else (0,) * len(result.labels)
    current = result.current.counts if result.current else (0,) * len(result.labels)
    largest = max((*base, *current), default=0)
    for label, b, c in zip(result.labels, base, current, strict=True):
        style = "yellow" if b != c else ""
        table.add_row(Text(label, style=style), f"{b:,}", Text(bar(b, largest), style="blue"),
                      f"{c:,}", Text(bar(c, largest), style="magenta"))
    nulls = [_count(side.nulls if side else None) for side in (result.base, result.current)]
    table.add_row(Text("(null)", style="dim"), nulls[0], "", nulls[1], "")
    return table


@click.command("profile-diff")
@click.argument("model")
@click.option("--columns", "-c", multiple=True,
              help="Profile only these columns (repeat, or separate with commas). Default: all.")
@click.option("--approx", is_flag=True, help="Approximate distinct counts and medians (faster on big tables).")
@output_options
@project_options
def profile_diff_command(model: str, columns: tuple[str, ...], approx: bool, **kwargs: Any) -> None:
    """Per-column profile of MODEL on base and current, side by side."""
    names = [name.strip() for item in columns for name in item.split(",") if name.strip()]
    spec = ProfileDiffSpec(params=ProfileDiffParams(model=model, columns=tuple(names) or None, approx=approx))
    run_and_print(spec, kwargs, lambda result: [profile_table(result)])


@click.command("top-k-diff")
@click.argument("model")
@click.argument("column")
@click.option("--top", "--k", "k", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="How many of the most frequent values to compare.")
@click.option("-k", "moved_k", hidden=True, callback=refuse_moved_k, expose_value=False,
              help="No longer K: -k is --primary-key in every command.")
@output_options
@project_options
def top_k_diff_command(model: str, column: str, k: int, **kwargs: Any) -> None:
    """The K most frequent values of MODEL.COLUMN on base and current."""
    spec = TopKDiffSpec(params=TopKDiffParams(model=model, column_name=column, k=k))
    run_and_print(spec, kwargs, lambda result: [top_k_table(result)])


@click.command("histogram-diff")
@click.argument("model")
@click.argument("column")
@click.option("--num-bins", type=click.IntRange(1, 1000), default=50, show_default=True,
              help="Most bins for a numeric column (dates use year, month or day buckets).")
@output_options
@project_options
def histogram_diff_command(model: str, column: str, num_bins: int, **kwargs: Any) -> None:
    """Distribution of a numeric or date column MODEL.COLUMN on base and current, in shared bins."""
    spec = HistogramDiffSpec(params=HistogramDiffParams(model=model, column_name=column, num_bins=num_bins))
    run_and_print(spec, kwargs, lambda result: [histogram_table(result)])


def register(group: click.Group) -> None:
    """Add this module's commands to the `spyglass` group."""
    for command in (profile_diff_command, top_k_diff_command, histogram_diff_command):
        group.add_command(command)

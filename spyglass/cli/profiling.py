"""``spyglass profile-diff``, ``top-k-diff`` and ``histogram-diff``: one check, ad hoc, as a table or JSON.

Each command runs the check through :meth:`Session.run_check` (the same path as ``spyglass run`` and
the server), prints the check type's terminal view (or the run record as JSON with ``--json``) and exits 1 when the run
failed, after printing what went wrong and what to do, or when it found a difference and ``--fail-on
mismatch`` was given (:mod:`spyglass.cli.adhoc`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from spyglass.checks.histogram import HistogramDiffParams, HistogramDiffSpec
from spyglass.checks.profile import ProfileDiffParams, ProfileDiffSpec
from spyglass.checks.top_k import TopKDiffParams, TopKDiffSpec
from spyglass.cli.adhoc import F, output_options, run_and_print
from spyglass.cli.filters import filter_options, pop_filter
from spyglass.cli.options import project_options


def refuse_moved_k(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``top-k-diff -k N`` (the old spelling of ``--top N``): a usage error saying what to write."""
    if value is not None:
        raise click.BadParameter(f"-k means --primary-key in every spyglass command; write --top {value} "
                                 "for the number of values.", ctx=ctx, param=param)


@click.command("profile-diff")
@click.argument("model")
@click.option("--columns", "-c", multiple=True,
              help="Profile only these columns (repeat, or separate with commas). Default: all.")
@click.option("--approx", is_flag=True, help="Approximate distinct counts and medians (faster on big tables).")
@filter_options
@output_options
@project_options
def profile_diff_command(model: str, columns: tuple[str, ...], approx: bool, **kwargs: Any) -> None:
    """Per-column profile of MODEL on base and current, side by side."""
    names = [name.strip() for item in columns for name in item.split(",") if name.strip()]
    spec = ProfileDiffSpec(params=ProfileDiffParams(model=model, columns=tuple(names) or None, approx=approx,
                                                    **pop_filter(kwargs)))
    run_and_print(spec, kwargs)


def _column_diff(name: str, options: Callable[[F], F]) -> Callable[[F], click.Command]:
    """A ``spyglass NAME MODEL COLUMN`` command with its own ``options``, then the row filter options,
    ``--json``/``--fail-on`` and the project options."""

    def command(func: F) -> click.Command:
        with_options = options(filter_options(output_options(project_options(func))))
        return click.command(name)(click.argument("model")(click.argument("column")(with_options)))

    return command


def _top_options(func: F) -> F:
    top = click.option("--top", "--k", "k", type=click.IntRange(1, 1000), default=10, show_default=True,
                       help="How many of the most frequent values to compare.")
    moved = click.option("-k", "moved_k", hidden=True, callback=refuse_moved_k, expose_value=False,
                         help="No longer K: -k is --primary-key in every command.")
    return top(moved(func))


@_column_diff("top-k-diff", _top_options)
def top_k_diff_command(model: str, column: str, k: int, **kwargs: Any) -> None:
    """The K most frequent values of MODEL.COLUMN on base and current."""
    params = TopKDiffParams(model=model, column_name=column, k=k, **pop_filter(kwargs))
    run_and_print(TopKDiffSpec(params=params), kwargs)


_num_bins_option = click.option("--num-bins", type=click.IntRange(1, 1000), default=50, show_default=True,
                                help="Most bins for a numeric column (dates use year, month or day buckets).")


@_column_diff("histogram-diff", _num_bins_option)
def histogram_diff_command(model: str, column: str, num_bins: int, **kwargs: Any) -> None:
    """Distribution of a numeric or date column MODEL.COLUMN on base and current, in shared bins."""
    params = HistogramDiffParams(model=model, column_name=column, num_bins=num_bins, **pop_filter(kwargs))
    run_and_print(HistogramDiffSpec(params=params), kwargs)


def register(group: click.Group) -> None:
    """Add this module's commands to the `spyglass` group."""
    for command in (profile_diff_command, top_k_diff_command, histogram_diff_command):
        group.add_command(command)

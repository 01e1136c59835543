"""Rich tables for the terminal, and the console commands print them on."""

from __future__ import annotations

import os

from rich.console import Console
from rich.table import Table
from rich.text import Text

from spyglass.markup.escape import one_line
from spyglass.report.markdown import ordered_checks
from spyglass.report.text import outcome_of
from spyglass.state.models import State

#: The width of output that is not a terminal (a CI log, a pipe, a file) when ``COLUMNS`` is not set: wide
#: enough that a table takes its natural width and no cell wraps (rich would assume 80 columns).
UNWRAPPED_WIDTH = 1000

_STYLES = {"mismatch": "bold red", "error": "yellow", "to review": "cyan", "no change": "green", "skipped": "dim",
           "cancelled": "dim", "not run": "dim"}


def output_console(*, soft_wrap: bool = False) -> Console:
    """The console a command prints its results on: a terminal's own width; when stdout is not a
    terminal, ``COLUMNS`` if set, else :data:`UNWRAPPED_WIDTH` (a CI log scrolls, it does not fold cells)."""
    console = Console(soft_wrap=soft_wrap)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console.width = UNWRAPPED_WIDTH
    return console


def run_table(state: State) -> Table:
    """Status, name, type, seconds and result of every check, mismatches first."""
    table = Table(title="Spyglass checks", show_lines=False)
    table.add_column("Status", no_wrap=True)
    table.add_column("Check", overflow="fold", ratio=2)
    table.add_column("Type", no_wrap=True)
    table.add_column("Seconds", justify="right", no_wrap=True)
    table.add_column("Mismatch", no_wrap=True)
    table.add_column("Result", overflow="fold", ratio=3)
    for check, run in ordered_checks(state):
        outcome = outcome_of(run)
        seconds = f"{run.seconds:.2f}" if run is not None and run.seconds is not None else "-"
        mismatch = "-" if run is None or run.mismatch is None else ("yes" if run.mismatch else "no")
        if run is not None and run.result is not None:
            detail = run.result.headline
        elif run is not None and run.error is not None:
            detail = run.error.message
        else:
            detail = ""
        # user text as plain Text: no Rich markup, and control characters (terminal escapes) as spaces
        table.add_row(f"[{_STYLES[outcome.label]}]{outcome.label}[/]", Text(one_line(check.name)),
                      Text(one_line(check.spec.type)), seconds, mismatch, Text(one_line(detail)))
    return table

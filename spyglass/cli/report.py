"""``spyglass report --html PATH``: a self-contained HTML report of a state file."""

from __future__ import annotations

from pathlib import Path

import click

from spyglass.exceptions import SpyglassError, StateError
from spyglass.report.html import render_html
from spyglass.state.store import load_state, write_atomically


@click.command("report")
@click.option("--html", "html_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Write the report to this HTML file (one file: it opens from disk, offline).")
@click.option("--state-file", type=click.Path(path_type=Path), default=Path("spyglass_state.json"),
              show_default=True, help="The state file `spyglass run` wrote.")
def report_command(html_path: Path, state_file: Path) -> None:
    """Write one self-contained HTML file of a state: the summary, the lineage graph and every check's
    results. It makes no request to any host, so it can be kept as a CI artifact and opened anywhere."""
    text = render_html(load_state(state_file))
    _write(html_path, text)
    click.echo(f"Report written to {html_path}")


def _write(path: Path, text: str) -> None:
    """Write the report atomically (never a half-written file).

    Raises:
        SpyglassError: the file cannot be written (exit 1), with what to do.
    """
    try:
        write_atomically(path, text)
    except (StateError, OSError):
        raise SpyglassError(f"Cannot write the report to {path}.",
                            remedy="Choose a path in a directory you can write to with --html.") from None


def register(group: click.Group) -> None:
    group.add_command(report_command)

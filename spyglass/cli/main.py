"""``spyglass``: the click group, and the one place errors become exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click
from rich.console import Console
from rich.text import Text

from spyglass import __version__
from spyglass.exceptions import Cancelled, SpyglassError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="spyglass")
def cli() -> None:
    """Spyglass: review what a dbt merge request does to the data."""


def _register() -> None:
    from spyglass.cli import debug, demo, diffs, gitlab, impact, profiling, report, run, server

    for module in (run, debug, demo, diffs, profiling, impact, gitlab, server, report):
        module.register(cli)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: run the CLI, turning SpyglassError into a message and exit code."""
    _register()
    try:
        # standalone_mode=False returns the code of click's Exit (ctx.exit(n)) instead of exiting
        code = cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
        if isinstance(code, int) and code != 0:
            sys.exit(code)
    except SpyglassError as exc:  # Cancelled (Ctrl+C, SIGTERM: see spyglass.cli.interrupt) exits 130
        err = Console(stderr=True, soft_wrap=True)
        label = "[bold yellow]Cancelled:[/] " if isinstance(exc, Cancelled) else "[bold red]Error:[/] "
        err.print(label, Text(exc.message), sep="", highlight=False)  # user text never renders as markup
        if exc.remedy:
            err.print(exc.remedy, markup=False, highlight=False)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)

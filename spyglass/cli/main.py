"""``spyglass``: the click group, and the one place errors become exit codes.

Commands load lazily: :data:`COMMANDS` names the module that registers each one and the line
``spyglass --help`` shows for it, so ``--help`` imports no command module and each command imports only
its own (``summary``, ``impact``, ``column-lineage``, ``gitlab`` and ``check-base`` never import dbt;
tests/cli/test_startup.py holds them to it and checks every line against the command's own help).
A new command is one entry here plus a ``register(group)`` in its module.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import click
from rich.console import Console
from rich.text import Text

from spyglass import __version__
from spyglass.exceptions import Cancelled, SpyglassError


@dataclass(frozen=True)
class LazyCommand:
    #: the module whose ``register(group)`` adds the command (with any other commands it holds)
    module: str
    #: the first sentence of the command's help, as ``spyglass --help`` lists it without importing the module
    summary: str


COMMANDS: Mapping[str, LazyCommand] = {
    "check-base": LazyCommand("spyglass.cli.check_base",
                              "Say whether the base artifacts are older than the base branch's last change to "
                              "the project (exit 0 fresh, 1 missing, 2 stale)."),
    "column-lineage": LazyCommand("spyglass.cli.impact",
                                  "Where MODEL.COLUMN comes from and where it goes, column by column across models "
                                  "(MODEL COLUMN, two arguments, for a column whose name holds a dot)."),
    "debug": LazyCommand("spyglass.cli.debug",
                         "Check artifacts, catalogs, base freshness, the dbt profile, the warehouse connection "
                         "and that base and current relations are reachable through it."),
    "demo": LazyCommand("spyglass.cli.demo", "Build the demo shop (base and a changed current), run its checks, "
                                             "print the summary, serve the UI."),
    "gitlab": LazyCommand("spyglass.cli.gitlab",
                          "Connect GitLab, track merge requests, post summaries and notes on them."),
    "histogram-diff": LazyCommand("spyglass.cli.profiling", "Distribution of a numeric or date column "
                                                            "MODEL.COLUMN on base and current, in shared bins."),
    "impact": LazyCommand("spyglass.cli.impact",
                          "The changed nodes, what each change means (category, why, changed columns) and the "
                          "downstream nodes and columns it can affect."),
    "mcp": LazyCommand("spyglass.cli.mcp", "Serve the review tools (diffs, impact, checks, summary) to AI agents "
                                           "over the Model Context Protocol."),
    "profile-diff": LazyCommand("spyglass.cli.profiling",
                                "Per-column profile of MODEL on base and current, side by side."),
    "query": LazyCommand("spyglass.cli.diffs", "Run SQL (Jinja with ref() and source(); `-` reads it from stdin) "
                                               "and show the first rows."),
    "query-diff": LazyCommand("spyglass.cli.diffs", "Run SQL on base and current and show the rows that differ "
                                                    "(columns are matched by name)."),
    "report": LazyCommand("spyglass.cli.report", "Write one self-contained HTML file of a state: the summary, the "
                                                 "lineage graph and every check's results."),
    "run": LazyCommand("spyglass.cli.run",
                       "Run the preset checks (spyglass.yml, recce.yml or the defaults this change calls for) and "
                       "write the state file; with --suggest, print the defaults as YAML instead."),
    "server": LazyCommand("spyglass.cli.server",
                          "Serve the lineage, diffs, checklist and GitLab pages on http://HOST:PORT."),
    "summary": LazyCommand("spyglass.cli.run",
                           "Print the Markdown summary of a state file (for a merge request note)."),
    "top-k-diff": LazyCommand("spyglass.cli.profiling",
                              "The K most frequent values of MODEL.COLUMN on base and current."),
    "value-diff": LazyCommand("spyglass.cli.diffs",
                              "Compare MODEL's rows on base and current by primary key, column by column."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, from :data:`COMMANDS`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name].module).register(self)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their one-line help, from :data:`COMMANDS` (nothing imported)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            if loaded is not None and loaded.hidden:
                continue
            shown = loaded if loaded is not None else click.Command(name, help=COMMANDS[name].summary)
            rows.append((name, shown.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="spyglass")
def cli() -> None:
    """Spyglass: review what a dbt merge request does to the data."""


def _register() -> None:
    """Import every command now (tests that look at every command or every error class)."""
    context = click.Context(cli)
    for name in COMMANDS:
        cli.get_command(context, name)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: run the CLI, turning SpyglassError into a message and exit code."""
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

"""``spyglass run`` and ``spyglass summary``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from spyglass.checks.budget import Budget, budget_from
from spyglass.checks.presets import find_config, load_presets, parse_budget, presets_yaml, suggest_checks
from spyglass.checks.scope import NodeSelection
from spyglass.cli.filters import check_time, window_summary, windowed_checks
from spyglass.cli.interrupt import run_interruptibly
from spyglass.cli.options import project_options, settings_from
from spyglass.exceptions import SpyglassError
from spyglass.pipeline import checks_from_presets, connect_for, nothing_can_run, run_all
from spyglass.project.snapshot import load_snapshot
from spyglass.report.junit import write_junit
from spyglass.report.markdown import DEFAULT_MAX_CHARS, render_summary
from spyglass.report.terminal import output_console, run_table
from spyglass.service import Connection, Session
from spyglass.settings import ProjectSettings
from spyglass.state.models import CheckRecord, RunRecord, RunStatus, State
from spyglass.state.store import load_state, save_state
from spyglass.warehouse.base import CancelToken

FAIL_ON = ("mismatch", "error")


def gate_exit_code(state: State, fail_on: Sequence[str]) -> int:
    """1 when a requested gate trips (any mismatch / any failed run), else 0 (pure)."""
    runs = [state.latest_run(c) for c in state.checks]
    if "mismatch" in fail_on and any(r is not None and r.mismatch for r in runs):
        return 1
    if "error" in fail_on and any(r is not None and r.status is RunStatus.FAILED for r in runs):
        return 1
    return 0


def execute_run(
    settings: ProjectSettings,
    *,
    output: Path,
    summary_path: Path | None,
    state_file: Path | None,
    fail_on: Sequence[str] | str | None,
    console: Console,
    cancel: CancelToken | None = None,
    selection: NodeSelection | None = None,
    junit_path: Path | None = None,
    budget: Budget | None = None,
    since: str | None = None,
    until: str | None = None,
) -> int:
    """The whole ``spyglass run``: load, run the checks with a progress bar, print, write; exit code.
    ``selection`` (``--select/--exclude``) limits the checks to its nodes (:mod:`spyglass.checks.scope`).
    ``junit_path`` (``--junit``) also gets the JUnit report (:mod:`spyglass.report.junit`), whatever the
    outcome; the exit code does not depend on it. ``budget`` (``--max-rows`` ...) wins over the config
    file's ``budget:`` (:func:`run_budget`).

    When the warehouse cannot be opened its error is printed once (with its remedy) and every check
    that needs it is an error. When no check could run at all the exit code is 2 and ``output`` is left
    as it was (a good state from an earlier run stays good); this run's state goes beside it instead.
    """
    previous = load_state(state_file) if state_file is not None else None
    session = Session.load(settings)
    try:
        notes: tuple[str, ...] = ()
        if previous is not None:
            checks = list(previous.checks)
            source = str(state_file)
        else:
            presets = load_presets(settings.project_dir, session.snapshot.changes, selection=selection)
            checks, source, notes = checks_from_presets(presets.checks), presets.source, presets.notes
        checks = windowed_checks(checks, since, until)  # --since: on every check reading a model's rows
        window = window_summary(checks, since, until)
        notes = (*notes, window) if window else notes
        limited = f", limited to {selection.describe()}" if selection is not None and selection.active else ""
        console.print(f"Running {len(checks)} checks from {source}{limited}.", highlight=False)
        for note in notes:  # what the defaults left unchecked, and why
            console.print(Text(note, style="dim"), highlight=False)
        limits = run_budget(settings, budget)
        if limits.active:
            console.print(Text(describe_budget(limits), style="dim"), highlight=False)
        connection = connect_for(session, checks)
        if connection.error is not None:
            _print_connection_error(connection.error)
        state = _run_with_progress(session, checks, previous, console, connection, cancel, selection, limits)
    finally:
        session.close()
    if cancel is not None:
        cancel.raise_if_cancelled()  # interrupted (Ctrl+C, SIGTERM): no state file is written
    blocked = nothing_can_run(checks, connection)
    _write(state, output, summary_path, blocked=blocked, console=console, junit_path=junit_path)
    if blocked:
        return 2
    gates = [fail_on] if isinstance(fail_on, str) else list(fail_on or ())
    return gate_exit_code(state, gates)


def _write(state: State, output: Path, summary_path: Path | None, *, blocked: bool, console: Console,
           junit_path: Path | None = None) -> None:
    """Write the state (beside ``output`` when no check could run), the summary and the JUnit report; say
    where."""
    written = failed_state_path(output) if blocked else output
    save_state(written, state)
    console.print(run_table(state))
    if blocked:
        console.print(f"No check could run, so {output} was left unchanged; this run's state is in {written}",
                      highlight=False)
    else:
        console.print(f"State written to {written}", highlight=False)
    if summary_path is not None:
        summary_path.parent.mkdir(parents=True, exist_ok=True)
        summary_path.write_text(render_summary(state), encoding="utf-8")
        console.print(f"Summary written to {summary_path}", highlight=False)
    if junit_path is not None:
        write_junit(junit_path, state)
        console.print(f"JUnit report written to {junit_path}", highlight=False)


def failed_state_path(output: Path) -> Path:
    """Where a run in which nothing could run writes its state: beside ``output``, never over it (pure)."""
    return output.with_name(f"{output.stem}.failed{output.suffix or '.json'}")


def _print_connection_error(error: SpyglassError) -> None:
    """The warehouse's connection error, once, on stderr (user text never renders as rich markup)."""
    err = Console(stderr=True, soft_wrap=True)
    err.print("[bold red]Error:[/] ", Text(f"cannot open the warehouse: {error.message}"), sep="",
              highlight=False)
    if error.remedy:
        err.print(error.remedy, markup=False, highlight=False)
    err.print("Every check that needs the warehouse is reported as an error.", highlight=False)


def _run_with_progress(session: Session, checks: list[CheckRecord], previous: State | None,
                       console: Console, connection: Connection, cancel: CancelToken | None = None,
                       selection: NodeSelection | None = None, budget: Budget | None = None) -> State:
    progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                        TimeElapsedColumn(), console=console, transient=True)
    with progress:
        task = progress.add_task("checks", total=len(checks))

        def on_progress(index: int, total: int, check: CheckRecord, run: RunRecord | None) -> None:
            progress.update(task, completed=index, description=check.name if run is None else "checks")

        return run_all(session, checks, previous=previous, on_progress=on_progress, connection=connection,
                       cancel=cancel, selection=selection, budget=budget)


@click.command("run")
@project_options
@click.option("--state-file", type=click.Path(path_type=Path), default=None,
              help="Re-run the checks of this state file instead of the presets.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("spyglass_state.json"),
              show_default=True, help="Where to write the state file.")
@click.option("--summary", "summary_path", type=click.Path(path_type=Path), default=None,
              help="Also write the Markdown summary to this file.")
@click.option("--junit", "junit_path", type=click.Path(path_type=Path), default=None,
              help="Also write a JUnit XML report (one test case per check; mismatches fail, errors err) for "
                   "GitLab's test summary (artifacts:reports:junit). The exit code stays that of --fail-on.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), multiple=True,
              help="Exit 1 when any check mismatches / any check errors (repeatable). Exit 2, whatever "
                   "this says, when no check could run (the warehouse cannot be opened).")
@click.option("--select", "-s", "select", multiple=True, metavar="SELECTOR",
              help="Only the checks on these nodes, in dbt's syntax (repeatable); a check over several nodes "
                   "runs on those selected, a check on none of them is skipped.")
@click.option("--exclude", multiple=True, metavar="SELECTOR", help="Leave these nodes out (dbt's syntax).")
@click.option("--max-rows", type=click.IntRange(min=1), default=None, metavar="N",
              help="Budget per check: a data check (value, profile, top-k, histogram diff) whose model has more "
                   "than N rows on a side is skipped, saying so (or sampled: --sample-over-budget). Estimated "
                   "first from the catalog's row counts, else one count(*) per side.")
@click.option("--max-run-rows", type=click.IntRange(min=1), default=None, metavar="N",
              help="Budget per run: the data checks' rows per side, summed; a check that would pass it is "
                   "skipped (or sampled to fit).")
@click.option("--sample-over-budget", is_flag=True, default=False,
              help="Sample a value diff over budget to fit (the same keys on both sides, rates with a 95% "
                   "interval) instead of skipping it; other checks over budget are still skipped.")
@click.option("--since", default=None, callback=check_time,
              help="Read only rows with event_time at or after this (ISO date/date-time, or 7d, 24h) in every "
                   "check over a model's rows; models without dbt's event_time config are read whole (noted).")
@click.option("--until", default=None, callback=check_time, help="Read only rows with event_time before this.")
@click.option("--suggest", is_flag=True,
              help="Print the checks this change calls for (chosen from how each modified node changed) as "
                   "spyglass.yml YAML, to keep and edit; runs nothing and opens no warehouse.")
def run_command(**kwargs: Any) -> None:
    """Run the preset checks (spyglass.yml, recce.yml or the defaults this change calls for) and write the
    state file; with --suggest, print the defaults as YAML instead."""
    settings = settings_from(kwargs)
    selection = NodeSelection.parse(kwargs["select"], kwargs["exclude"])  # a bad selector: exit 2 at once
    if kwargs["suggest"]:
        print_suggestions(settings, selection, kwargs)
        return
    code = run_interruptibly(lambda cancel: execute_run(  # Ctrl+C/SIGTERM: cancel the queries, exit 130
        settings, output=kwargs["output"], summary_path=kwargs["summary_path"], state_file=kwargs["state_file"],
        fail_on=kwargs["fail_on"], console=output_console(), cancel=cancel, selection=selection,
        junit_path=kwargs["junit_path"], budget=cli_budget(kwargs), since=kwargs["since"], until=kwargs["until"]))
    raise SystemExit(code)


def cli_budget(options: dict[str, Any]) -> Budget:
    """The budget the command line sets (pure)."""
    return budget_from({"max_rows": options.get("max_rows"), "max_run_rows": options.get("max_run_rows"),
                        "sample": bool(options.get("sample_over_budget"))},
                       {"max_rows": "--max-rows", "max_run_rows": "--max-run-rows"})


def run_budget(settings: ProjectSettings, given: Budget | None) -> Budget:
    """``given`` (the command line) over the config file's ``budget:``.

    Raises:
        ConfigError: the config file's ``budget:`` is invalid.
    """
    path = find_config(settings.project_dir)
    from_file = parse_budget(path.read_text(encoding="utf-8"), path) if path is not None else Budget()
    return (given or Budget()).over(from_file)


def describe_budget(budget: Budget) -> str:
    """One line saying the run's budget (pure)."""
    parts = [f"{limit.name} {limit.rows:,}" for limit in (budget.max_rows, budget.max_run_rows) if limit]
    then = "sampled to fit where they can be" if budget.sample else "skipped"
    return f"Budget: {', '.join(parts)} rows per side; data checks over it are {then}."


#: options of a run that --suggest, which runs nothing, cannot honour
_RUN_ONLY = {"state_file": "--state-file", "summary_path": "--summary", "fail_on": "--fail-on", "output": "--output",
             "junit_path": "--junit", "max_rows": "--max-rows", "max_run_rows": "--max-run-rows",
             "sample_over_budget": "--sample-over-budget", "since": "--since", "until": "--until"}


def print_suggestions(settings: ProjectSettings, selection: NodeSelection, options: dict[str, Any]) -> None:
    """``spyglass run --suggest``: the YAML on stdout (nothing else, so it can be redirected to a file), a
    word on stderr when a config file already decides what runs.

    Raises:
        click.UsageError: an option of a run was given too (exit 2).
    """
    context = click.get_current_context()
    given = [flag for key, flag in _RUN_ONLY.items()
             if context.get_parameter_source(key) is click.core.ParameterSource.COMMANDLINE]
    if given:
        raise click.UsageError(f"--suggest prints checks and runs none: {', '.join(given)} cannot go with it.")
    click.echo(suggestions_yaml(settings, selection), nl=False)
    config = find_config(settings.project_dir)
    if config is not None:
        click.echo(f"{config.name} exists: `spyglass run` runs its checks, not these suggestions.", err=True)


def suggestions_yaml(settings: ProjectSettings, selection: NodeSelection | None = None) -> str:
    """The default checks of the change between the project's two builds, as a spyglass.yml (reads the
    artifacts only: no warehouse, no dbt)."""
    suggested = suggest_checks(load_snapshot(settings).changes, selection)
    limited = [f"Limited to {selection.describe()}."] if selection is not None and selection.active else []
    return presets_yaml(suggested.checks, comments=[
        "Checks this change calls for, suggested by `spyglass run --suggest` from how each modified node "
        "changed. Save this as spyglass.yml in the dbt project to keep them (and edit them); without it, "
        "`spyglass run` suggests them afresh for every change.", *limited,
        *suggested.notes])


@click.command("summary")
@click.argument("state_file", type=click.Path(path_type=Path), default=Path("spyglass_state.json"))
@click.option("--max-chars", type=click.IntRange(min=200), default=DEFAULT_MAX_CHARS, show_default=True,
              help="Never print more than this many characters (GitLab's note limit is 1,000,000).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write to a file.")
def summary_command(state_file: Path, max_chars: int, output: Path | None) -> None:
    """Print the Markdown summary of a state file (for a merge request note)."""
    text = render_summary(load_state(state_file), max_chars=max_chars)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Summary written to {output}")


def register(group: click.Group) -> None:
    group.add_command(run_command)
    group.add_command(summary_command)


"""What every ad-hoc diff command shares: run one check through the Session, print it, set the exit code.

``--json`` prints the run record (``status``, ``error`` with its remedy, ``result``) with the verdict at
the top level (``mismatch``, ``headline``), so a script sees a failure as data too; otherwise the
check type's terminal view (its definition's ``terminal``) prints its tables, then the verdict. Exit
codes: 1 when the check failed, or found a difference and ``--fail-on mismatch`` was given; 0 otherwise
(2 and 130 come from :mod:`spyglass.cli.main`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.text import Text

from spyglass.checks.base import headline_view
from spyglass.checks.registry import AnySpec, definition_of
from spyglass.cli.interrupt import run_interruptibly
from spyglass.cli.options import settings_from
from spyglass.report.terminal import output_console
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.state.models import RunRecord, RunStatus
from spyglass.warehouse.base import CancelToken

_json_option = click.option("--json", "as_json", is_flag=True,
                            help="Print the run record as JSON: mismatch, headline, status, error, result.")
_fail_on_option = click.option("--fail-on", type=click.Choice(["mismatch"]), default=None,
                               help="Exit 1 when the check finds a difference (as `spyglass run --fail-on "
                                    "mismatch`). A failed check exits 1 whatever this says.")

F = TypeVar("F", bound=Callable[..., Any])


def output_options(func: F) -> F:
    """``--json`` and ``--fail-on mismatch``: what every ad-hoc command prints and how it exits."""
    return _json_option(_fail_on_option(func))


def run_and_print(spec: AnySpec, kwargs: dict[str, Any]) -> None:
    """Run one check, print it, exit 1 when it did not succeed (after saying what to do).

    Ctrl+C or SIGTERM cancels the check's warehouse queries and exits 130 (see :mod:`spyglass.cli.interrupt`).
    """
    as_json, fail_on = kwargs.pop("as_json"), kwargs.pop("fail_on")
    settings = settings_from(kwargs)
    record = run_interruptibly(lambda cancel: run_one(settings, spec, cancel))
    console = output_console(soft_wrap=as_json)
    if as_json:
        console.print_json(json_output(record))
    elif record.result is not None:
        for note in record.result.notes:  # which node a model name meant, when it could mean another
            console.print("Note: ", Text(note), sep="", highlight=False)
        view = definition_of(spec).terminal
        for renderable in view(record.result) if view is not headline_view else ():  # the verdict has it
            console.print(renderable)
        verdict = "[bold red]mismatch[/]" if record.result.mismatch else "[green]no change[/]"
        console.print(f"{verdict}: ", Text(record.result.headline), sep="", highlight=False)
    if record.status is not RunStatus.SUCCESS:
        print_error(record)
        sys.exit(1)  # SystemExit: main() runs click with standalone_mode=False
    if fail_on == "mismatch" and record.mismatch:
        sys.exit(1)


def json_output(record: RunRecord) -> str:
    """What ``--json`` prints: the verdict (``mismatch``, ``headline``; null without a result) first, then
    the run record."""
    verdict = {"mismatch": record.mismatch, "headline": record.result.headline if record.result else None}
    return json.dumps({**verdict, **record.model_dump(mode="json")})


def run_one(settings: ProjectSettings, spec: AnySpec, cancel: CancelToken) -> RunRecord:
    """Open the project and its warehouse, run one check with ``cancel``, close again.

    Raises:
        WarehouseUnavailable (and other SpyglassError): the warehouse cannot be opened.
        Cancelled: ``cancel`` fired (the record of a cancelled run is not printed).
    """
    session = Session.load(settings)
    try:
        session.warehouse()  # raises the connection error itself, with its remedy
        record = session.run_check(spec, cancel=cancel)
    finally:
        session.close()
    cancel.raise_if_cancelled()
    return record


def print_error(record: RunRecord) -> None:
    """The run's error and remedy on stderr; user text never renders as rich markup."""
    err = Console(stderr=True, soft_wrap=True)
    if record.error is None:
        err.print(f"The check ended with status {record.status.value}.", highlight=False)
        return
    err.print("[bold red]Error:[/] ", Text(record.error.message), sep="", highlight=False)
    if record.error.remedy:
        err.print(record.error.remedy, markup=False, highlight=False)

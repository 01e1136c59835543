"""What every ad-hoc diff command shares: run one check through the Session, print it, set the exit code.

``--json`` prints the whole run record (``status``, ``error`` with its remedy, ``result``), so a script
sees a failure as data too; otherwise the command's renderer prints tables and the verdict.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import click
from rich.console import Console, RenderableType
from rich.text import Text

from spyglass.cli.interrupt import run_interruptibly
from spyglass.cli.options import settings_from
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.state.models import RawParams, RunRecord, RunStatus
from spyglass.warehouse.base import CancelToken

json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print the run record (status, error, result) as JSON.")

#: Turns a result into what to print (tables, text); each command passes its own.
Renderer = Callable[[Any], Sequence[RenderableType]]


def run_and_print(type_name: str, params: RawParams, kwargs: dict[str, Any], render: Renderer) -> None:
    """Run one check, print it, exit 1 when it did not succeed (after saying what to do).

    Ctrl+C or SIGTERM cancels the check's warehouse queries and exits 130 (see :mod:`spyglass.cli.interrupt`).
    """
    as_json = kwargs.pop("as_json")
    settings = settings_from(kwargs)
    record = run_interruptibly(lambda cancel: run_one(settings, type_name, params, cancel))
    console = Console(soft_wrap=as_json)
    if as_json:
        console.print_json(record.model_dump_json())
    elif record.result is not None:
        for renderable in render(record.result):
            console.print(renderable)
        verdict = "[bold red]mismatch[/]" if record.result.mismatch else "[green]no change[/]"
        console.print(f"{verdict}: ", Text(record.result.headline), sep="", highlight=False)
    if record.status is not RunStatus.SUCCESS:
        print_error(record)
        sys.exit(1)  # SystemExit: main() runs click with standalone_mode=False


def run_one(settings: ProjectSettings, type_name: str, params: RawParams, cancel: CancelToken) -> RunRecord:
    """Open the project and its warehouse, run one check with ``cancel``, close again.

    Raises:
        WarehouseUnavailable (and other SpyglassError): the warehouse cannot be opened.
        Cancelled: ``cancel`` fired (the record of a cancelled run is not printed).
    """
    session = Session.load(settings)
    try:
        session.warehouse()  # raises the connection error itself, with its remedy
        record = session.run_check(type_name, params, cancel=cancel)
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

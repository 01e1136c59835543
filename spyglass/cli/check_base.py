"""``spyglass check-base``: are the base artifacts older than the base branch's last change to the project?

Exit 0 fresh, 1 missing (or freshness unknown: not a git clone, the base branch not fetched), 2 stale: a
documented exception to the README's exit code table, so a CI job can rebuild or fetch the base on 1 or 2.
Reads git's local history only; never fetches.
"""

from __future__ import annotations

import os
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from spyglass.cli.options import project_options, settings_from
from spyglass.project.freshness import Freshness, FreshnessReport
from spyglass.project.git_log import base_branch, base_freshness

_STYLES = {Freshness.FRESH: "green", Freshness.STALE: "red", Freshness.MISSING: "red", Freshness.UNKNOWN: "yellow"}


def print_report(report: FreshnessReport, source: str, console: Console) -> None:
    """The verdict line (coloured), where the base branch came from, and what to do."""
    console.print(f"[{_STYLES[report.status]}]{escape(report.line)}[/]", highlight=False)
    if report.base_branch is not None:
        console.print(f"Base branch {escape(report.base_branch)} (from {escape(source)}).", highlight=False)
    if report.remedy:
        console.print(f"fix: {escape(report.remedy)}", highlight=False)


@click.command("check-base")
@click.option("--base-branch", "base_branch_name", default=None, metavar="BRANCH",
              help="The branch the base artifacts are built from (default: CI_MERGE_REQUEST_TARGET_BRANCH_NAME, "
                   "else CI_DEFAULT_BRANCH, else origin/HEAD's branch, else main).")
@project_options
def check_base_command(base_branch_name: str | None = None, **kwargs: Any) -> None:
    """Say whether the base artifacts are older than the base branch's last change to the project (exit 0
    fresh, 1 missing, 2 stale).

    The base manifest's metadata.generated_at is compared with the last commit on the base branch
    (origin/BRANCH when the clone has it) that touched the project directory, read from git's local
    history: no fetch, no network. A freshness that cannot be established (not a git clone, the branch
    not fetched) exits 1, as a missing base does.
    """
    settings = settings_from(kwargs)
    branch = base_branch(settings.project_dir, base_branch_name, os.environ)
    report = base_freshness(settings, branch)
    print_report(report, branch.source, Console(soft_wrap=True))
    if report.exit_code:
        raise SystemExit(report.exit_code)  # not click's Exit: main() runs click with standalone_mode=False


def register(group: click.Group) -> None:
    """Add ``spyglass check-base`` to the group."""
    group.add_command(check_base_command)

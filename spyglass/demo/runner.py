"""Run dbt in-process for the demo (``dbtRunner``): quiet, no telemetry, logs inside the project.

dbt's programmatic runner is not thread-safe (it keeps process-wide flags), so the demo builds run one
after the other, never concurrently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spyglass.exceptions import SpyglassError

#: Node statuses that make a dbt build fail.
_FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
_MAX_ERRORS = 5


@dataclass(frozen=True)
class DbtInvocation:
    """Where and how to run dbt: the project, its profiles and the console verbosity."""

    project_dir: Path
    profiles_dir: Path
    verbose: bool = False

    def arguments(self, command: Sequence[str]) -> list[str]:
        """The full dbt argument list for ``command`` (pure)."""
        return [
            *command,
            "--project-dir", str(self.project_dir),
            "--profiles-dir", str(self.profiles_dir),
            "--log-path", str(self.project_dir / "logs"),
            "--log-level", "info" if self.verbose else "none",
            "--log-level-file", "debug",
            "--no-send-anonymous-usage-stats",
            "--no-version-check",
            "--no-use-colors",
        ]


@dataclass
class _ErrorCollector:
    """dbt event callback that keeps the error-level messages (for the exception we raise)."""

    messages: list[str] = field(default_factory=list)

    def __call__(self, event: Any) -> None:  # Any: dbt's EventMsg protobuf has no type stubs
        if event.info.level == "error" and len(self.messages) < _MAX_ERRORS:
            text = str(event.info.msg).strip()
            if text:
                self.messages.append(text)


def run_dbt(invocation: DbtInvocation, command: Sequence[str]) -> None:
    """Run one dbt command; raise SpyglassError with dbt's messages when it fails."""
    from dbt.cli.main import dbtRunner

    errors = _ErrorCollector()
    try:
        result = dbtRunner(callbacks=[errors]).invoke(invocation.arguments(command))
    finally:
        _release_process_state()
    if result.success:
        return
    details = _failure_details(result.result) or errors.messages
    if result.exception is not None:
        details = [str(result.exception), *details]
    shown = "\n".join(f"  {line}" for line in details[:_MAX_ERRORS]) or "  (dbt reported no message)"
    raise SpyglassError(
        f"`dbt {' '.join(command)}` failed in the demo project {invocation.project_dir}:\n{shown}",
        remedy=f"See {invocation.project_dir / 'logs' / 'dbt.log'} for dbt's full log, "
               "or re-run with --verbose to see dbt's output.",
    )


def _release_process_state() -> None:
    """Undo what dbt keeps process-wide after an invocation.

    dbt leaves its loggers (writing the project's dbt.log) installed, and dbt-duckdb keeps the DuckDB
    database open at class level, so a later connection of this process with another configuration
    (the server's sandboxed one) would be refused. Both are released through their public hooks.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt_common.events.event_manager_client import cleanup_event_logger

    cleanup_event_logger()
    DuckDBConnectionManager.close_all_connections()  # type: ignore[no-untyped-call]


def _failure_details(result: Any) -> list[str]:
    """``node: message`` for each failed node of a RunExecutionResult (Any: dbt has no stubs)."""
    lines = []
    for node_result in getattr(result, "results", None) or ():
        status = str(getattr(node_result.status, "value", node_result.status)).lower()
        if status in _FAILED_STATUSES:
            name = getattr(node_result.node, "name", "?")
            lines.append(f"{name}: {str(node_result.message or status).strip()}")
    return lines

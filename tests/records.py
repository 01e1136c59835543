"""Check and run records for tests: a spec from a type name and params, everything else defaulted."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pydantic import JsonValue

from spyglass.checks.registry import AnySpec, parse_spec
from spyglass.state.models import CheckRecord, RunRecord, RunStatus

T0 = datetime(2026, 1, 2, tzinfo=timezone.utc)


def spec_of(type_name: str = "lineage_diff", **params: JsonValue) -> AnySpec:
    """The parsed spec of ``type_name`` with ``params`` (as the API or a config file would give them)."""
    return parse_spec(type_name, params)


def check_record(check_id: str = "c", *, spec: AnySpec | None = None, name: str | None = None,
                 at: datetime = T0, **fields: Any) -> CheckRecord:
    """A check named ``name`` (default: its id), of ``spec`` (default: a lineage diff)."""
    return CheckRecord(check_id=check_id, name=check_id if name is None else name, spec=spec or spec_of(),
                       created_at=at, updated_at=at, **fields)


def run_record(run_id: str = "r", *, spec: AnySpec | None = None, status: RunStatus = RunStatus.SUCCESS,
               at: datetime = T0, **fields: Any) -> RunRecord:
    """A run of ``spec`` (default: a lineage diff) with ``status``, started at ``at``."""
    return RunRecord(run_id=run_id, spec=spec or spec_of(), status=status, started_at=at, **fields)

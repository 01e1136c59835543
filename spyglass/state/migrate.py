"""Older state files, read as the current schema (pure: JSON data in, JSON data out).

Version 1 kept ``type`` and ``params`` side by side on every check and run; version 2 parses them into
one typed ``spec`` (Recce's aliases normalised). A version 1 check or run whose type is unknown or whose
params do not fit it cannot become a spec: that is a :class:`StateError` naming it, and the file is left
as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spyglass.checks.registry import parse_spec
from spyglass.exceptions import InvalidSpec, StateError


def migrate(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """``data`` (a state file's JSON object, version 1 or 2) in the shape of version 2.

    Raises:
        StateError: a version 1 check or run has an unknown type or invalid params.
    """
    if data.get("schema_version") != 1:
        return data
    migrated = {**data, "schema_version": 2}
    checks, runs = data.get("checks"), data.get("runs")
    if isinstance(checks, list):  # anything else is left for the schema validation to report
        migrated["checks"] = [_with_spec(c, _label(c, "check", "name"), path) for c in checks]
        names = {c.get("check_id"): c.get("name") for c in checks if isinstance(c, dict)}
    else:
        names = {}
    if isinstance(runs, list):
        migrated["runs"] = [_with_spec(r, _run_label(r, names), path) for r in runs]
    return migrated


def _label(record: Any, what: str, key: str) -> str:
    return f"{what} {record.get(key) if isinstance(record, dict) else None!r}"


def _run_label(run: Any, names: dict[Any, Any]) -> str:
    if isinstance(run, dict) and run.get("check_id") in names:
        return f"a run of check {names[run['check_id']]!r}"
    return _label(run, "run", "run_id")


def _with_spec(record: Any, label: str, path: Path) -> Any:
    """A version 1 check or run with ``spec`` in place of ``type`` and ``params``; anything that is not a
    record is left for the schema validation to report."""
    if not isinstance(record, dict) or "spec" in record:
        return record
    rest = {key: value for key, value in record.items() if key not in ("type", "params")}
    type_name = record.get("type")
    try:
        if not isinstance(type_name, str):
            raise InvalidSpec("It has no check type.", remedy="Give it a `type`, e.g. row_count_diff.")
        spec = parse_spec(type_name, record.get("params", {}))
    except InvalidSpec as exc:
        raise StateError(f"The state file {path} (schema version 1) cannot be read: {label}: {exc.message}",
                         remedy=f"{exc.remedy} Fix or remove it in the file (left untouched), or delete the "
                                "file and run `spyglass run` again.") from None
    return {**rest, "spec": spec}

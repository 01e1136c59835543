"""The row filter options of the single-diff commands: ``--where``, ``--since``, ``--until``, ``--event-time``.

They become the check's ``where``/``since``/``until``/``event_time`` params (:mod:`spyglass.checks.row_filter`);
a malformed time is a usage error (exit 2) before anything connects.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import click

from spyglass.checks.registry import title
from spyglass.checks.row_filter import FilterParams, parse_time
from spyglass.cli.adhoc import F
from spyglass.exceptions import CheckError
from spyglass.state.models import CheckRecord

#: the params these options fill
FILTER_PARAMS = ("where", "since", "until", "event_time")


def check_time(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A ``--since``/``--until`` value, checked (click's usage error, with the forms it takes)."""
    if value is None or not value.strip():
        return None
    try:
        parse_time(value, datetime.now(timezone.utc))
    except CheckError as error:
        raise click.BadParameter(f"{error.message} {error.remedy}", ctx=ctx, param=param) from None
    return value.strip()


def window_options(func: F) -> F:
    """``--since``, ``--until`` and ``--event-time``."""
    since = click.option("--since", default=None, callback=check_time,
                         help="Only rows with event_time at or after this: an ISO date/date-time, or a span "
                              "back from now (7d, 24h). event_time is the model's dbt event_time config.")
    until = click.option("--until", default=None, callback=check_time,
                         help="Only rows with event_time before this (same forms as --since).")
    column = click.option("--event-time", "event_time", default=None,
                          help="The column --since/--until apply to (default: the model's dbt event_time config).")
    return since(until(column(func)))


def filter_options(func: F) -> F:
    """``--where`` and the :func:`window_options`."""
    where = click.option("--where", default=None, help="A SQL condition both sides are filtered by.")
    return where(window_options(func))


def pop_filter(kwargs: dict[str, Any]) -> dict[str, str]:
    """The filter options given (removed from ``kwargs``), as params."""
    found = {name: kwargs.pop(name, None) for name in FILTER_PARAMS}
    return {name: value for name, value in found.items() if value}


def windowed_checks(checks: Sequence[CheckRecord], since: str | None, until: str | None = None) -> list[CheckRecord]:
    """``spyglass run --since``: every check that reads a model's rows gets the time window (optional: a
    model without event_time is read whole, and its result's notes say the window was ignored). A check
    whose own params set ``since``/``until`` keeps them; a check named after its spec is renamed (the
    title then shows the window). Other checks (schema, lineage, queries) are left as they are (pure)."""
    if not since and not until:
        return list(checks)
    out = []
    for record in checks:
        params = record.spec.params
        if not isinstance(params, FilterParams) or params.since or params.until:
            out.append(record)
            continue
        spec = record.spec.model_copy(update={"params": params.model_copy(
            update={"since": since, "until": until, "window_optional": True})})
        name = title(spec) if record.name == title(record.spec) else record.name
        out.append(record.model_copy(update={"spec": spec, "name": name}))
    return out


def window_summary(checks: Sequence[CheckRecord], since: str | None, until: str | None = None) -> str | None:
    """The line ``spyglass run --since`` prints: which checks read the window, and which read no model's rows
    through it (queries: their SQL decides their rows) (pure; None without a window)."""
    if not since and not until:
        return None
    window = " ".join(f"--{word} {value}" for word, value in (("since", since), ("until", until)) if value)
    reading = [c for c in checks if isinstance(c.spec.params, FilterParams)]
    queries = [c.name for c in checks if c.spec.type in ("query", "query_diff")]
    line = f"{window} applies to {len(reading)} of {len(checks)} checks (models without event_time are read whole)"
    if queries:
        line += f"; not to {', '.join(queries)}: a query's SQL decides its rows"
    return line + "."

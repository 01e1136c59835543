"""Which rows of a model a check reads: a ``where`` condition and a time window over its ``event_time``.

Value diff, profile, top-k, histogram and row count take the same four params (:class:`FilterParams`):

* ``where``: a SQL condition, parsed with sqlglot in the warehouse's dialect and checked like any user SQL
  (:func:`spyglass.checks.user_sql.parse_condition`); the tree, never its text, goes into the query;
* ``since`` / ``until``: an ISO date or date-time (``2026-11-01``, ``2026-11-01T06:00:00Z``) or a span
  back from now (``7d``, ``24h``, ``30m``, ``2w``); rows with ``since <= event_time < until``;
* ``event_time``: the column the window is over; by default the model's own dbt config
  (``config(event_time=...)``, dbt >= 1.9, what microbatch models use).

:func:`resolve` turns params into a :class:`ResolvedFilter` (the condition as a sqlglot tree, and a
description a result shows); pure, but for reading the clock for relative spans (``now`` is passed in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from pydantic import field_validator
from sqlglot import exp

from spyglass.checks.base import Params
from spyglass.checks.sql import SqlBuilder, and_all, find_column
from spyglass.checks.user_sql import parse_condition
from spyglass.exceptions import CheckError
from spyglass.project.models import Node

_SPAN = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_WINDOW_HELP = "an ISO date or date-time (2026-11-01, 2026-11-01T06:00:00Z) or a span back from now (7d, 24h)"


@dataclass(frozen=True)
class RowFilter:
    """What rows a check reads, as the user asked (unparsed; :func:`resolve` checks it)."""

    #: a SQL condition on the model's columns
    where: str | None = None
    #: the window's start (inclusive): ISO date/date-time or a span back from now (``7d``)
    since: str | None = None
    #: the window's end (exclusive), same forms
    until: str | None = None
    #: the window's column; None = the model's dbt ``event_time`` config
    event_time: str | None = None
    #: a model without an event_time is read whole (a note says the window was ignored) instead of
    #: failing the check: what ``spyglass run --since`` sets
    window_optional: bool = False

    @property
    def windowed(self) -> bool:
        return bool(self.since or self.until)

    @property
    def active(self) -> bool:
        return bool((self.where and self.where.strip()) or self.windowed)


@dataclass(frozen=True)
class ResolvedFilter:
    """A filter ready for SQL: the condition tree (None: every row) and what to tell the reader."""

    condition: exp.Expr | None
    #: ``where status = 'open'; order_date >= 2026-11-23 00:00:00 (7d ago)``; empty when unfiltered
    description: str = ""
    #: why a time window that was asked for was not applied (an optional window on a model without
    #: event_time); empty when it was, or none was asked
    ignored: str = ""

    @property
    def notes(self) -> tuple[str, ...]:
        """What a result says about the filter: which rows it read, or which window it ignored."""
        said = (f"Rows filtered: {self.description}." if self.description else "", self.ignored)
        return tuple(note for note in said if note)


class FilterParams(Params):
    """The row filter params shared by the checks that read a model's rows."""

    #: a SQL condition both sides are filtered by (e.g. a date window, so a CI build with less data
    #: compares fairly)
    where: str | None = None
    #: only rows with ``event_time >= since``: ISO date/date-time, or a span back from now (``7d``, ``24h``)
    since: str | None = None
    #: only rows with ``event_time < until`` (same forms as ``since``)
    until: str | None = None
    #: the column ``since``/``until`` apply to; default: the model's dbt ``event_time`` config
    event_time: str | None = None
    #: read a model without event_time whole (a note says so) instead of failing (``spyglass run --since``)
    window_optional: bool = False

    @field_validator("since", "until")
    @classmethod
    def _valid_time(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            try:
                parse_time(value, datetime.now(timezone.utc))
            except CheckError as error:
                raise ValueError(f"{error.message} {error.remedy or ''}".strip()) from None
        return value or None

    @property
    def row_filter(self) -> RowFilter:
        return RowFilter(where=self.where, since=self.since, until=self.until, event_time=self.event_time,
                         window_optional=self.window_optional)


def parse_time(text: str, now: datetime) -> datetime | date:
    """``7d`` → ``now - 7 days`` (UTC, naive); an ISO date stays a date; a date-time becomes naive UTC."""
    span = _SPAN.match(text)
    if span:
        try:
            moment = now.astimezone(timezone.utc) - timedelta(**{_UNITS[span.group(2).lower()]: int(span.group(1))})
        except OverflowError:
            raise CheckError(f"{text!r} reaches back before year 1.", remedy=f"Give {_WINDOW_HELP}.") from None
        return moment.replace(tzinfo=None, microsecond=0)
    value = text.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CheckError(f"{text!r} is not a time Spyglass understands.", remedy=f"Give {_WINDOW_HELP}.") from None
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def event_time_of(node: Node) -> str | None:
    """The model's dbt ``event_time`` config (None when unset, or still a Jinja expression)."""
    config = node.unrendered_config or {}
    value = config.get("event_time")
    if not value or "{" in value or value in ("null", "None"):
        return None
    return value


def window_column(row_filter: RowFilter, node: Node, columns: tuple[str, ...] | None, model: str) -> str:
    """The column the time window is over, as the relation spells it (CheckError when there is none);
    ``columns`` None: the relation's columns are not known, the name is taken as given."""
    name = row_filter.event_time or event_time_of(node)
    if name is None:
        raise CheckError(
            f"A time window (since/until) was asked for model {model!r}, but it has no event_time column.",
            remedy="Set dbt's event_time config on the model (config(event_time='order_date'), dbt >= 1.9), "
                   "or pass the event_time param naming the column.")
    if columns is None:
        return name
    found = find_column(columns, name)
    if found is None:
        raise CheckError(f"The event_time column {name!r} is not a column of model {model!r}.",
                         remedy=f"Name one of: {', '.join(repr(c) for c in columns) or '(none)'}.")
    return found


def _literal(sql: SqlBuilder, moment: datetime | date) -> exp.Expr:
    if isinstance(moment, datetime):
        return sql.cast(exp.Literal.string(moment.isoformat(sep=" ")), "TIMESTAMP")
    return sql.cast(exp.Literal.string(moment.isoformat()), "DATE")


def resolve(row_filter: RowFilter, sql: SqlBuilder, *, node: Node, columns: tuple[str, ...] | None, model: str,
            now: datetime) -> ResolvedFilter:
    """The condition for ``row_filter`` on a model whose relation has ``columns`` (CheckError/QueryRefused
    when it cannot be applied). ``now`` anchors relative spans."""
    parts: list[exp.Expr] = []
    said: list[str] = []
    if row_filter.where and row_filter.where.strip():
        condition = parse_condition(row_filter.where, sql.dialect)
        parts.append(exp.paren(condition.copy()))
        said.append(f"where {condition.sql(dialect=sql.dialect.sqlglot or None)}")
    ignored = ""
    if row_filter.windowed and row_filter.window_optional and not (row_filter.event_time or event_time_of(node)):
        ignored = (f"The time window ({window_text(row_filter)}) was ignored: model {model!r} has no event_time "
                   "config; all its rows were read.")
    elif row_filter.windowed:
        column = window_column(row_filter, node, columns, model)
        said.append(_window(parts, sql, column, row_filter, now))
    if not parts:
        return ResolvedFilter(None, ignored=ignored)
    return ResolvedFilter(and_all(parts), "; ".join(said), ignored)


def window_text(row_filter: RowFilter) -> str:
    """``since 7d``, ``since 2026-11-01 until 2026-11-08`` (empty without a window)."""
    return " ".join(f"{word} {value.strip()}" for word, value in (("since", row_filter.since),
                                                                  ("until", row_filter.until)) if value)


def title_suffix(row_filter: RowFilter) -> str:
    """What a check's title adds for its filter: `` (where status = 'open', since 7d)``; empty when none."""
    parts = [f"where {row_filter.where.strip()}"] if row_filter.where and row_filter.where.strip() else []
    if row_filter.windowed:
        parts.append(window_text(row_filter))
    return f" ({', '.join(parts)})" if parts else ""


def _window(parts: list[exp.Expr], sql: SqlBuilder, column: str, row_filter: RowFilter, now: datetime) -> str:
    bounds = []
    for text, is_start in ((row_filter.since, True), (row_filter.until, False)):
        if not text:
            continue
        moment = parse_time(text, now)
        shown = moment.isoformat(sep=" ") if isinstance(moment, datetime) else moment.isoformat()
        cls = exp.GTE if is_start else exp.LT
        parts.append(cls(this=sql.col(column), expression=_literal(sql, moment)))
        relative = "" if text.strip() == shown or _SPAN.match(text) is None else f" ({text.strip()} ago)"
        bounds.append(f"{column} {'>=' if is_start else '<'} {shown}{relative}")
    return " and ".join(bounds)


def filtered_from(row_filter: RowFilter, sql: SqlBuilder, *, node: Node, relation: str, now: datetime) -> exp.Expr:
    """``relation`` as a FROM item keeping only the rows ``row_filter`` keeps (the relation itself when it
    keeps every row); for a ``count(*)`` estimate of what a filtered check reads. The window's column is
    taken as named (not checked against the relation's columns)."""
    resolved = resolve(row_filter, sql, node=node, columns=None, model=node.name, now=now)
    return sql.relation(relation) if resolved.condition is None else sql.filtered(relation, resolved.condition, "t")

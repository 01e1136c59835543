"""Turn a driver or dbt exception into a typed Spyglass error, by exception type, never by message.

Each :class:`~spyglass.warehouse.dialects.Dialect` declares which driver exception types mean what
(``error_types``); :class:`ErrorClassifier` resolves those names to classes once and then walks an
exception's ``__cause__``/``__context__`` chain (dbt wraps driver errors in ``DbtDatabaseError`` or
``DbtRuntimeError`` ``from`` the original) to find the first declared type. Only where an engine reports
a refused file access and a relation the user may not read with one type and one SQLSTATE (PostgreSQL) do
its declared ``external_access_errors`` patterns tell them apart by the message.

A message carries the driver's first line (its words, not its ``LINE 1: ...`` excerpt) and never the SQL
that ran: that is Spyglass's wrapper around a user's query (``SELECT * FROM (...) AS spyglass_q LIMIT n``),
which the user did not write and cannot fix.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

from spyglass.exceptions import (
    Cancelled,
    ExternalAccessDenied,
    PermissionDenied,
    QuerySyntaxError,
    RelationMissing,
    WarehouseError,
    WarehouseUnavailable,
)
from spyglass.warehouse.dialects import Dialect, ErrorKind

#: what to do about a refused file or network access (refused by the parser or by the engine's sandbox)
EXTERNAL_ACCESS_REMEDY = (
    "Spyglass runs queries sandboxed: they cannot read the server's files or reach the network. Query the "
    "dbt project's tables and views (ref()/source()) instead; to compare a file, load it with dbt "
    "(a seed or a source) and query that."
)


@dataclass(frozen=True)
class ErrorClassifier:
    """The resolved exception types of one dialect, in declaration order."""

    types: tuple[tuple[type[BaseException], ErrorKind], ...]
    #: SQLSTATE prefixes and their kinds (``Dialect.error_states``), checked before the types
    states: tuple[tuple[str, ErrorKind], ...] = ()
    #: messages of a permission error that mean a refused file or network access (``Dialect.external_access_errors``)
    external: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def for_dialect(cls, dialect: Dialect) -> ErrorClassifier:
        """Resolve ``dialect.error_types``; types whose module is not installed are skipped."""
        resolved: list[tuple[type[BaseException], ErrorKind]] = []
        for dotted, kind in dialect.error_types:
            exc_type = _resolve(dotted)
            if exc_type is not None:
                resolved.append((exc_type, kind))
        external = tuple(re.compile(pattern, re.IGNORECASE) for pattern in dialect.external_access_errors)
        return cls(tuple(resolved), dialect.error_states, external)

    def kind_of(self, exc: BaseException) -> ErrorKind | None:
        """The declared kind of the first exception in the chain that matches a declared type."""
        for link in _chain(exc):
            state = _sql_state(link)
            for prefix, kind in self.states if state else ():
                if state.startswith(prefix):
                    return kind
        for link in _chain(exc):
            for exc_type, kind in self.types:
                if isinstance(link, exc_type):
                    return kind
        return None

    def classify(self, exc: BaseException) -> WarehouseError | Cancelled:
        """The Spyglass error for ``exc``, raised while running a query (whose text it never quotes)."""
        detail = _driver_message(exc)
        kind = self.kind_of(exc)
        if kind is ErrorKind.PERMISSION_DENIED and any(p.search(detail) for p in self.external):
            kind = ErrorKind.EXTERNAL_ACCESS
        if kind is ErrorKind.EXTERNAL_ACCESS:
            return ExternalAccessDenied(f"The warehouse refused to read a file or reach the network: {detail}",
                                        remedy=EXTERNAL_ACCESS_REMEDY)
        if kind is ErrorKind.CANCELLED:
            return Cancelled("The query was cancelled in the warehouse.")
        if kind is ErrorKind.RELATION_MISSING:
            return RelationMissing(
                f"The warehouse says a table or view does not exist: {detail}",
                remedy="Build the model in this environment (dbt run / dbt build) or fix the name in the query.",
            )
        if kind is ErrorKind.PERMISSION_DENIED:
            return PermissionDenied(
                f"The warehouse refused access: {detail}",
                remedy="Grant the dbt profile's user SELECT on the relation, or use a target that may read it.",
            )
        if kind is ErrorKind.SYNTAX:
            return QuerySyntaxError(
                f"The warehouse rejected the SQL: {detail}",
                remedy="Fix the SQL (syntax, column names, types) and run it again.",
            )
        if kind is ErrorKind.UNAVAILABLE:
            return WarehouseUnavailable(
                f"Cannot reach the warehouse: {detail}",
                remedy="Check the profile's connection settings and that the database is running "
                "(`spyglass debug` tests the connection).",
            )
        return WarehouseError(
            f"The query failed in the warehouse: {detail}",
            remedy="Run the query in the warehouse's own client to see the full error.",
        )


def _resolve(dotted: str) -> type[BaseException] | None:
    module_name, _, qualname = dotted.partition(":")
    try:
        obj: object = importlib.import_module(module_name)
    except ImportError:
        return None
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
    if isinstance(obj, type) and issubclass(obj, BaseException):
        return obj
    return None


def _sql_state(exc: BaseException) -> str:
    """The SQLSTATE an exception reports through ``getSqlState()`` (Spark), else ``""``."""
    getter = getattr(exc, "getSqlState", None)
    try:
        state = getter() if callable(getter) else None
    except Exception:  # a driver exception whose JVM side is gone
        return ""
    return state if isinstance(state, str) else ""


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _driver_message(exc: BaseException) -> str:
    """The innermost exception's first line: the driver's own words, without dbt's wrapping."""
    innermost = _chain(exc)[-1]
    text = str(innermost).strip() or type(innermost).__name__
    return text.splitlines()[0] if text else text


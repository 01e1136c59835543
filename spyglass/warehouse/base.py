"""The narrow interface every check uses to reach the warehouse.

Checks depend on :class:`Warehouse` (a Protocol), never on dbt or a driver; the dbt-backed
implementation lives in :mod:`spyglass.warehouse.dbt`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property
from typing import Protocol

from spyglass.exceptions import Cancelled
from spyglass.project.models import Node
from spyglass.warehouse.dialects import Dialect
from spyglass.warehouse.families import TypeFamily

#: A scalar as it comes back from the warehouse.
Value = str | int | float | bool | Decimal | date | datetime | time | bytes | None


@dataclass(frozen=True)
class ResultColumn:
    name: str
    type: TypeFamily = TypeFamily.UNKNOWN


def as_int(value: Value) -> int:
    """A count or sum from the warehouse as an int: NULL (an empty sum) is 0; decimals and floats that
    hold a whole number are exact; anything else is a bug in the SQL that produced it (ValueError)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | float) and value == int(value):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    raise ValueError(f"expected a whole number from the warehouse, got {value!r}")


def as_float(value: Value) -> float | None:
    """A number from the warehouse as a float (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal):
        return float(value)
    if isinstance(value, str):
        return float(value)
    raise ValueError(f"expected a number from the warehouse, got {value!r}")


class Record(Mapping[str, Value]):
    """One row of a :class:`QueryResult`, read by output name.

    Names match case-insensitively (engines fold unquoted aliases: PostgreSQL to lower case, Snowflake
    to upper case), so SQL builders give every output a distinct lower-case alias and readers ask for it
    by that name; asking for a name the query did not produce is a KeyError naming the ones it did.
    """

    __slots__ = ("_index", "_values")

    def __init__(self, index: Mapping[str, int], values: Sequence[Value]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, name: str) -> Value:
        position = self._index.get(name.lower())
        if position is None:
            raise KeyError(f"no output named {name!r} (the query produced: {', '.join(self._index)})")
        if position < 0:
            raise KeyError(f"the query produced several outputs named {name!r}")
        return self._values[position]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def as_int(self, name: str) -> int:
        """The named count or sum (NULL is 0)."""
        return as_int(self[name])

    def as_optional_int(self, name: str) -> int | None:
        """The named whole number, None when NULL."""
        value = self[name]
        return None if value is None else as_int(value)

    def as_float(self, name: str) -> float | None:
        return as_float(self[name])


@dataclass(frozen=True)
class QueryResult:
    """Rows of one query; small by construction (aggregates or a bounded sample)."""

    columns: tuple[ResultColumn, ...]
    rows: tuple[tuple[Value, ...], ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @cached_property
    def _index(self) -> dict[str, int]:
        index: dict[str, int] = {}
        for position, name in enumerate(self.column_names):
            key = name.lower()
            index[key] = -1 if key in index else position  # -1: ambiguous, refused when asked for
        return index

    def records(self) -> tuple[Record, ...]:
        """Every row, read by output name (see :class:`Record`)."""
        return tuple(Record(self._index, row) for row in self.rows)

    def record(self, position: int = 0) -> Record:
        """One row read by output name; an aggregate query's only row by default (IndexError if none)."""
        return Record(self._index, self.rows[position])

    def scalar(self) -> Value:
        """The first value of the first row (``None`` when there is no row)."""
        return self.rows[0][0] if self.rows and self.rows[0] else None


class CancelToken:
    """Cooperative cancellation shared by a run and the queries it issues (thread-safe)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._callbacks: list[_Callback] = []
        self._lock = threading.Lock()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()

    def on_cancel(self, callback: _Callback) -> None:
        """Call ``callback`` when cancelled (at once if already cancelled)."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return
        callback()

    def remove(self, callback: _Callback) -> None:
        with self._lock, _suppress_value_error():
            self._callbacks.remove(callback)

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled("The run was cancelled.")


class _Callback(Protocol):
    def __call__(self) -> None: ...


class _suppress_value_error:
    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: object, tb: object) -> bool:
        return exc_type is ValueError


class Warehouse(Protocol):
    """What checks may ask of a warehouse. Implementations are thread-safe."""

    @property
    def dialect(self) -> Dialect:
        """Declared SQL quirks of this engine (quoting, median, approx distinct ...)."""
        ...

    @property
    def threads(self) -> int:
        """How many queries may run at once (the profile's ``threads``)."""
        ...

    def execute(
        self, sql: str, *, cancel: CancelToken | None = None, limit: int | None = None, read_only: bool = False
    ) -> QueryResult:
        """Run one statement and fetch its (small) result.

        ``read_only=True`` (every statement holding user SQL): the statement runs alone in a read-only
        transaction that is then rolled back, where the engine has them (``Dialect.read_only_begin``),
        so a write that got past :mod:`spyglass.checks.user_sql` fails and nothing is kept.

        Raises:
            RelationMissing, PermissionDenied, QuerySyntaxError, WarehouseError: classified by the
                adapter's exception types.
            Cancelled: ``cancel`` fired; the running query was cancelled in the warehouse.
        """
        ...

    def execute_many(
        self, statements: Sequence[str], *, cancel: CancelToken | None = None, read_only: bool = False
    ) -> list[QueryResult | Exception]:
        """Run independent statements concurrently (up to :attr:`threads`), results in input order.

        A failing statement yields its (Spyglass) exception in its slot; others still run.
        ``read_only`` as for :meth:`execute`, for each statement.
        """
        ...

    def relation(self, node: Node) -> str:
        """The quoted relation name for a node of either manifest (raises CheckError if it has none)."""
        ...

    def quote(self, identifier: str) -> str:
        """Quote an identifier (column name) the way the adapter does."""
        ...

    def close(self) -> None: ...


class ReadOnlyWarehouse:
    """A view of a warehouse that runs every statement with ``read_only=True``.

    Given to code that builds statements around user SQL (a query diff's probes, key checks and row
    diffs), so none of them can forget the flag. Closing the view leaves the warehouse open.
    """

    def __init__(self, warehouse: Warehouse) -> None:
        self._warehouse = warehouse

    @property
    def dialect(self) -> Dialect:
        return self._warehouse.dialect

    @property
    def threads(self) -> int:
        return self._warehouse.threads

    def execute(
        self, sql: str, *, cancel: CancelToken | None = None, limit: int | None = None, read_only: bool = True
    ) -> QueryResult:
        return self._warehouse.execute(sql, cancel=cancel, limit=limit, read_only=True)

    def execute_many(
        self, statements: Sequence[str], *, cancel: CancelToken | None = None, read_only: bool = True
    ) -> list[QueryResult | Exception]:
        return self._warehouse.execute_many(statements, cancel=cancel, read_only=True)

    def relation(self, node: Node) -> str:
        return self._warehouse.relation(node)

    def quote(self, identifier: str) -> str:
        return self._warehouse.quote(identifier)

    def close(self) -> None:
        """Nothing to release: the underlying warehouse belongs to its opener."""

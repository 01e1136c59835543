"""What the store needs from a database: a transaction, and the SQL quirks of its engine as data.

The store's SQL is written once, with ``?`` placeholders and ``{name}`` slots for the few types that
differ; each backend declares a :class:`SqlDialect` that fills them in. No ``if engine == ...`` elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

#: a value bound to a ``?`` placeholder
SqlValue = str | int | float | bytes | None
SqlRow = tuple[SqlValue, ...]


@dataclass(frozen=True)
class SqlDialect:
    """Per-engine differences of the store's SQL."""

    name: str
    #: DB-API placeholder the driver wants in place of ``?``
    placeholder: str
    #: column type of an auto-incrementing integer primary key, including PRIMARY KEY
    serial_pk: str
    #: column type for ciphertext
    blob: str

    def render(self, sql: str) -> str:
        """``sql`` with its ``{slots}`` filled and ``?`` placeholders in the driver's style."""
        text = sql.format(serial_pk=self.serial_pk, blob=self.blob)
        if self.placeholder == "?":
            return text
        return text.replace("%", "%%").replace("?", self.placeholder)


SQLITE = SqlDialect(name="sqlite", placeholder="?", serial_pk="INTEGER PRIMARY KEY AUTOINCREMENT", blob="BLOB")
POSTGRES = SqlDialect(
    name="postgresql", placeholder="%s", serial_pk="BIGSERIAL PRIMARY KEY", blob="BYTEA"
)


class Transaction(Protocol):
    """One open transaction: committed when its ``with`` block ends, rolled back on an exception."""

    def execute(self, sql: str, params: Sequence[SqlValue] = ()) -> int:
        """Run one statement (``?`` placeholders, ``{slots}``); the number of rows it changed."""
        ...

    def fetch_one(self, sql: str, params: Sequence[SqlValue] = ()) -> SqlRow | None:
        """The first row of a query, or None."""
        ...

    def fetch_all(self, sql: str, params: Sequence[SqlValue] = ()) -> list[SqlRow]:
        """Every row of a query."""
        ...


class Backend(Protocol):
    """A database the store can use from several threads at once."""

    dialect: SqlDialect
    #: where the data lives, safe to show (no password)
    description: str

    def transaction(self, *, write: bool = True, serialized: bool = True) -> AbstractContextManager[Transaction]:
        """A new transaction. Serialized write transactions run one at a time against every other
        serialized writer of the same database, across threads and processes, so read-modify-write
        sequences inside one are safe. ``serialized=False`` suits writes that are single atomic
        statements (an upsert, an insert-or-ignore, a delete) and lets them run side by side."""
        ...

    def close(self) -> None:
        """Close every connection this backend opened."""
        ...

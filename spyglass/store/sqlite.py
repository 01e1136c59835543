"""SQLite backend: one file (WAL mode) under ``SPYGLASS_HOME``, pooled connections shared by threads."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from spyglass.exceptions import StoreError
from spyglass.store.backend import SQLITE, SqlRow, SqlValue
from spyglass.store.pool import ConnectionPool

#: how long a writer waits for another writer before giving up, in seconds
BUSY_TIMEOUT_SECONDS = 30.0
MAX_CONNECTIONS = 16


class SqliteTransaction:
    """A transaction on one SQLite connection (see :class:`spyglass.store.backend.Transaction`)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def execute(self, sql: str, params: Sequence[SqlValue] = ()) -> int:
        return self._connection.execute(SQLITE.render(sql), tuple(params)).rowcount

    def fetch_one(self, sql: str, params: Sequence[SqlValue] = ()) -> SqlRow | None:
        row: SqlRow | None = self._connection.execute(SQLITE.render(sql), tuple(params)).fetchone()
        return row

    def fetch_all(self, sql: str, params: Sequence[SqlValue] = ()) -> list[SqlRow]:
        rows: list[SqlRow] = self._connection.execute(SQLITE.render(sql), tuple(params)).fetchall()
        return rows


class SqliteBackend:
    """The store in a SQLite file. Writers take the database's write lock at ``BEGIN IMMEDIATE``."""

    dialect = SQLITE

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"SQLite {path}"
        _create_private_file(path)
        self._pool: ConnectionPool[sqlite3.Connection] = ConnectionPool(
            self._connect, _close, lambda _: True, max_size=MAX_CONNECTIONS
        )

    @contextmanager
    def transaction(self, *, write: bool = True, serialized: bool = True) -> Iterator[SqliteTransaction]:
        """See :meth:`Backend.transaction`; SQLite runs every writer one at a time anyway."""
        with self._pool.borrow() as connection:
            try:
                connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.Error as exc:
                raise self._error(exc) from exc
            try:
                yield SqliteTransaction(connection)
                connection.commit()
            except sqlite3.Error as exc:
                connection.rollback()
                raise self._error(exc) from exc
            except BaseException:
                connection.rollback()
                raise

    def close(self) -> None:
        self._pool.close()

    def _connect(self) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
            _use_wal(connection)
            connection.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        return connection

    def _error(self, exc: sqlite3.Error) -> StoreError:
        return StoreError(
            f"The Spyglass store ({self.description}) failed: {exc}.",
            remedy=(
                "Check that the file is writable and not on a network share; if another Spyglass "
                "holds it busy, retry."
            ),
        )


def _use_wal(connection: sqlite3.Connection) -> None:
    """Switch the file to WAL (it stays so). Switching takes an exclusive lock for which SQLite does not wait
    on its busy handler, so processes or threads opening a new store at once got "database is locked":
    retry until the busy timeout, and skip the switch once another connection has made it."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            if (connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                    or connection.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"):
                return
        except sqlite3.OperationalError:  # locked by a connection switching it right now
            if time.monotonic() > deadline:
                raise
        time.sleep(0.01)


def _close(connection: sqlite3.Connection) -> None:
    connection.close()


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only (SQLite gives its -wal/-shm the same mode)."""
    if path.exists():
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    except OSError as exc:
        raise StoreError(
            f"Cannot create the Spyglass database {path}: {exc.strerror or exc}.",
            remedy="Set SPYGLASS_HOME (or SPYGLASS_DATABASE_URL) to a writable location.",
        ) from exc

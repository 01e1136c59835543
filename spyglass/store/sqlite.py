"""SQLite backend: one file (WAL mode) under ``SPYGLASS_HOME``, one connection per thread."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from spyglass.exceptions import StoreError
from spyglass.store.backend import SQLITE, SqlRow, SqlValue

#: how long a writer waits for another writer before giving up, in seconds
BUSY_TIMEOUT_SECONDS = 30.0


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
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        _create_private_file(path)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[SqliteTransaction]:
        connection = self._connection()
        try:
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        try:
            yield SqliteTransaction(connection)
        except sqlite3.Error as exc:
            connection.rollback()
            raise self._error(exc) from exc
        except BaseException:
            connection.rollback()
            raise
        try:
            connection.commit()
        except sqlite3.Error as exc:
            connection.rollback()
            raise self._error(exc) from exc

    def close(self) -> None:
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is not None and not self._closed:
            return connection
        with self._lock:
            if self._closed:
                raise StoreError("The Spyglass store was closed.", remedy="Open the store again.")
            try:
                connection = _connect(self.path)
            except sqlite3.Error as exc:
                raise self._error(exc) from exc
            self._connections.append(connection)
        self._local.connection = connection
        return connection

    def _error(self, exc: sqlite3.Error) -> StoreError:
        return StoreError(
            f"The Spyglass store ({self.description}) failed: {exc}.",
            remedy=(
                "Check that the file is writable and not on a network share; if another Spyglass "
                "holds it busy, retry."
            ),
        )


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


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

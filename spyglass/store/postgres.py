"""PostgreSQL backend (``SPYGLASS_DATABASE_URL=postgresql://...``) over psycopg2, with a small pool.

Writers serialise on a transaction-level advisory lock, so several Spyglass servers (or threads) can
share one database and the store's read-modify-write steps stay correct.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, cast
from urllib.parse import urlsplit, urlunsplit

from spyglass.exceptions import StoreError
from spyglass.store.backend import POSTGRES, SqlRow, SqlValue
from spyglass.store.pool import ConnectionPool

#: key of the advisory lock every write transaction takes ("SPYGLS" in ASCII)
WRITE_LOCK_KEY = 0x535059474C53
MAX_CONNECTIONS = 8
CONNECT_TIMEOUT_SECONDS = 10
#: SQLSTATE of "permission denied"
INSUFFICIENT_PRIVILEGE = "42501"


class _Cursor(Protocol):
    rowcount: int

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...
    def fetchone(self) -> tuple[Any, ...] | None: ...
    def fetchall(self) -> list[tuple[Any, ...]]: ...
    def close(self) -> None: ...


class _Connection(Protocol):
    closed: int

    def cursor(self) -> _Cursor: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...


class PostgresTransaction:
    """A transaction on one pooled connection (see :class:`spyglass.store.backend.Transaction`)."""

    def __init__(self, cursor: _Cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[SqlValue] = ()) -> int:
        self._cursor.execute(POSTGRES.render(sql), _params(params))
        return self._cursor.rowcount

    def fetch_one(self, sql: str, params: Sequence[SqlValue] = ()) -> SqlRow | None:
        self._cursor.execute(POSTGRES.render(sql), _params(params))
        return self._cursor.fetchone()

    def fetch_all(self, sql: str, params: Sequence[SqlValue] = ()) -> list[SqlRow]:
        self._cursor.execute(POSTGRES.render(sql), _params(params))
        return self._cursor.fetchall()


class PostgresBackend:
    """The store in a PostgreSQL database; up to ``max_connections`` connections shared by threads."""

    dialect = POSTGRES

    def __init__(self, url: str, *, max_connections: int = MAX_CONNECTIONS) -> None:
        self.description = f"PostgreSQL {redact_url(url)}"
        self._url = url
        self._driver = _import_driver()
        self._errors = cast(type[BaseException], self._driver.Error)
        self._lost_errors = cast(
            tuple[type[BaseException], ...], (self._driver.OperationalError, self._driver.InterfaceError)
        )
        self._pool: ConnectionPool[_Connection] = ConnectionPool(
            self._connect, _close, lambda connection: not connection.closed, max_size=max_connections
        )

    @contextmanager
    def transaction(self, *, write: bool = True, serialized: bool = True) -> Iterator[PostgresTransaction]:
        """See :meth:`Backend.transaction`; serialized writers hold a transaction-level advisory lock."""
        for attempt in range(2):
            with self._pool.borrow() as connection:
                cursor = self._begin(connection, write and serialized, may_retry=attempt == 0)
                if cursor is None:
                    continue  # a pooled connection the server dropped (restart, idle timeout): take another
                try:
                    yield PostgresTransaction(cursor)
                    connection.commit()
                except self._errors as exc:
                    _rollback(connection)
                    raise self._error(exc) from exc
                except BaseException:
                    _rollback(connection)
                    raise
                finally:
                    if not connection.closed:
                        cursor.close()
                return

    def _begin(self, connection: _Connection, lock: bool, *, may_retry: bool) -> _Cursor | None:
        """A cursor in a started transaction (holding the write lock if ``lock``); None when the
        connection turned out dead and another may be tried."""
        try:
            cursor = connection.cursor()
            if lock:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
            else:
                cursor.execute("SELECT 1")
            return cursor
        except self._errors as exc:
            lost = connection.closed or isinstance(exc, self._lost_errors)
            _rollback(connection)
            if lost and may_retry:
                _close(connection)
                return None
            raise self._error(exc) from exc

    def close(self) -> None:
        self._pool.close()

    def _connect(self) -> _Connection:
        try:
            return cast(_Connection, self._driver.connect(self._url, connect_timeout=CONNECT_TIMEOUT_SECONDS))
        except self._errors as exc:
            raise StoreError(
                f"Cannot connect to the Spyglass store ({self.description}): {_first_line(exc)}.",
                remedy="Check SPYGLASS_DATABASE_URL (host, port, database, user) and that the server is up.",
            ) from exc

    def _error(self, exc: BaseException) -> StoreError:
        if getattr(exc, "pgcode", None) == INSUFFICIENT_PRIVILEGE:
            remedy = (
                "Let the database user create tables in its schema (GRANT CREATE ON SCHEMA public TO "
                "<user>), or give Spyglass a schema of its own: CREATE SCHEMA spyglass AUTHORIZATION <user> "
                "and add ?options=-csearch_path%3Dspyglass to SPYGLASS_DATABASE_URL."
            )
        else:
            remedy = "Check that the database user may create and write tables, and that the server is up."
        return StoreError(f"The Spyglass store ({self.description}) failed: {_first_line(exc)}.", remedy=remedy)


def redact_url(url: str) -> str:
    """``url`` without its password (safe for logs, errors and status pages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _import_driver() -> Any:
    try:
        return importlib.import_module("psycopg2")
    except ImportError as exc:
        raise StoreError(
            "SPYGLASS_DATABASE_URL names PostgreSQL, but the psycopg2 driver is not installed.",
            remedy="Install it with: pip install 'spyglass[postgres]' (or pip install psycopg2-binary).",
        ) from exc


def _params(params: Sequence[SqlValue]) -> tuple[Any, ...]:
    return tuple(params)


def _close(connection: _Connection) -> None:
    if not connection.closed:
        connection.close()


def _rollback(connection: _Connection) -> None:
    if connection.closed:
        return
    try:
        connection.rollback()
    except Exception:  # the connection is broken: it will be discarded
        connection.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

"""The :class:`~spyglass.warehouse.base.Warehouse` implementation over a dbt adapter.

:func:`open_warehouse` reads the user's profiles.yml target (see :mod:`spyglass.warehouse.profiles`)
and instantiates the adapter's class directly, without dbt's adapter factory, its global flags, or
any monkeypatching. Adapters whose connection manager keeps process-wide class state (dbt-duckdb's
``_ENV``) get a private subclass per warehouse, declared by ``Dialect.isolated_class_state``, so two
warehouses in one process (e.g. two projects in one server) never share a database handle.

Each thread that runs a query gets its own named adapter connection, kept open until :meth:`close`.
On drivers that open transactions implicitly (``Dialect.transactional_reads``) every query is
committed, or rolled back when it fails, so no snapshot or lock outlives it. A ``read_only`` statement
(user SQL) runs in a read-only transaction that is always rolled back (``Dialect.read_only_begin``).

Every handle the adapter (re)opens is prepared before its first query: ``Dialect.session_statements``,
then for a sandboxed warehouse the sandbox, until ``Dialect.sandbox_check`` holds (dbt-duckdb with
``keep_open: false`` reopens the database, sandbox gone, after its last handle closed); a handle that
cannot be sandboxed runs nothing.

A cancel goes to the adapter's ``cancel``, or, where the driver's cancel does nothing (dbt-spark's
``session`` method), to the dialect's ``job_control``: each query runs in a job group of its own.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from spyglass.exceptions import Cancelled, CheckError, SpyglassError, WarehouseError, WarehouseUnavailable
from spyglass.project.models import Node
from spyglass.settings import ProjectSettings
from spyglass.warehouse.adapter import instantiate, job_control, release_class_state
from spyglass.warehouse.base import CancelToken, QueryResult, Value
from spyglass.warehouse.dialect_table import dialect_for
from spyglass.warehouse.dialects import Dialect
from spyglass.warehouse.errors import ErrorClassifier
from spyglass.warehouse.profiles import TargetConfig, load_target
from spyglass.warehouse.types import coarse_types


class _Running:
    """One query in flight: lets a cancel fire only while the query is still running."""

    def __init__(self) -> None:
        self.tag = f"spyglass-{uuid.uuid4().hex}"  # the query's job group (``Dialect.job_control``)
        self.lock = threading.Lock()
        self.active = True
        self.interrupted = False


class DbtWarehouse:
    """A thread-safe warehouse over one dbt adapter instance (see module docstring)."""

    def __init__(self, target: TargetConfig, *, sandboxed: bool = False) -> None:
        self.target = target
        self._dialect = dialect_for(target.adapter_type)
        self._errors = ErrorClassifier.for_dialect(self._dialect)
        self._adapter = instantiate(target, self._dialect)
        self._jobs = job_control(self._dialect)
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._canceller = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spyglass-cancel")
        self._closed = False
        self._sandboxed = sandboxed
        #: id of each adapter connection -> the handle prepared for it (a reopened handle is another object)
        self._prepared: dict[int, Any] = {}

    # -- Warehouse protocol ---------------------------------------------------------------------------
    @property
    def dialect(self) -> Dialect:
        return self._dialect

    @property
    def threads(self) -> int:
        return self.target.threads

    @property
    def adapter_type(self) -> str:
        return self.target.adapter_type

    def execute(
        self, sql: str, *, cancel: CancelToken | None = None, limit: int | None = None, read_only: bool = False
    ) -> QueryResult:
        if self._closed:
            raise WarehouseError("The warehouse connection was closed.", remedy="Open a new session.")
        if cancel is not None:
            cancel.raise_if_cancelled()
        connection = self._thread_connection()
        running = _Running()

        def on_cancel() -> None:
            with contextlib.suppress(RuntimeError):  # the warehouse was closed meanwhile
                self._canceller.submit(self._cancel, connection, running)

        if cancel is not None:
            cancel.on_cancel(on_cancel)
        try:
            if cancel is not None:
                cancel.raise_if_cancelled()  # fired between the first check and registration
            if self._jobs is not None:
                self._jobs.start(running.tag)
            return self._run(sql, limit, cancel, read_only=read_only)
        finally:
            with running.lock:
                running.active = False
            if cancel is not None:
                cancel.remove(on_cancel)
            if running.interrupted:
                self._drop_thread_connection()

    def execute_many(
        self, statements: Sequence[str], *, cancel: CancelToken | None = None, read_only: bool = False
    ) -> list[QueryResult | Exception]:
        pool = self._worker_pool()
        self._close_connections_of_finished_threads()
        futures = [pool.submit(self.execute, sql, cancel=cancel, read_only=read_only) for sql in statements]
        results: list[QueryResult | Exception] = []
        for future in futures:
            try:
                results.append(future.result())
            except SpyglassError as exc:
                results.append(exc)
        return results

    def relation(self, node: Node) -> str:
        if not node.relation_name:
            raise CheckError(
                f"{node.unique_id} is not materialized in the warehouse "
                f"({node.materialized or node.resource_type.value}), so it cannot be queried.",
                remedy="Choose a table, view, incremental, seed or snapshot node.",
            )
        return node.relation_name

    def quote(self, identifier: str) -> str:
        """The adapter's quoting, with an embedded quote character doubled (SQL's escape)."""
        quoted = str(self._adapter.quote(identifier))
        if len(quoted) >= 2 and quoted[0] == quoted[-1] and not quoted[0].isalnum():
            mark = quoted[0]
            return mark + quoted[1:-1].replace(mark, mark * 2) + mark
        return quoted

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        self._canceller.shutdown(wait=True)
        try:
            self._adapter.connections.cleanup_all()
        finally:
            release_class_state(self._adapter, self._dialect)

    def __enter__(self) -> DbtWarehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------------------------
    def _worker_pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._closed:
                raise WarehouseError("The warehouse connection was closed.", remedy="Open a new session.")
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="spyglass-query")
            return self._pool

    @property
    def open_connections(self) -> int:
        """How many per-thread adapter connections this warehouse holds."""
        connections = self._adapter.connections
        with connections.lock:
            return len(connections.thread_connections)

    def _thread_connection(self) -> Any:
        connections = self._adapter.connections
        if connections.get_if_exists() is None:
            self._close_connections_of_finished_threads()
        connection = connections.set_connection_name(f"spyglass-{threading.get_ident()}")
        self._prepare(connection)
        return connection

    def _prepare(self, connection: Any) -> None:
        """Session statements, then the sandbox, on a handle this warehouse has not prepared yet."""
        try:
            handle = connection.handle  # opens it (again) if needed
        except Exception as exc:
            raise self._errors.classify(exc) from exc
        with self._lock:
            if self._prepared.get(id(connection)) is handle:
                return
        for statement in self._dialect.session_statements:
            with contextlib.suppress(SpyglassError):  # e.g. a setting an older server does not have
                self._run(statement, 0, None)
        if self._sandboxed:
            self._apply_sandbox()
        with self._lock:
            self._prepared[id(connection)] = handle

    def _apply_sandbox(self) -> None:
        """Sandbox this thread's handle, or raise: a handle that is not sandboxed runs nothing."""
        check = self._dialect.sandbox_check
        if check is not None and self._run(check, 1, None).scalar() is True:
            return  # per-database sandbox already in force (set through another handle)
        for statement in self._dialect.sandbox_statements:
            if check is None:
                self._run(statement, 0, None)
                continue
            with contextlib.suppress(SpyglassError):  # another handle may have locked it meanwhile
                self._run(statement, 0, None)
        if check is not None and self._run(check, 1, None).scalar() is not True:
            raise WarehouseError("The warehouse connection could not be sandboxed (file and network access "
                                 "off), so no query runs on it.",
                                 remedy="Check that the profile does not lock the engine's configuration.")

    def _run(self, sql: str, limit: int | None, cancel: CancelToken | None, *, read_only: bool = False) -> QueryResult:
        """Run ``sql`` on this thread's adapter connection (in a read-only transaction if ``read_only``).

        The statement goes straight to the DB-API cursor of the handle the adapter opened (what dbt's
        ``add_query`` does, minus its per-statement event logging, which cost ~10 ms per query).
        """
        connections = self._adapter.connections
        connection = connections.get_thread_connection()
        try:
            with connections.exception_handler(sql):
                handle = connection.handle
                cursor = handle.cursor()
                for statement in self._dialect.read_only_begin if read_only else ():
                    cursor.execute(statement)
                cursor.execute(sql)
                description = cursor.description or ()
                rows = _fetch(cursor, limit) if description else []
                self._end(handle, cursor, read_only)
        except Exception as exc:
            if read_only or self._dialect.transactional_reads:
                self._roll_back_quietly(connection, read_only)
            if cancel is not None and cancel.cancelled:
                raise Cancelled("The query was cancelled.") from exc
            raise self._errors.classify(exc) from exc
        columns = coarse_types(description, rows, self._dialect)
        return QueryResult(columns=columns, rows=tuple(tuple(r) for r in rows))

    def _end(self, handle: Any, cursor: Any, read_only: bool) -> None:
        """Commit a read; roll back a read-only statement (nothing it did may stay)."""
        end = self._dialect.read_only_end if self._dialect.read_only_begin else None
        if read_only and end is not None:
            cursor.execute(end)
        elif self._dialect.transactional_reads:
            handle.rollback() if read_only else handle.commit()

    def _roll_back_quietly(self, connection: Any, read_only: bool) -> None:
        end = self._dialect.read_only_end if self._dialect.read_only_begin else None
        with contextlib.suppress(Exception):  # the connection may be dead (cancelled); dropped by the caller
            connection.handle.cursor().execute(end) if read_only and end else connection.handle.rollback()

    def _cancel(self, connection: Any, running: _Running) -> None:
        with running.lock:
            if not running.active:
                return
            running.interrupted = True
            connections = self._adapter.connections
            try:
                if self._jobs is not None and self._jobs.cancel(running.tag):
                    return
                connections.set_connection_name("spyglass-cancel")
                connections.cancel(connection)
                # some adapters cancel by running a query in a transaction on this thread's connection
                connections.commit_if_has_connection()
            except Exception:  # the query may have just finished; nothing left to cancel
                return

    def _close_connections_of_finished_threads(self) -> None:
        """Connections are per thread; close those whose thread has ended (callers' threads come and go)."""
        alive = {thread.ident for thread in threading.enumerate()}
        connections = self._adapter.connections
        with connections.lock:
            finished = [key for key in connections.thread_connections
                        if isinstance(key, tuple) and key[-1] not in alive]
            stale = [connections.thread_connections.pop(key) for key in finished]
        for connection in stale:
            self._forget(connection)
            with contextlib.suppress(Exception):  # best effort: the connection is forgotten either way
                connections.close(connection)

    def _drop_thread_connection(self) -> None:
        connections = self._adapter.connections
        connection = connections.get_if_exists()
        if connection is not None:
            self._forget(connection)
        with contextlib.suppress(Exception):  # a killed connection may fail to close; it is dropped anyway
            connections.release()
        connections.clear_thread_connection()

    def _forget(self, connection: Any) -> None:
        with self._lock:
            self._prepared.pop(id(connection), None)


def open_warehouse(settings: ProjectSettings, *, sandboxed: bool = False) -> DbtWarehouse:
    """Open the warehouse of the profile target ``settings`` selects (checked with ``select 1``).

    ``sandboxed=True`` (the server) runs the dialect's ``sandbox_statements`` on every database handle
    the warehouse opens, until ``sandbox_check`` holds; on DuckDB they disable file and network access
    and lock the configuration of the database instance, for as long as the server runs (also when
    dbt-duckdb reopens the file: ``keep_open: false``).

    Raises:
        ConfigError: profiles.yml missing or invalid.
        WarehouseUnavailable: the adapter is not installed or the warehouse cannot be reached.
    """
    target = load_target(settings)
    warehouse = DbtWarehouse(target, sandboxed=sandboxed)
    try:
        _select_one(warehouse)
    except WarehouseUnavailable:
        warehouse.close()
        raise
    return warehouse


def probe(target: TargetConfig) -> float:
    """Run ``select 1`` through the target's adapter and close again; the seconds it took.

    Raises:
        WarehouseUnavailable: the adapter cannot be created or the query fails.
    """
    started = time.monotonic()
    with DbtWarehouse(target) as warehouse:
        _select_one(warehouse)
    return time.monotonic() - started


def _select_one(warehouse: DbtWarehouse) -> None:
    target = warehouse.target
    try:
        warehouse.execute("select 1")
    except WarehouseError as exc:
        raise WarehouseUnavailable(
            f"`select 1` failed on target {target.target_name!r} of profile {target.profile_name!r} "
            f"({target.adapter_type}): {exc.message}",
            remedy=f"Check the target's connection settings in {target.profiles_path} and that the "
            "database is running.",
        ) from exc


def _fetch(cursor: Any, limit: int | None) -> list[tuple[Value, ...]]:
    if limit is None or not hasattr(cursor, "fetchmany"):  # dbt-spark's session cursor has only fetchall
        rows = cursor.fetchall() or []
        return [tuple(row) for row in (rows if limit is None else rows[:max(limit, 0)])]
    if limit <= 0:
        return []
    return [tuple(row) for row in cursor.fetchmany(limit)]

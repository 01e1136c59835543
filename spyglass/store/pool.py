"""A small thread-safe pool of database connections shared by the store's backends."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from spyglass.exceptions import StoreError

C = TypeVar("C")


class ConnectionPool(Generic[C]):
    """Lends at most ``max_size`` connections at once; a borrower past that waits for a free one.

    Connections are made on demand by ``connect``, reused while ``usable`` says so, and closed by
    ``close_one`` when broken or when the pool closes. Any thread may borrow any connection.
    """

    def __init__(
        self,
        connect: Callable[[], C],
        close_one: Callable[[C], None],
        usable: Callable[[C], bool],
        *,
        max_size: int,
    ) -> None:
        self._connect = connect
        self._close_one = close_one
        self._usable = usable
        self._slots = threading.BoundedSemaphore(max_size)
        self._lock = threading.Lock()
        self._idle: list[C] = []
        self._closed = False

    @contextmanager
    def borrow(self) -> Iterator[C]:
        """A connection for the duration of the block (kept only if still usable afterwards)."""
        with self._slots:
            connection = self._checkout()
            try:
                yield connection
            finally:
                self._checkin(connection)

    def close(self) -> None:
        """Close the idle connections now, and every lent one when it comes back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            self._close_one(connection)

    def _checkout(self) -> C:
        with self._lock:
            if self._closed:
                raise StoreError("The Spyglass store was closed.", remedy="Open the store again.")
            if self._idle:
                return self._idle.pop()
        return self._connect()

    def _checkin(self, connection: C) -> None:
        with self._lock:
            if not self._closed and self._usable(connection):
                self._idle.append(connection)
                return
        self._close_one(connection)

from __future__ import annotations

import threading
import time

import pytest

from spyglass.exceptions import StoreError
from spyglass.store.pool import ConnectionPool


class Connections:
    """Real (if trivial) connection objects: numbered, with an open flag."""

    def __init__(self) -> None:
        self.made: list[dict[str, object]] = []

    def connect(self) -> dict[str, object]:
        connection: dict[str, object] = {"id": len(self.made), "open": True}
        self.made.append(connection)
        return connection

    @staticmethod
    def close(connection: dict[str, object]) -> None:
        connection["open"] = False

    @staticmethod
    def usable(connection: dict[str, object]) -> bool:
        return connection["open"] is True


def pool_of(connections: Connections, size: int) -> ConnectionPool[dict[str, object]]:
    return ConnectionPool(connections.connect, connections.close, connections.usable, max_size=size)


def test_connections_are_made_on_demand_and_reused() -> None:
    connections = Connections()
    pool = pool_of(connections, 4)

    with pool.borrow() as first:
        pass
    with pool.borrow() as second:
        assert second is first

    assert len(connections.made) == 1


def test_a_broken_connection_is_not_lent_again() -> None:
    connections = Connections()
    pool = pool_of(connections, 4)

    with pool.borrow() as first:
        connections.close(first)
    with pool.borrow() as second:
        assert second is not first


def test_borrowers_past_the_limit_wait_for_a_free_connection() -> None:
    connections = Connections()
    pool = pool_of(connections, 2)
    in_use, peak, lock = [0], [0], threading.Lock()

    def borrow() -> None:
        with pool.borrow():
            with lock:
                in_use[0] += 1
                peak[0] = max(peak[0], in_use[0])
            time.sleep(0.01)
            with lock:
                in_use[0] -= 1

    threads = [threading.Thread(target=borrow) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert peak[0] == 2
    assert len(connections.made) == 2


def test_closing_closes_idle_and_returning_connections() -> None:
    connections = Connections()
    pool = pool_of(connections, 2)
    with pool.borrow():
        pass

    with pool.borrow() as lent:
        pool.close()
        assert lent["open"] is True  # not pulled from under its borrower
    assert [c["open"] for c in connections.made] == [False]
    with pytest.raises(StoreError), pool.borrow():
        pass

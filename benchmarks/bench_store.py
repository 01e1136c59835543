"""The Spyglass store under a webhook burst and a large merge-request list (SQLite, or PostgreSQL when
``SPYGLASS_DATABASE_URL`` is set).

Measures, as the median of several runs in this process:

* webhook burst: ``--events`` deliveries, every one sent twice (GitLab retries), from ``--threads``
  threads through ``Store.record_webhook_event``; baseline: the same inserts through one bare driver
  connection (``sqlite3`` or ``psycopg2``; insert-or-ignore, one commit per row) from one thread;
* MR list: ``Store.tracked`` of ``--mrs`` tracked merge requests; baseline: a bare ``sqlite3`` ``SELECT``
  of the same rows (what building the records costs over reading them).

Prints seconds, deliveries per second and the ratios. ``python -m benchmarks store -- --events 2000``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from spyglass.gitlab.tracking import seen
from spyglass.store import Store

TARGET_EVENTS_PER_SECOND = 500.0
TARGET_LIST_SECONDS = 0.1


def _median(runs: int, work: Callable[[], float]) -> float:
    return statistics.median(work() for _ in range(runs))


def _environ(directory: Path) -> dict[str, str]:
    environ = {"SPYGLASS_HOME": str(directory / "home")}
    if os.environ.get("SPYGLASS_DATABASE_URL"):
        environ["SPYGLASS_DATABASE_URL"] = os.environ["SPYGLASS_DATABASE_URL"]
    return environ


def _burst_store(directory: Path, events: int, threads: int, run: int) -> float:
    keys = [f"run{run}-delivery-{n}" for n in range(events)] * 2
    chunks = [keys[n::threads] for n in range(threads)]
    with Store.open(_environ(directory)) as store:

        def deliver(chunk: list[str]) -> None:
            for key in chunk:
                store.record_webhook_event(key, event="Merge Request Hook", project="g/p", iid=1, action="update")

        workers = [threading.Thread(target=deliver, args=(chunk,)) for chunk in chunks]
        start = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return time.perf_counter() - start


def _burst_baseline(directory: Path, events: int, run: int) -> float:
    """The same deliveries through one bare driver connection, one thread, one commit each."""
    url = os.environ.get("SPYGLASS_DATABASE_URL", "")
    if url:
        import psycopg2  # type: ignore[import-untyped]

        connection = psycopg2.connect(url)
        insert = ("INSERT INTO bench_events (key, event, project, iid, action, received_at) "
                  "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (key) DO NOTHING")
        ddl = "CREATE TEMPORARY TABLE bench_events"
    else:
        connection = sqlite3.connect(directory / f"baseline-{run}.db")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        insert = ("INSERT INTO bench_events (key, event, project, iid, action, received_at) "
                  "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING")
        ddl = "CREATE TABLE bench_events"
    cursor = connection.cursor()
    cursor.execute(f"{ddl} (id SERIAL, key TEXT UNIQUE, event TEXT, project TEXT, iid INTEGER, action TEXT, "
                   "received_at TEXT)")
    connection.commit()
    keys = [f"delivery-{n}" for n in range(events)] * 2
    start = time.perf_counter()
    for key in keys:
        cursor.execute(insert, (key, "Merge Request Hook", "g/p", 1, "update", "now"))
        connection.commit()
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def _list_seconds(directory: Path, mrs: int, runs: int) -> tuple[float, float]:
    with Store.open(_environ(directory)) as store:
        for iid in range(mrs):
            store.change_merge_request("bench/list", iid, seen("bench/list", iid, title=f"MR {iid}", state="opened",
                                                               head_sha=f"{iid:040x}"))
        tracked_seconds = _median(runs, lambda: _timed(lambda: store.tracked("bench/list")))
    connection = sqlite3.connect(directory / "list.db")
    connection.execute("CREATE TABLE mrs (project TEXT, iid INTEGER, title TEXT, head_sha TEXT, "
                       "PRIMARY KEY (project, iid))")
    connection.executemany("INSERT INTO mrs VALUES (?, ?, ?, ?)",
                           [("bench/list", i, f"MR {i}", f"{i:040x}") for i in range(mrs)])
    connection.commit()
    select = "SELECT * FROM mrs WHERE project = ? ORDER BY iid"
    baseline_seconds = _median(runs, lambda: _timed(lambda: connection.execute(select, ("bench/list",)).fetchall()))
    connection.close()
    return tracked_seconds, baseline_seconds


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks store")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--mrs", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spyglass-bench-store-") as folder:
        directory = Path(folder)
        runs = iter(range(10_000))
        store_seconds = _median(args.runs, lambda: _burst_store(directory, args.events, args.threads, next(runs)))
        base_seconds = _median(args.runs, lambda: _burst_baseline(directory, args.events, next(runs)))
        tracked_seconds, select_seconds = _list_seconds(directory, args.mrs, args.runs)
    deliveries = 2 * args.events
    rate = deliveries / store_seconds
    print(f"webhook burst: {deliveries} deliveries ({args.events} unique) from {args.threads} threads")
    print(f"  store    {store_seconds:8.3f} s  {rate:8.0f}/s  (target >= {TARGET_EVENTS_PER_SECOND:.0f}/s: "
          f"{'ok' if rate >= TARGET_EVENTS_PER_SECOND else 'MISSED'})")
    driver = "psycopg2" if os.environ.get("SPYGLASS_DATABASE_URL") else "sqlite3"
    print(f"  baseline {base_seconds:8.3f} s  {deliveries / base_seconds:8.0f}/s  (bare {driver}, one thread)")
    print(f"  ratio store/baseline: {store_seconds / base_seconds:.2f}")
    print(f"MR list: tracked() of {args.mrs} merge requests")
    print(f"  store    {tracked_seconds * 1000:8.1f} ms  (target <= {TARGET_LIST_SECONDS * 1000:.0f} ms: "
          f"{'ok' if tracked_seconds <= TARGET_LIST_SECONDS else 'MISSED'})")
    print(f"  baseline {select_seconds * 1000:8.1f} ms  (bare SELECT)")
    print(f"  ratio store/baseline: {tracked_seconds / select_seconds:.2f}")

"""Warehouse layer costs on DuckDB, each against a baseline measured in the same run.

1. Per-query overhead: ``DbtWarehouse.execute("select 1")`` against the same statement on a raw
   ``duckdb`` cursor.
2. Concurrency: ``execute_many`` of one aggregate per table (the row-count/profile pattern) against
   the same statements run one after another through ``execute``.
3. Cancellation latency: seconds from ``CancelToken.cancel()`` to ``Cancelled`` for a query that
   would run for minutes.

``python -m benchmarks warehouse -- [--rows N] [--tables T] [--threads K]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import yaml

from spyglass.exceptions import Cancelled
from spyglass.settings import ProjectSettings
from spyglass.warehouse.base import CancelToken
from spyglass.warehouse.dbt import DbtWarehouse, open_warehouse

LONG_QUERY = "select count(*) from range(1000000000) as a(x), range(1000000000) as b(y) where a.x + b.y = -1"


def _prepare(directory: Path, rows: int, tables: int, threads: int) -> ProjectSettings:
    database = directory / "bench.duckdb"
    with duckdb.connect(str(database)) as conn:
        for i in range(tables):
            conn.execute(f"create table t{i} as select range as id, (range * 7919) % 1000003 as v "
                         f"from range({rows})")
    (directory / "dbt_project.yml").write_text(yaml.safe_dump({"name": "bench", "profile": "bench"}))
    (directory / "profiles.yml").write_text(yaml.safe_dump({"bench": {"target": "dev", "outputs": {"dev": {
        "type": "duckdb", "path": str(database), "threads": threads}}}}))
    return ProjectSettings(project_dir=directory, profiles_dir=directory)


def _best(fn: Callable[[], None], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def bench_overhead(warehouse: DbtWarehouse, n: int = 500) -> None:
    cursor = duckdb.connect(":memory:").cursor()

    def raw_loop() -> None:
        for _ in range(n):
            cursor.execute("select 1").fetchall()

    def wh_loop() -> None:
        for _ in range(n):
            warehouse.execute("select 1")

    raw_s, wh_s = _best(raw_loop), _best(wh_loop)
    print(f"per-query overhead: raw duckdb {raw_s / n * 1e6:.0f} µs, DbtWarehouse.execute {wh_s / n * 1e6:.0f} µs "
          f"(ratio {wh_s / raw_s:.1f}x; +{(wh_s - raw_s) / n * 1e6:.0f} µs per query)")


def bench_concurrency(warehouse: DbtWarehouse, tables: int) -> None:
    statements = [f"select count(distinct v), sum(v) from t{i}" for i in range(tables)]

    def sequential() -> None:
        for sql in statements:
            warehouse.execute(sql)

    def concurrent() -> None:
        results = warehouse.execute_many(statements)
        assert not any(isinstance(r, Exception) for r in results)

    seq_s, conc_s = _best(sequential), _best(concurrent)
    print(f"{tables} aggregate queries: sequential {seq_s:.2f} s, execute_many ({warehouse.threads} threads) "
          f"{conc_s:.2f} s (speed-up {seq_s / conc_s:.2f}x)")


def bench_cancel(warehouse: DbtWarehouse, repeat: int = 3) -> None:
    latencies = []
    for _ in range(repeat):
        token = CancelToken()
        fired: list[float] = []

        def fire(tok: CancelToken = token, out: list[float] = fired) -> None:
            out.append(time.perf_counter())
            tok.cancel()

        threading.Timer(0.3, fire).start()
        try:
            warehouse.execute(LONG_QUERY, cancel=token)
        except Cancelled:
            latencies.append(time.perf_counter() - fired[0])
    print(f"cancel latency: median {statistics.median(latencies) * 1000:.0f} ms over {len(latencies)} runs "
          f"(the query alone would run for minutes)")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_warehouse")
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--tables", type=int, default=8)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spyglass-bench-wh-") as tmp:
        settings = _prepare(Path(tmp), args.rows, args.tables, args.threads)
        with open_warehouse(settings) as warehouse:
            bench_overhead(warehouse)
            bench_concurrency(warehouse, args.tables)
            bench_cancel(warehouse)

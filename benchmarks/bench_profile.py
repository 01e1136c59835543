"""Profile diff on generated DuckDB data (default 1,000,000 rows x 30 columns, ~1% of rows changed).

Measured in the same run, through the same dbt-duckdb warehouse connection:

* **spyglass** - ``profile_diff`` as users run it (exact, and ``--approx``);
* **per-column** - Recce's approach: one exact query per column per side, one after the other;
* **batched** - one exact query per side over all columns.

Prints the median seconds of ``--repeat`` warm runs and each baseline's time divided by Spyglass's.
``python -m benchmarks profile -- --rows 200000`` for a quick run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.duckdb_project import DATABASE, SCHEMAS, single_model_pair, write_project
from benchmarks.timing import interleaved_medians
from spyglass.checks.base import CheckContext
from spyglass.checks.profile import ProfileDiffParams, ProfileDiffResult
from spyglass.checks.profile.run import run
from spyglass.checks.profile.sql import profile_statement
from spyglass.checks.sides import Column, Side
from spyglass.checks.sql import SqlBuilder
from spyglass.project.lineage import diff_lineage
from spyglass.project.models import ArtifactPair, Env
from spyglass.warehouse.base import CancelToken, Warehouse
from spyglass.warehouse.dbt import open_warehouse


def _columns(count: int) -> list[tuple[str, str, str]]:
    """``(name, type, expression over i)`` for ``count`` columns cycling int, double, text, date."""
    kinds = [
        ("BIGINT", "(hash(i * {k}) % 100000)::BIGINT"),
        ("DOUBLE", "((hash(i + {k}) % 1000000) / 100.0)::DOUBLE"),
        ("VARCHAR", "'v' || (hash(i - {k}) % 5000)::VARCHAR"),
        ("DATE", "DATE '2020-01-01' + ((hash(i * 7 + {k}) % 1500)::INTEGER)"),
    ]
    out = []
    for k in range(count):
        sql_type, template = kinds[k % len(kinds)]
        expr = template.format(k=k + 1)
        if k % 5 == 4:  # some nulls
            expr = f"CASE WHEN i % 13 = 0 THEN NULL ELSE {expr} END"
        out.append((f"c{k:02d}", sql_type, expr))
    return out


def _generate(warehouse: Warehouse, rows: int, columns: list[tuple[str, str, str]]) -> None:
    select = ", ".join(f"{expr} AS {name}" for name, _, expr in columns)
    changed = ", ".join(f"CASE WHEN id % 100 = 7 THEN NULL ELSE {name} END AS {name}" if k % 3 == 0 else name
                        for k, (name, _, _) in enumerate(columns))
    for schema in SCHEMAS.values():
        warehouse.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    warehouse.execute(f"CREATE OR REPLACE TABLE base.wide AS SELECT i AS id, {select} FROM range({rows}) t(i)")
    warehouse.execute(f"CREATE OR REPLACE TABLE current.wide AS SELECT id, {changed} FROM base.wide")


def _baselines(warehouse: Warehouse, columns: list[Column]) -> dict[str, Callable[[], object]]:
    sql = SqlBuilder.for_warehouse(warehouse)
    relations = [f'"{DATABASE}"."{schema}"."wide"' for schema in SCHEMAS.values()]
    sides = [Side(env=Env.BASE, from_item=sql.relation(r), columns=tuple(columns), relation=r) for r in relations]

    def per_column() -> None:
        for side in sides:
            for column in columns:
                warehouse.execute(profile_statement(side, [column], sql, approx=False).sql)

    def batched() -> None:
        for side in sides:
            warehouse.execute(profile_statement(side, columns, sql, approx=False).sql)

    return {"per-column (Recce-style), sequential": per_column, "batched, one query per side": batched}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_profile")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--columns", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="the profile's threads (concurrent queries)")
    args = parser.parse_args(argv)
    spec = _columns(args.columns)
    with tempfile.TemporaryDirectory(prefix="spyglass-bench-profile-") as tmp:
        directory = Path(tmp)
        settings = write_project(directory, args.threads)
        pair = single_model_pair("wide")
        warehouse = open_warehouse(settings)
        try:
            _report(warehouse, pair, spec, args)
        finally:
            warehouse.close()


def _report(warehouse: Warehouse, pair: ArtifactPair, spec: list[tuple[str, str, str]],
            args: argparse.Namespace) -> None:
    started = time.perf_counter()
    _generate(warehouse, args.rows, spec)
    print(f"generated {args.rows:,} rows x {args.columns + 1} columns per side "
          f"in {time.perf_counter() - started:.1f} s (threads={args.threads})", flush=True)
    ctx = CheckContext(artifacts=pair, lineage=diff_lineage(pair), warehouse=warehouse, cancel=CancelToken())
    columns = [Column("id", "BIGINT")] + [Column(name, kind) for name, kind, _ in spec]
    _check(run(ProfileDiffParams(model="wide"), ctx), args.columns + 1)
    actions: dict[str, Callable[[], object]] = {
        "spyglass profile_diff (exact)": lambda: run(ProfileDiffParams(model="wide"), ctx),
        **_baselines(warehouse, columns),
        "spyglass profile_diff --approx": lambda: run(ProfileDiffParams(model="wide", approx=True), ctx),
    }
    timings = interleaved_medians(actions, args.repeat)
    reference = timings["spyglass profile_diff (exact)"]
    print(f"{'approach':<42} {'seconds':>8} {'vs spyglass exact':>18}")
    for name, seconds in timings.items():
        print(f"{name:<42} {seconds:>8.2f} {seconds / reference:>17.2f}x")


def _check(result: ProfileDiffResult, expected_columns: int) -> None:
    """Sanity: every column profiled, and the changed third of them detected."""
    if len(result.columns) != expected_columns or not result.mismatch:
        raise SystemExit(f"unexpected profile result: {result.headline}")
    print(f"spyglass result: {result.headline}", flush=True)

"""Value diff on Spark local (dbt-spark ``method: session``) against the hand-written join, same session.

Data: ``--rows`` base rows (default 10,000,000) x (BIGINT id + 10 mixed-type columns), Parquet tables
in two schemas of one local metastore, the same values and change set as ``bench_value_diff`` (~1%
removed, ~1% added, ~1% changed in two columns), written in Spark SQL. In ONE Spark session (the driver
JVM ``local[--cores]`` with ``--driver-memory``), alternating, ``--repeat`` warm runs of:

* **hand-written** - one FULL OUTER JOIN on the key with a mismatch count per column, nothing else;
* **spyglass** - ``value_diff`` as users run it (key check, the SPARK dialect's declared form, per-column
  counts and example keys; without the segments query, as ``bench_value_diff``), figures checked equal
  to the hand-written query's.

Prints the medians and the ratio, then the peak RSS of this Python process (``getrusage``) and of the
driver JVM (``VmHWM``; Spark's work happens there). Needs pyspark and Java 17 (``pip install
'spyglass[spark]'``). ``python -m benchmarks spark -- --rows 100000 --repeat 1`` for a quick run.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from benchmarks.bench_scale_value_diff import load_average
from benchmarks.bench_value_diff import hand_written_sql as duckdb_hand_written_sql
from benchmarks.duckdb_project import DATABASE
from benchmarks.duckdb_project import SCHEMAS as SCHEMAS_DUCKDB
from benchmarks.timing import interleaved_medians
from spyglass.checks.base import CheckContext
from spyglass.checks.value_diff import ValueDiffParams
from spyglass.checks.value_diff.run import run
from spyglass.project.lineage import diff_lineage
from spyglass.project.models import ArtifactPair, Artifacts, Env, Manifest, ManifestMetadata, Node, ResourceType
from spyglass.settings import ProjectSettings
from spyglass.warehouse.base import CancelToken, Warehouse
from spyglass.warehouse.dbt import open_warehouse
from spyglass.warehouse.spark import session_parameters

CATALOG = "spark_catalog"
SCHEMAS = {Env.BASE: "bench_base", Env.CURRENT: "bench_current"}
#: the value diff alone, as bench_value_diff measures it (without the "where the changes are" query)
PARAMS = ValueDiffParams(model="t", primary_key="id", segments=False)

_BASE_SELECT = """SELECT id, (id * 7) % 1000 AS c1, CAST((id * 13) % 100000 AS BIGINT) AS c2,
    CAST((id % 997) / 7.0 AS DOUBLE) AS c3, concat('txt', CAST(id % 5000 AS STRING)) AS c4,
    date_add(DATE '2020-01-01', CAST(id % 3000 AS INT)) AS c5, (id % 2 = 0) AS c6,
    CAST((id * 3) % 77 AS DECIMAL(10, 2)) AS c7,
    CASE WHEN id % 10 = 0 THEN NULL ELSE concat('v', CAST(id % 123 AS STRING)) END AS c8,
    CAST(id % 100000 AS INT) AS c9, md5(CAST(id % 1000 AS STRING)) AS c10
FROM range({rows})"""
_CURRENT_SELECT = """SELECT id, CASE WHEN id % 100 = 2 THEN c1 + 1 ELSE c1 END AS c1, c2, c3, c4, c5, c6, c7,
    CASE WHEN id % 100 = 2 THEN 'changed' ELSE c8 END AS c8, c9, c10
FROM {base} WHERE id % 100 <> 1
UNION ALL
SELECT {rows} + id, 1, 2, 3.0, 'x', DATE '2021-01-01', true, 1.5, 'n', 4, 'z' FROM range({added})"""


def _relation(env: Env) -> str:
    return f"`{CATALOG}`.`{SCHEMAS[env]}`.`t`"


def write_spark_project(directory: Path, cores: str, driver_memory: str) -> ProjectSettings:
    """profiles.yml (a local Spark session whose files stay under ``directory``) and dbt_project.yml."""
    parameters = {**session_parameters(directory, cores=cores), "spark.driver.memory": driver_memory,
                  "spark.ui.showConsoleProgress": "false"}
    lines = "".join(f"        {key}: '{value}'\n" for key, value in parameters.items())
    (directory / "profiles.yml").write_text(
        "bench:\n  target: dev\n  outputs:\n    dev:\n      type: spark\n      method: session\n      host: NA\n"
        f"      schema: {SCHEMAS[Env.BASE]}\n      threads: 1\n      server_side_parameters:\n{lines}")
    (directory / "dbt_project.yml").write_text("name: bench\nprofile: bench\nversion: '1.0'\n")
    return ProjectSettings(project_dir=directory, profiles_dir=directory)


def spark_pair() -> ArtifactPair:
    """Base and current manifests holding table model ``t`` in the two Spark schemas."""
    def side(env: Env) -> Artifacts:
        node = Node(unique_id="model.bench.t", name="t", resource_type=ResourceType.MODEL, package_name="bench",
                    database=CATALOG, schema=SCHEMAS[env], alias="t", relation_name=_relation(env),
                    materialized="table")
        metadata = ManifestMetadata(dbt_version="1.11.0", schema_version=12, generated_at="", adapter_type="spark")
        manifest = Manifest(path="<bench>", metadata=metadata, nodes={node.unique_id: node}, parent_map={},
                            child_map={})
        return Artifacts(env=env, manifest=manifest, catalog=None)

    return ArtifactPair(base=side(Env.BASE), current=side(Env.CURRENT))


def generate(warehouse: Warehouse, rows: int) -> None:
    for schema in SCHEMAS.values():
        warehouse.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        warehouse.execute(f"DROP TABLE IF EXISTS {schema}.t")
    warehouse.execute(f"CREATE TABLE {SCHEMAS[Env.BASE]}.t USING parquet AS " + _BASE_SELECT.format(rows=rows))
    warehouse.execute(f"CREATE TABLE {SCHEMAS[Env.CURRENT]}.t USING parquet AS "
                      + _CURRENT_SELECT.format(base=_relation(Env.BASE), rows=rows, added=rows // 100))


def hand_written_sql() -> str:
    """The baseline: ``bench_value_diff``'s one FULL OUTER JOIN, in Spark SQL on this benchmark's tables."""
    tree = sqlglot.parse_one(duckdb_hand_written_sql(), read="duckdb")
    tables = {f"{DATABASE}.{SCHEMAS_DUCKDB[env]}.t": f"{CATALOG}.{SCHEMAS[env]}.t" for env in Env}
    return exp.replace_tables(tree, tables).sql("spark", comments=False)


def figures(warehouse: Warehouse, ctx: CheckContext) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(spyglass's, the hand-written query's) row counts and per-column mismatches."""
    result = run(PARAMS, ctx)
    mine = (result.base_rows, result.current_rows, *(c.mismatched for c in result.columns))
    return mine, tuple(int(str(v)) for v in warehouse.execute(hand_written_sql()).rows[0])


def jvm_peak_rss_mb() -> float | None:
    """The driver JVM's peak RSS (``VmHWM``), None when it cannot be read (pyspark's gateway process)."""
    from pyspark import SparkContext

    gateway: Any = SparkContext._gateway
    process = getattr(gateway, "proc", None)
    status = Path(f"/proc/{process.pid}/status") if process is not None else None
    if status is None or not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def measure(directory: Path, args: argparse.Namespace) -> None:
    settings = write_spark_project(directory, args.cores, args.driver_memory)
    warehouse = open_warehouse(settings)
    try:
        started = time.perf_counter()
        generate(warehouse, args.rows)
        print(f"{args.rows:,} rows x 11 columns per side, generated in {time.perf_counter() - started:.1f} s "
              f"(local[{args.cores}], driver memory {args.driver_memory}; {load_average()})", flush=True)
        pair = spark_pair()
        ctx = CheckContext(artifacts=pair, lineage=diff_lineage(pair), warehouse=warehouse, cancel=CancelToken())
        mine, theirs = figures(warehouse, ctx)  # also the warm-up
        if mine != theirs:
            raise SystemExit(f"figures differ: spyglass {mine} vs hand-written {theirs}")
        medians = interleaved_medians(
            {"baseline": lambda: warehouse.execute(hand_written_sql()),
             "spyglass": lambda: run(PARAMS, ctx)}, args.repeat, warm_up=False)
        jvm = jvm_peak_rss_mb()
    finally:
        warehouse.close()
    print(f"  figures agree: {mine}")
    print(f"  hand-written FULL OUTER JOIN   {medians['baseline']:>8.2f} s")
    print(f"  spyglass value_diff            {medians['spyglass']:>8.2f} s   ratio "
          f"{medians['spyglass'] / medians['baseline']:.2f}x (median of {args.repeat}; {load_average()})")
    python_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS: Python {python_mb:,.0f} MB, driver JVM "
          f"{'unknown' if jvm is None else f'{jvm:,.0f} MB'}", flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks spark")
    parser.add_argument("--rows", type=int, default=10_000_000, help="base rows (default 10,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs of each, alternating (default 3)")
    parser.add_argument("--cores", default="2", help="local[N] (default 2)")
    parser.add_argument("--driver-memory", default="2g", help="spark.driver.memory (default 2g)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spyglass-bench-spark-") as tmp:
        measure(Path(tmp), args)


if __name__ == "__main__":
    main(sys.argv[1:])

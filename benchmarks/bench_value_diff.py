"""Value diff on generated DuckDB data: Spyglass against a hand-written single FULL OUTER JOIN.

Data: ``--rows`` base rows (default 1,000,000 and 10,000,000) x (BIGINT id + 10 mixed-type columns);
current has ~1% of rows removed, ~1% added and ~1% changed. Measured in the same run, through the same
dbt-duckdb warehouse:

* **spyglass** - ``value_diff`` as users run it (column discovery, the one join with in-pass key
  validation, per-column counts and example keys);
* **spyglass two-step** - the same check forced into its two-step form (key + row-hash join, then
  columns on changed keys), to choose ``Dialect.value_diff_two_step`` by measurement;
* **hand-written** - one FULL OUTER JOIN on the key with a mismatch count per column, nothing else;
* **where the changes are** - the two-step value diff plus its segments query (``segments: true``, the
  default; the lines above run without it), against the same diff without it, both with a catalog (so
  that integer and boolean columns are grouped too: 7 of the 10 columns), the extra cost relative to the
  diff alone.

Prints the median seconds of ``--repeat`` warm, interleaved runs and the ratio (target <= 1.3x), then the peak RSS
of one cold run of each in its own subprocess (``VmHWM``): Spyglass must add no more than ~200 MB.
``python -m benchmarks value_diff -- --rows 200000`` for a quick run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.duckdb_project import DATABASE, SCHEMAS, single_model_pair, write_project
from benchmarks.timing import interleaved_medians
from spyglass.checks.base import CheckContext
from spyglass.checks.value_diff import ValueDiffParams, ValueDiffResult
from spyglass.checks.value_diff.run import run
from spyglass.project.lineage import diff_lineage
from spyglass.project.models import ArtifactPair, Catalog, CatalogColumn, CatalogTable
from spyglass.settings import ProjectSettings
from spyglass.warehouse.base import CancelToken, Warehouse
from spyglass.warehouse.dbt import DbtWarehouse, open_warehouse

COLUMNS = [f"c{i}" for i in range(1, 11)]

_BASE_SELECT = """SELECT i::BIGINT AS id, (i * 7) % 1000 AS c1, ((i * 13) % 100000)::BIGINT AS c2,
    ((i % 997) / 7.0)::DOUBLE AS c3, 'txt' || (i % 5000) AS c4, DATE '2020-01-01' + (i % 3000)::INTEGER AS c5,
    (i % 2 = 0) AS c6, ((i * 3) % 77)::DECIMAL(10, 2) AS c7,
    CASE WHEN i % 10 = 0 THEN NULL ELSE 'v' || (i % 123) END AS c8, (i % 100000)::INTEGER AS c9,
    md5((i % 1000)::VARCHAR) AS c10
FROM range({rows}) t(i)"""
# ~1% removed (id % 100 = 1), ~1% changed in two columns (id % 100 = 2), ~1% added (new ids)
_CURRENT_SELECT = """SELECT id, CASE WHEN id % 100 = 2 THEN c1 + 1 ELSE c1 END AS c1, c2, c3, c4, c5, c6, c7,
    CASE WHEN id % 100 = 2 THEN 'changed' ELSE c8 END AS c8, c9, c10
FROM base.t WHERE id % 100 <> 1
UNION ALL
SELECT ({rows} + i)::BIGINT, 1, 2, 3.0, 'x', DATE '2021-01-01', true, 1.5, 'n', 4, 'z' FROM range({rows} // 100) t(i)"""


def _generate(warehouse: Warehouse, rows: int) -> None:
    for schema in SCHEMAS.values():
        warehouse.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    warehouse.execute("CREATE OR REPLACE TABLE base.t AS " + _BASE_SELECT.format(rows=rows))
    warehouse.execute('CREATE OR REPLACE TABLE "current".t AS ' + _CURRENT_SELECT.format(rows=rows))


def hand_written_sql() -> str:
    """The baseline: one FULL OUTER JOIN on the key, one mismatch count per column, nothing else."""
    both = "b.id IS NOT NULL AND c.id IS NOT NULL"
    counts = ",\n  ".join(f"SUM(CASE WHEN {both} AND b.{c} IS DISTINCT FROM c.{c} THEN 1 ELSE 0 END) AS {c}"
                          for c in COLUMNS)
    return (f"SELECT COUNT(b.id) AS base_rows, COUNT(c.id) AS current_rows,\n  {counts}\n"
            f'FROM "{DATABASE}".base.t AS b FULL OUTER JOIN "{DATABASE}"."current".t AS c ON b.id = c.id')


def _spyglass(ctx: CheckContext, two_step: bool = False, assume_unique_key: bool = False,
             segments: bool = False) -> ValueDiffResult:
    return run(ValueDiffParams(model="t", primary_key="id", two_step=two_step,
                               assume_unique_key=assume_unique_key, segments=segments), ctx)


def _context(warehouse: Warehouse, pair: ArtifactPair) -> CheckContext:
    return CheckContext(artifacts=pair, lineage=diff_lineage(pair), warehouse=warehouse, cancel=CancelToken())


def _with_catalog(pair: ArtifactPair, warehouse: Warehouse) -> ArtifactPair:
    """``pair`` with a catalog per side read from information_schema, as ``dbt docs generate`` writes it."""
    sides = []
    for artifacts in (pair.base, pair.current):
        tables = {}
        for uid, node in artifacts.manifest.nodes.items():
            found = warehouse.execute("SELECT column_name, data_type, ordinal_position FROM information_schema.columns "
                                      f"WHERE table_schema = '{node.schema}' AND table_name = '{node.alias}'")
            columns = tuple(CatalogColumn(name=str(n), type=str(t), index=int(str(i))) for n, t, i in found.rows)
            tables[uid] = CatalogTable(unique_id=uid, columns=columns)
        catalog = Catalog(path="<bench catalog>", generated_at="", tables=tables)
        sides.append(dataclasses.replace(artifacts, catalog=catalog))
    return ArtifactPair(base=sides[0], current=sides[1])


def _check(result: ValueDiffResult, baseline: tuple[object, ...]) -> None:
    """Sanity: Spyglass's figures equal the hand-written query's."""
    mine = (result.base_rows, result.current_rows, *(c.mismatched for c in result.columns))
    if mine != tuple(int(v) for v in baseline):  # type: ignore[call-overload]
        raise SystemExit(f"figures differ: spyglass {mine} vs hand-written {baseline}")
    print(f"  spyglass result: {result.headline}", flush=True)


def _settle(directory: Path) -> None:
    """Checkpoint the database file, so that each RSS child measures its query, not a WAL replay."""
    import duckdb

    connection = duckdb.connect(str(directory / (DATABASE + ".duckdb")))
    try:
        connection.execute("CHECKPOINT")
    finally:
        connection.close()
    for wal in directory.glob("*.wal"):
        print(f"  (warning: {wal.name} is still {wal.stat().st_size:,} bytes)")


def _peak_rss_mb(directory: Path, mode: str) -> float:
    """Peak RSS of one cold run in a fresh interpreter (``--child MODE``)."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_value_diff", "--child", mode,
                          "--dir", str(directory)], check=True, capture_output=True, text=True).stdout
    return float(json.loads(out.strip().splitlines()[-1])["peak_rss_mb"])


def _child(directory: Path, mode: str) -> None:
    """Open the warehouse, run one value diff (``spyglass``) or the baseline query, print peak RSS."""
    warehouse = open_warehouse(ProjectSettings(project_dir=directory, profiles_dir=directory))
    try:
        if mode in ("spyglass", "two-step"):
            _spyglass(_context(warehouse, single_model_pair("t")), two_step=mode == "two-step")
        else:
            warehouse.execute(hand_written_sql())
    finally:
        warehouse.close()
    print(json.dumps({"peak_rss_mb": _peak_rss_kb() / 1024}))


def _peak_rss_kb() -> int:
    """This process's peak RSS. ``VmHWM`` where /proc has it: ``ru_maxrss`` survives exec on Linux, so a
    child started from a big parent would report the parent's size."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _one_size(directory: Path, rows: int, args: argparse.Namespace) -> None:
    settings = write_project(directory, args.threads)
    pair = single_model_pair("t")
    warehouse: DbtWarehouse = open_warehouse(settings)
    try:
        started = time.perf_counter()
        _generate(warehouse, rows)
        print(f"{rows:,} rows x 11 columns per side, generated in {time.perf_counter() - started:.1f} s "
              f"(threads={args.threads})", flush=True)
        ctx = _context(warehouse, pair)
        baseline = warehouse.execute(hand_written_sql()).rows[0]
        _check(_spyglass(ctx), baseline)  # also the warm-up
        _check(_spyglass(ctx, two_step=True), baseline)
        typed = _context(warehouse, _with_catalog(pair, warehouse))
        segments = _spyglass(typed, two_step=True, segments=True)
        print(f"  where the changes are: {len(segments.segments)} segment(s) over "
              f"{', '.join(segments.segment_columns)}", flush=True)
        medians = interleaved_medians({"baseline": lambda: warehouse.execute(hand_written_sql()),
                                        "spyglass": lambda: _spyglass(ctx),
                                        "two-step": lambda: _spyglass(ctx, two_step=True),
                                        "assumed": lambda: _spyglass(ctx, two_step=True, assume_unique_key=True),
                                        "typed": lambda: _spyglass(typed, two_step=True),
                                        "segments": lambda: _spyglass(typed, two_step=True, segments=True)},
                                       args.repeat,
                                       warm_up=False)
    finally:
        warehouse.close()
    theirs = medians["baseline"]
    print(f"  {'hand-written single FULL OUTER JOIN':<42} {theirs:>7.2f} s")
    # the default checks the key's uniqueness first (one GROUP BY per side); assume_unique_key skips it
    for name, label in (("spyglass", "spyglass value_diff (single join)"),
                        ("two-step", "spyglass value_diff (two-step form)"),
                        ("assumed", "two-step, assume_unique_key")):
        print(f"  {label:<42} {medians[name]:>7.2f} s   ratio {medians[name] / theirs:.2f}x (target <= 1.3x)")
    extra = medians["segments"] - medians["typed"]
    print(f"  {'two-step with a catalog':<42} {medians['typed']:>7.2f} s")
    print(f"  {'  + where the changes are':<42} {medians['segments']:>7.2f} s   segments query "
          f"+{extra:.2f} s = {extra / medians['typed']:.2f}x the diff alone")
    _settle(directory)
    rss = {mode: _peak_rss_mb(directory, mode) for mode in ("baseline", "spyglass", "two-step")}
    print(f"  peak RSS: hand-written {rss['baseline']:,.1f} MB; spyglass single join {rss['spyglass']:,.1f} MB "
          f"({rss['spyglass'] - rss['baseline']:+,.1f} MB); two-step {rss['two-step']:,.1f} MB "
          f"({rss['two-step'] - rss['baseline']:+,.1f} MB) (target <= +200 MB)", flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_value_diff")
    parser.add_argument("--rows", type=int, action="append", help="base rows (repeatable); "
                        "default: 1,000,000 and 10,000,000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2, help="the profile's threads")
    parser.add_argument("--child", choices=["spyglass", "two-step", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.dir, args.child)
        return
    for rows in args.rows or [1_000_000, 10_000_000]:
        with tempfile.TemporaryDirectory(prefix="spyglass-bench-value-diff-") as tmp:
            _one_size(Path(tmp), rows, args)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Value diff at scale on DuckDB under a memory limit: it must finish by spilling, never be killed.

Data: ``--rows`` base rows (default 50,000,000) x (BIGINT id + 10 mixed-type columns), the same
generator as ``bench_value_diff`` (~1% removed, ~1% added, ~1% changed). The dbt-duckdb profile sets
``memory_limit`` (``--memory-limit``, default 2GB) and a ``temp_directory`` through its ``settings``, as a
user on a small CI runner would. Each query runs cold in its own interpreter (so that one process's
peak RSS is that query's, read with ``resource.getrusage``), alternating, ``--repeat`` times:

* **hand-written** - one FULL OUTER JOIN on the key with a mismatch count per column, nothing else;
* **spyglass** - ``value_diff`` as users run it (key check, the dialect's declared form, per-column
  counts and example keys; without the segments query, as ``bench_value_diff``), figures checked equal
  to the hand-written query's;
* **key scan skipped** - the same with ``assume_unique_key`` (as when dbt's ``unique`` test passed).

Prints the median seconds and the ratio, peak RSS, and the most the temp directory held meanwhile
(what was spilled). A query killed (e.g. for memory) fails the benchmark. ``python -m benchmarks
scale_value_diff -- --rows 1000000 --memory-limit 200MB`` for a quick run; the full size takes minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.duckdb_project import DATABASE, single_model_pair

MODES = ("baseline", "spyglass", "assumed")


@dataclass(frozen=True)
class Measured:
    """One cold run in a child interpreter."""

    seconds: float
    peak_rss_mb: float
    spilled_mb: float
    figures: tuple[int, ...]


def write_limited_project(directory: Path, threads: int, memory_limit: str) -> Path:
    """profiles.yml (memory_limit and temp_directory through dbt-duckdb's ``settings``) and
    dbt_project.yml in ``directory``; returns the temp directory."""
    spill = directory / "spill"
    spill.mkdir(exist_ok=True)
    (directory / "profiles.yml").write_text(
        f"bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {directory / (DATABASE + '.duckdb')}\n      threads: {threads}\n"
        f"      settings:\n        memory_limit: '{memory_limit}'\n        temp_directory: '{spill}'\n")
    (directory / "dbt_project.yml").write_text("name: bench\nprofile: bench\nversion: '1.0'\n")
    return spill


def _peak_rss_mb() -> float:
    """This process's peak RSS (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(directory: Path, mode: str, rows: int) -> None:
    """In a fresh interpreter: generate the data (``generate``) or run one query, print JSON."""
    from benchmarks.bench_value_diff import _generate, hand_written_sql
    from spyglass.checks.base import CheckContext
    from spyglass.checks.value_diff import ValueDiffParams
    from spyglass.checks.value_diff.run import run
    from spyglass.project.lineage import diff_lineage
    from spyglass.settings import ProjectSettings
    from spyglass.warehouse.base import CancelToken
    from spyglass.warehouse.dbt import open_warehouse

    warehouse = open_warehouse(ProjectSettings(project_dir=directory, profiles_dir=directory))
    try:
        limit = str(warehouse.execute("SELECT current_setting('memory_limit')").rows[0][0])
        started = time.perf_counter()
        figures: tuple[int, ...] = ()
        if mode == "generate":
            _generate(warehouse, rows)
            warehouse.execute("CHECKPOINT")
        elif mode in ("spyglass", "assumed"):
            pair = single_model_pair("t")
            ctx = CheckContext(artifacts=pair, lineage=diff_lineage(pair), warehouse=warehouse, cancel=CancelToken())
            # two_step None, segments off: the dialect's declared form, the diff alone (as bench_value_diff)
            result = run(ValueDiffParams(model="t", primary_key="id", segments=False,
                                         assume_unique_key=mode == "assumed"), ctx)
            figures = (result.base_rows, result.current_rows, *(c.mismatched for c in result.columns))
        else:
            figures = tuple(int(str(v)) for v in warehouse.execute(hand_written_sql()).rows[0])
        seconds = time.perf_counter() - started
    finally:
        warehouse.close()
    print(json.dumps({"seconds": seconds, "peak_rss_mb": _peak_rss_mb(), "figures": figures,
                      "memory_limit": limit}))


def _directory_bytes(directory: Path) -> int:
    total = 0
    for entry in os.scandir(directory):
        try:
            total += entry.stat().st_size
        except FileNotFoundError:  # a spill file removed meanwhile
            continue
    return total


def run_child(module: str, args: list[str], watch: Path) -> tuple[dict[str, object], float]:
    """Run ``python -m module args`` and parse its last stdout line as JSON; the most ``watch`` held
    meanwhile, in MB. A child killed by a signal (the OOM killer's SIGKILL) ends the benchmark."""
    process = subprocess.Popen([sys.executable, "-m", module, *args], stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parents[1])  # where ``benchmarks`` imports from
    peak = 0
    done = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not done.wait(0.2):
            peak = max(peak, _directory_bytes(watch))

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    out, _ = process.communicate()
    done.set()
    watcher.join()
    if process.returncode != 0:
        how = f"killed by signal {-process.returncode}" if process.returncode < 0 else f"exit {process.returncode}"
        raise SystemExit(f"{module} {' '.join(args)}: {how} (a query killed for memory fails the benchmark)")
    return json.loads(out.strip().splitlines()[-1]), peak / 1e6


def _measure(directory: Path, mode: str, spill: Path) -> Measured:
    data, spilled = run_child(__name__, ["--child", mode, "--dir", str(directory)], spill)
    return Measured(seconds=float(str(data["seconds"])), peak_rss_mb=float(str(data["peak_rss_mb"])),
                    spilled_mb=spilled, figures=tuple(int(str(v)) for v in data["figures"]))  # type: ignore[attr-defined]


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} cores"


def run_scale(directory: Path, rows: int, memory_limit: str, threads: int, repeat: int) -> dict[str, list[Measured]]:
    """Generate, then measure every mode ``repeat`` times, alternating; checks the figures agree."""
    spill = write_limited_project(directory, threads, memory_limit)
    started = time.perf_counter()
    generated, _ = run_child(__name__, ["--child", "generate", "--dir", str(directory), "--rows", str(rows)], spill)
    print(f"{rows:,} rows x 11 columns per side, generated in {time.perf_counter() - started:.1f} s "
          f"(memory_limit {generated['memory_limit']}, threads {threads}; {load_average()})", flush=True)
    runs: dict[str, list[Measured]] = {mode: [] for mode in MODES}
    for _ in range(repeat):
        for mode in MODES:
            runs[mode].append(_measure(directory, mode, spill))
    for mode in MODES:
        if runs[mode][0].figures != runs["baseline"][0].figures:
            raise SystemExit(f"figures differ: {mode} {runs[mode][0].figures} vs "
                             f"hand-written {runs['baseline'][0].figures}")
    return runs


def report(rows: int, runs: dict[str, list[Measured]]) -> None:
    seconds = {mode: statistics.median(m.seconds for m in ms) for mode, ms in runs.items()}
    for mode, label in (("baseline", "hand-written FULL OUTER JOIN"), ("spyglass", "spyglass value_diff"),
                        ("assumed", "  the same, key scan skipped")):
        ms = runs[mode]
        print(f"  {label:<30} {seconds[mode]:>8.2f} s  peak RSS {max(m.peak_rss_mb for m in ms):>8,.0f} MB  "
              f"spilled up to {max(m.spilled_mb for m in ms):>8,.0f} MB", flush=True)
    print(f"  ratio {seconds['spyglass'] / seconds['baseline']:.2f}x, key scan skipped "
          f"{seconds['assumed'] / seconds['baseline']:.2f}x (median of {len(runs['spyglass'])}; {rows:,} rows; "
          f"{load_average()})", flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks scale_value_diff")
    parser.add_argument("--rows", type=int, default=50_000_000, help="base rows (default 50,000,000)")
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB's memory_limit (default 2GB)")
    parser.add_argument("--repeat", type=int, default=1, help="cold runs of each, alternating (default 1)")
    parser.add_argument("--threads", type=int, default=2, help="the profile's threads")
    parser.add_argument("--child", choices=["generate", *MODES], help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.dir, args.child, args.rows)
        return
    with tempfile.TemporaryDirectory(prefix="spyglass-bench-scale-") as tmp:
        report(args.rows, run_scale(Path(tmp), args.rows, args.memory_limit, args.threads, args.repeat))


if __name__ == "__main__":
    main(sys.argv[1:])

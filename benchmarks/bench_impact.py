"""``spyglass impact`` and a full column-lineage build on a synthetic 5,000-model project, each against
the floor: parsing every model's compiled SQL once with sqlglot.

The project (:mod:`benchmarks.impact_project`) has realistic compiled SQL (CTEs, qualified columns,
joins, aggregates, ``CASE``, ``select *``, renames, window functions), catalogs on both sides and ~5% of
models changed in current (added column, changed expression, new filter, formatting only, config only).
Measured in this process, as the median of ``--runs`` interleaved rounds:

* **floor** - ``sqlglot.parse_one(compiled_code, dialect=...)`` for every model of the current manifest;
* **impact** - what ``spyglass impact --select state:modified+`` does: ``load_pair``, ``diff_lineage``,
  ``select_nodes`` and the change analysis's impact of the selected nodes;
* **columns** - the column lineage of every model on the current side, by a fresh ``ChangeAnalysis``
  (the pair loaded once beforehand);
* **cli** - ``spyglass impact --json`` end to end in a subprocess (interpreter start-up included).

Then the peak RSS of one cold run of each in its own interpreter, whether the categories are those the
changes call for, and with ``--profile`` cProfile's top functions of impact and columns.
``python -m benchmarks impact -- --models 1000 --runs 1`` for a quick run.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

import sqlglot

from benchmarks.bench_value_diff import _peak_rss_kb
from benchmarks.impact_project import write_project
from benchmarks.impact_sql import CHANGES, make_plan
from benchmarks.timing import interleaved_medians
from spyglass.checks.lineage_diff.run import selected_impact
from spyglass.project.artifacts import load_pair
from spyglass.project.change_types import NodeImpact
from spyglass.project.changes import ChangeAnalysis
from spyglass.project.lineage import LineageDiff, diff_lineage
from spyglass.project.models import ArtifactPair, Env, ResourceType
from spyglass.project.selection import select_nodes
from spyglass.project.sql_lineage import sqlglot_dialect

SELECT = "state:modified+"
#: the category each kind of change calls for
EXPECTED = {"added_column": "non_breaking", "changed_expression": "partial_breaking", "new_filter": "breaking",
            "formatting": "non_breaking", "config": "non_breaking"}
MODES = ("floor", "impact", "columns")


def _models(pair: ArtifactPair) -> list[str]:
    return [uid for uid, node in pair.current.manifest.nodes.items() if node.resource_type is ResourceType.MODEL]


def floor(pair: ArtifactPair) -> None:
    """Parse every model's compiled SQL of the current side once."""
    dialect = sqlglot_dialect(pair.current.manifest.metadata.adapter_type)
    nodes = pair.current.manifest.nodes
    for uid in _models(pair):
        sqlglot.parse_one(nodes[uid].compiled_code or "", dialect=dialect)


def impact(base_dir: Path, current_dir: Path) -> Mapping[str, NodeImpact]:
    """What ``spyglass impact --select state:modified+`` computes (without printing it)."""
    pair = load_pair(base_dir, current_dir)
    lineage = diff_lineage(pair)
    return selected_impact(ChangeAnalysis(pair, lineage), select_nodes(pair, lineage, SELECT))


def columns(pair: ArtifactPair, lineage: LineageDiff) -> int:
    """Build the column lineage of every model on the current side; the number of columns."""
    analysis = ChangeAnalysis(pair, lineage)
    return sum(len(analysis.columns(Env.CURRENT, uid).columns) for uid in _models(pair))


def cli_available() -> bool:
    return subprocess.run([sys.executable, "-m", "spyglass", "impact", "--help"], capture_output=True).returncode == 0


def run_cli(root: Path) -> str:
    return subprocess.run([sys.executable, "-m", "spyglass", "impact", "--select", SELECT, "--json",
                           "--project-dir", str(root)], check=True, capture_output=True, text=True).stdout


def agreement(report: Mapping[str, NodeImpact], models: int, seed: int) -> list[str]:
    """Per kind of change: how many of its models got the category it calls for, and what the others got."""
    got: dict[str, Counter[str]] = {kind: Counter() for kind in CHANGES}
    for plan in make_plan(models, seed).models:
        if plan.change in got:
            entry = report.get(plan.unique_id)
            category = entry.category.value if entry is not None and entry.category is not None else "none"
            got[plan.change][category] += 1
    lines = []
    for kind, counts in got.items():
        right = counts.pop(EXPECTED[kind], 0)
        others = ", ".join(f"{n} {category}" for category, n in counts.most_common())
        lines.append(f"  {kind:<19} {right}/{right + sum(counts.values())} {EXPECTED[kind]}"
                     + (f"; others: {others}" if others else ""))
    return lines


def _child(root: Path, mode: str) -> None:
    """One cold run of ``mode`` in this (fresh) interpreter; prints its peak RSS."""
    base_dir, current_dir = root / "target-base", root / "target"
    if mode == "impact":
        impact(base_dir, current_dir)
    elif mode == "floor":
        floor(load_pair(base_dir, current_dir))
    else:
        pair = load_pair(base_dir, current_dir)
        columns(pair, diff_lineage(pair))
    print(json.dumps({"peak_rss_mb": _peak_rss_kb() / 1024}))


def peak_rss_mb(root: Path, mode: str) -> float:
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_impact", "--child", mode, "--dir", str(root)],
                         check=True, capture_output=True, text=True).stdout
    return float(json.loads(out.strip().splitlines()[-1])["peak_rss_mb"])


def profile(label: str, action: Callable[[], object], top: int = 15) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(action)
    print(f"-- cProfile of {label}: top {top} by own time --")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(top)


def _cpu_seconds() -> float:
    """CPU time of this process and of its waited-for children (a subprocess's work counts)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measure(actions: Mapping[str, Callable[[], object]], runs: int) -> dict[str, tuple[float, float]]:
    """Median wall-clock and CPU seconds of each action over ``runs`` interleaved rounds (CPU time is the
    steadier figure on a shared machine)."""
    cpu: dict[str, list[float]] = {name: [] for name in actions}

    def timed(name: str, action: Callable[[], object]) -> Callable[[], object]:
        def run() -> None:
            started = _cpu_seconds()
            action()
            cpu[name].append(_cpu_seconds() - started)
        return run

    wall = interleaved_medians({name: timed(name, a) for name, a in actions.items()}, runs, warm_up=False)
    return {name: (wall[name], statistics.median(cpu[name])) for name in actions}


def _report(medians: Mapping[str, tuple[float, float]], runs: int) -> None:
    wall0, cpu0 = medians["floor"]
    labels = {"floor": "floor: parse every model's SQL once", "impact": f"spyglass impact --select {SELECT}",
              "columns": "column lineage of every model", "cli": "spyglass impact --json (subprocess)"}
    print(f"median of {runs} interleaved runs:")
    for name, (wall, cpu) in medians.items():
        ratio = "" if name == "floor" else f"   ratio {wall / wall0:.2f}x wall, {cpu / cpu0:.2f}x CPU"
        print(f"  {labels[name]:<42} {wall:>7.2f} s wall {cpu:>7.2f} s CPU{ratio}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks impact")
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-memory", action="store_true", help="skip the peak RSS runs")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 15 of impact and columns")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.dir, args.child)
        return
    with tempfile.TemporaryDirectory(prefix="spyglass-bench-impact-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        base_dir, current_dir = write_project(root, args.models, args.seed)
        pair = load_pair(base_dir, current_dir)
        lineage = diff_lineage(pair)
        size_mb = sum(f.stat().st_size for f in root.rglob("*.json")) / 1e6
        print(f"project: {args.models} models per side, {size_mb:.1f} MB of manifests and catalogs, written in "
              f"{time.perf_counter() - started:.1f} s; {len(lineage.modified)} modified, {len(lineage.added)} added, "
              f"{len(lineage.removed)} removed, {len(lineage.impacted)} downstream", flush=True)
        actions: dict[str, Callable[[], object]] = {"floor": lambda: floor(pair),
                                                    "impact": lambda: impact(base_dir, current_dir),
                                                    "columns": lambda: columns(pair, lineage)}
        if cli_available():
            actions["cli"] = lambda: run_cli(root)
        _report(measure(actions, args.runs), args.runs)
        report = impact(base_dir, current_dir)
        print("categories of the changed models:")
        print("\n".join(agreement(report, args.models, args.seed)), flush=True)
        if "cli" in actions:
            printed = [node["unique_id"] for node in json.loads(run_cli(root))["nodes"]]
            print(f"spyglass impact --json lists the same {len(printed)} nodes: {sorted(printed) == sorted(report)}")
        if not args.no_memory:
            rss = {mode: peak_rss_mb(root, mode) for mode in MODES}
            print(f"peak RSS of one cold run: floor {rss['floor']:,.0f} MB; impact {rss['impact']:,.0f} MB "
                  f"({rss['impact'] - rss['floor']:+,.0f} MB); columns {rss['columns']:,.0f} MB "
                  f"({rss['columns'] - rss['floor']:+,.0f} MB)", flush=True)
        if args.profile:
            profile("impact", lambda: impact(base_dir, current_dir))
            profile("columns", lambda: columns(pair, lineage))


if __name__ == "__main__":
    main(sys.argv[1:])

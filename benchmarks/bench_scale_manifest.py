"""A 20,000-model project: load + lineage diff + preset checks + summary, without a warehouse.

Writes a synthetic dbt 1.11 project pair to a temporary directory (``target-base/`` and ``target/``, each
a manifest and a catalog): the node dicts of ``bench_lineage`` (config, columns, raw and compiled SQL,
two generic tests per model, sources, exposures, dbt's and the project's macros) in a layered DAG of
chains and fan-in (every 50th model joins 8 parents), with ~1% of models changed in current (code
edits, materialization changes, removed and added models). Measures, interleaved, the median of
``--runs`` runs in this process:

* **floor** - bare ``json.load`` of the four files;
* **spyglass** - what ``spyglass run`` does with no warehouse check, then ``spyglass summary``: load the
  snapshot (``Session.load``: both manifests and catalogs, lineage diff), choose the default checks from
  how each node changed, run those that need no warehouse (lineage diff, schema diff), write the state
  file and render the Markdown summary from it.

Prints both and the ratio, then one run split into its stages (where the time goes) and this process's
peak RSS. ``python -m benchmarks scale_manifest -- --models 2000 --runs 3`` for a quick run.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_lineage import _exposures, _graph_maps, _model, _sources, _test, synthetic_manifest
from benchmarks.timing import interleaved_medians
from spyglass.checks.presets import load_presets
from spyglass.pipeline import checks_from_presets, needs_warehouse, run_all
from spyglass.report.markdown import render_summary
from spyglass.service import Session
from spyglass.settings import ProjectSettings
from spyglass.state.store import load_state, save_state

Json = dict[str, Any]
TYPES = ("integer", "varchar", "double", "date", "boolean", "timestamp")


def _roll(change: random.Random, changed: bool) -> str:
    """What happens to one model in current: ~0.6% code edit, 0.2% materialization, 0.1% removed."""
    roll = change.random()
    if not changed or roll >= 0.009:
        return "same"
    return "removed" if roll < 0.001 else "edited" if roll < 0.007 else "table"


def synthetic_project(models: int, seed: int, changed: bool) -> tuple[Json, Json]:
    """One side's manifest and catalog; ``changed`` applies the ~1% change set to the same DAG."""
    rng, change = random.Random(seed), random.Random(seed + 1)
    nodes: Json = {}
    sources = _sources()
    ids: list[str] = list(sources)
    schema = "dev" if changed else "prod"
    for i in range(models):
        fan_in = 8 if i % 50 == 49 else rng.randint(1, 3)
        parents = rng.sample(ids[-400:], k=min(len(ids), fan_in))
        ids.append(f"model.big.model_{i:05d}")  # the same DAG on both sides, removed nodes included
        what = _roll(change, changed)
        if what == "removed":
            continue
        node = _model(i, parents, schema, " and flag" if what == "edited" else "",
                      "table" if what == "table" else "view")
        nodes[node["unique_id"]] = node
        for kind in ("unique", "not_null"):
            uid, test = _test(kind, node["unique_id"])
            nodes[uid] = test
    for j in range(models // 500 if changed else 0):  # 0.2% added
        node = _model(models + j, change.sample(ids[-400:], k=2), schema)
        nodes[node["unique_id"]] = node
    exposures = _exposures(rng, ids)
    parent_map, child_map = _graph_maps({**nodes, **sources, **exposures})
    # bench_lineage's manifest without models (metadata, dbt's and the project's macros), with these
    manifest = {**synthetic_manifest(0, seed, changed=False), "nodes": nodes, "sources": sources,
                "exposures": exposures, "parent_map": parent_map, "child_map": child_map}
    return manifest, _catalog(nodes, sources)


def _catalog(nodes: Json, sources: Json) -> Json:
    """dbt docs generate's catalog of the models and sources: ``id`` and ``col_0..11``, typed."""
    def entry(uid: str, node: Json, width: int) -> Json:
        names = ["id", *(f"col_{c}" for c in range(width))]
        columns = {n: {"type": TYPES[k % len(TYPES)], "index": k + 1, "name": n, "comment": None}
                   for k, n in enumerate(names)}
        return {"metadata": {"type": "VIEW", "schema": node["schema"], "name": node["name"],
                             "database": node["database"], "comment": None, "owner": None},
                "columns": columns, "stats": {}, "unique_id": uid}

    return {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json",
                         "dbt_version": "1.11.0", "generated_at": "2026-01-01T00:00:00Z",
                         "invocation_id": "bench", "env": {}},
            "nodes": {uid: entry(uid, n, 12) for uid, n in nodes.items() if n["resource_type"] == "model"},
            "sources": {uid: entry(uid, n, 6) for uid, n in sources.items()}, "errors": None}


def write_project(root: Path, models: int) -> ProjectSettings:
    """The pair under ``root`` (a dbt project directory), with dbt_project.yml."""
    (root / "dbt_project.yml").write_text("name: big\nprofile: big\nversion: '1.0'\n")
    for name, changed in (("target-base", False), ("target", True)):
        directory = root / name
        directory.mkdir(parents=True)
        manifest, catalog = synthetic_project(models, 42, changed)
        (directory / "manifest.json").write_text(json.dumps(manifest))
        (directory / "catalog.json").write_text(json.dumps(catalog))
    return ProjectSettings(project_dir=root)


def bare_json(settings: ProjectSettings) -> None:
    """The floor: parse the four files, nothing else."""
    for directory in (settings.base_dir, settings.current_dir):
        for name in ("manifest.json", "catalog.json"):
            with (directory / name).open("rb") as fh:
                json.load(fh)


def spyglass(settings: ProjectSettings, lap: Callable[[str], None] = lambda _: None) -> str:
    """``spyglass run`` without the warehouse checks, then ``spyglass summary``; the summary's Markdown.
    ``lap`` is called after each stage with its name."""
    session = Session.load(settings)
    lap("load artifacts + lineage diff")
    presets = load_presets(settings.project_dir, session.snapshot.changes)
    checks = [c for c in checks_from_presets(presets.checks) if not needs_warehouse([c])]
    lap(f"choose default checks ({len(presets.checks)}; {len(checks)} need no warehouse)")
    state = run_all(session, checks)
    session.close()
    lap("run the checks")
    path = settings.project_dir / "spyglass_state.json"
    save_state(path, state)
    lap("write the state file")
    summary = render_summary(load_state(path))
    lap("read it + render the summary")
    return summary


def stages(settings: ProjectSettings) -> list[tuple[str, float]]:
    """One run of :func:`spyglass`, split into its stages."""
    laps: list[tuple[str, float]] = []
    last = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        laps.append((name, now - last))
        last = now

    spyglass(settings, lap)
    return laps


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks scale_manifest")
    parser.add_argument("--models", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spyglass-bench-scale-manifest-") as tmp:
        settings = write_project(Path(tmp), args.models)
        size_mb = sum(p.stat().st_size for p in Path(tmp).glob("target*/*.json")) / 1e6
        summary = spyglass(settings)  # also the warm-up
        laps = stages(settings)
        medians = interleaved_medians({"floor": lambda: bare_json(settings), "spyglass": lambda: spyglass(settings)},
                                      args.runs, warm_up=False)
        lineage = load_state(settings.project_dir / "spyglass_state.json").lineage
    drawn = f"{len(lineage.nodes):,} nodes and {len(lineage.edges):,} edges" if lineage else "none"
    print(f"{args.models:,} models per side, {size_mb:.0f} MB of JSON (manifests + catalogs); "
          f"{len(summary):,} characters of summary; lineage summary: {drawn}")
    print(f"  floor: json.load of the four files  {medians['floor']:>7.2f} s")
    print(f"  spyglass load + diff + summary      {medians['spyglass']:>7.2f} s   "
          f"ratio {medians['spyglass'] / medians['floor']:.2f}x (median of {args.runs})")
    for name, seconds in laps:
        print(f"    {name:<60} {seconds:>6.2f} s")
    print(f"  peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB",
          flush=True)

"""Loading a 5,000-model manifest pair and diffing its lineage (target: under 2 s in total).

Writes a synthetic pair to a temporary directory: realistic dbt 1.11 node dicts (config, columns,
raw and compiled code, two generic tests per model, sources, seeds, exposures, dbt's and the project's
macros) in a layered DAG, with about 5% of models changed in current (code edits, materialization
changes, added and removed models) and one project macro edited (about 5% more modified through it).
Measures, as the median of several runs in this process:

* baseline: bare ``json.load`` of both manifest files;
* spyglass: ``load_pair`` (both manifests, no catalogs) plus ``diff_lineage``.

Prints both in wall-clock and CPU seconds and their ratios. ``python -m benchmarks lineage -- --models 5000 --runs 5``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from spyglass.project.artifacts import load_pair
from spyglass.project.lineage import diff_lineage

Json = dict[str, Any]
TARGET_SECONDS = 2.0


def _sha(text: str) -> Json:
    return {"name": "sha256", "checksum": hashlib.sha256(text.encode()).hexdigest()}


def _config(materialized: str) -> Json:
    return {
        "enabled": True, "alias": None, "schema": None, "database": None, "tags": ["nightly"], "meta": {},
        "group": None, "materialized": materialized, "incremental_strategy": None, "batch_size": None,
        "lookback": 1, "begin": None, "persist_docs": {}, "post-hook": [], "pre-hook": [], "quoting": {},
        "column_types": {}, "full_refresh": None, "unique_key": None, "on_schema_change": "ignore",
        "on_configuration_change": "apply", "grants": {}, "packages": [], "docs": {"show": True, "node_color": None},
        "contract": {"enforced": False, "alias_types": True}, "event_time": None, "concurrent_batches": None,
        "access": "protected",
    }


def _columns(n: int) -> Json:
    return {f"col_{i}": {"name": f"col_{i}", "description": f"Column {i} of the model, documented in YAML.",
                         "meta": {}, "data_type": None, "constraints": [], "quote": None,
                         "config": {"meta": {}, "tags": []}, "tags": [], "granularity": None, "doc_blocks": []}
            for i in range(n)}


def _model(i: int, parents: list[str], schema: str, sql_suffix: str = "", materialized: str = "view") -> Json:
    name = f"model_{i:05d}"
    refs = " join ".join(f"{{{{ ref('{p.rsplit('.', 1)[-1]}') }}}}" for p in parents)
    sql = f"select id, {', '.join(f'col_{c}' for c in range(12))} from {refs} where id > {i % 7}{sql_suffix}"
    return {
        "database": "warehouse", "schema": schema, "name": name, "resource_type": "model", "package_name": "big",
        "path": f"layer_{i % 10}/{name}.sql", "original_file_path": f"models/layer_{i % 10}/{name}.sql",
        "unique_id": f"model.big.{name}", "fqn": ["big", f"layer_{i % 10}", name], "alias": name,
        "checksum": _sha(sql), "config": _config(materialized), "tags": ["nightly"],
        "description": "A model of the synthetic benchmark project. " * 3, "columns": _columns(12), "meta": {},
        "group": None, "docs": {"show": True, "node_color": None}, "patch_path": "big://models/schema.yml",
        "build_path": None, "unrendered_config": {"materialized": materialized}, "created_at": 1.7e9,
        "relation_name": f'"warehouse"."{schema}"."{name}"', "raw_code": sql, "doc_blocks": [], "language": "sql",
        "refs": [{"name": p.rsplit(".", 1)[-1], "package": None, "version": None} for p in parents],
        "sources": [], "metrics": [], "functions": [],
        "depends_on": {"macros": ["macro.dbt.run_query", f"macro.big.helper_{i % 20:02d}"], "nodes": parents},
        "compiled_path": f"target/compiled/big/models/{name}.sql", "compiled": True,
        "compiled_code": sql.replace("{{ ref('", '"warehouse"."x"."').replace("') }}", '"'),
        "extra_ctes_injected": True, "extra_ctes": [], "contract": {"enforced": False, "alias_types": True,
                                                                   "checksum": None},
        "access": "protected", "constraints": [], "version": None, "latest_version": None,
        "deprecation_date": None, "primary_key": ["id"], "time_spine": None,
    }


def _test(kind: str, model_uid: str) -> tuple[str, Json]:
    name = model_uid.rsplit(".", 1)[-1]
    uid = f"test.big.{kind}_{name}_id.{hashlib.md5(model_uid.encode()).hexdigest()[:10]}"
    return uid, {
        "database": "warehouse", "schema": "dbt_test__audit", "name": f"{kind}_{name}_id", "resource_type": "test",
        "package_name": "big", "path": f"{kind}_{name}_id.sql", "original_file_path": "models/schema.yml",
        "unique_id": uid, "fqn": ["big", f"{kind}_{name}_id"], "alias": f"{kind}_{name}_id",
        "checksum": {"name": "none", "checksum": ""}, "config": {"enabled": True, "severity": "ERROR",
                                                                 "materialized": "test"},
        "tags": [], "description": "", "columns": {}, "meta": {},
        "raw_code": f"{{{{ test_{kind}(**_dbt_generic_test_kwargs) }}}}",
        "language": "sql", "refs": [{"name": name, "package": None, "version": None}], "sources": [],
        "depends_on": {"macros": [f"macro.dbt.test_{kind}"], "nodes": [model_uid]},
        "column_name": "id", "file_key_name": f"models.{name}", "attached_node": model_uid,
        "test_metadata": {"name": kind, "kwargs": {"column_name": "id", "model": "{{ ref('x') }}"}, "namespace": None},
    }


def _sources() -> Json:
    out: Json = {}
    for s in range(50):
        uid = f"source.big.raw.table_{s:03d}"
        out[uid] = {"database": "raw", "schema": "landing", "name": f"table_{s:03d}", "resource_type": "source",
                    "package_name": "big", "path": "models/sources.yml", "original_file_path": "models/sources.yml",
                    "unique_id": uid, "fqn": ["big", "raw", f"table_{s:03d}"], "source_name": "raw",
                    "identifier": f"table_{s:03d}", "columns": _columns(6), "tags": [], "config": {"enabled": True},
                    "relation_name": f'"raw"."landing"."table_{s:03d}"', "unrendered_schema": "landing",
                    "unrendered_database": None}
    return out


def _exposures(rng: random.Random, ids: list[str]) -> Json:
    return {f"exposure.big.dash_{e}": {
        "name": f"dash_{e}", "resource_type": "exposure", "package_name": "big", "path": "exposures.yml",
        "original_file_path": "models/exposures.yml", "unique_id": f"exposure.big.dash_{e}",
        "fqn": ["big", f"dash_{e}"], "type": "dashboard", "owner": {"name": "bi", "email": "bi@example.com"},
        "url": None, "maturity": "high", "tags": [], "config": {"enabled": True},
        "depends_on": {"macros": [], "nodes": rng.sample(ids[-400:], k=3)},
    } for e in range(20)}


def _macro(package: str, name: str, sql: str, calls: list[str]) -> Json:
    return {
        "name": name, "resource_type": "macro", "package_name": package, "path": f"macros/{name}.sql",
        "original_file_path": f"macros/{name}.sql", "unique_id": f"macro.{package}.{name}", "macro_sql": sql,
        "depends_on": {"macros": calls}, "description": "", "meta": {}, "docs": {"show": True},
        "patch_path": None, "arguments": [], "created_at": 1.7e9, "supported_languages": ["sql"],
    }


def _macros(changed: bool) -> Json:
    """About as many macros as dbt-core plus an adapter ship (they are part of every manifest), and 20
    project macros that the models call; ``changed`` edits one of them."""
    body = "{% macro m(relation) %}\n  select * from {{ relation }} where 1 = 1\n{% endmacro %}"
    out = {f"macro.dbt.macro_{m:04d}": _macro("dbt", f"macro_{m:04d}", body * 8, ["macro.dbt.run_query"])
           for m in range(900)}
    for h in range(20):
        edit = " -- edited" if changed and h == 0 else ""
        out[f"macro.big.helper_{h:02d}"] = _macro("big", f"helper_{h:02d}", body + edit, ["macro.dbt.macro_0001"])
    return out


def _graph_maps(everything: Json) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    parent_map = {uid: list(n.get("depends_on", {}).get("nodes", [])) for uid, n in everything.items()}
    child_map: dict[str, list[str]] = {uid: [] for uid in everything}
    for uid, parents in parent_map.items():
        for parent in parents:
            child_map.setdefault(parent, []).append(uid)
    return parent_map, child_map


def synthetic_manifest(models: int, seed: int, changed: bool) -> Json:
    """One side of the pair; ``changed`` applies the ~5% change set to the same DAG."""
    rng = random.Random(seed)
    change = random.Random(seed + 1)
    nodes: Json = {}
    sources = _sources()
    ids: list[str] = list(sources)
    for i in range(models):
        parents = rng.sample(ids[-400:], k=min(len(ids), rng.randint(1, 3)))
        roll = change.random()
        ids.append(f"model.big.model_{i:05d}")  # the same DAG on both sides, removed nodes included
        if changed and roll < 0.004:
            continue  # removed in current
        suffix = " and flag" if changed and roll < 0.04 else ""
        materialized = "table" if changed and 0.04 <= roll < 0.05 else "view"
        node = _model(i, parents, "dev" if changed else "prod", suffix, materialized)
        nodes[node["unique_id"]] = node
        for kind in ("unique", "not_null"):
            uid, test = _test(kind, node["unique_id"])
            nodes[uid] = test
    if changed:
        for j in range(models // 250):
            node = _model(models + j, change.sample(ids[-400:], k=2), "dev")
            nodes[node["unique_id"]] = node
    exposures = _exposures(rng, ids)
    parent_map, child_map = _graph_maps({**nodes, **sources, **exposures})
    return {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "dbt_version": "1.11.0",
                     "generated_at": "2026-01-01T00:00:00Z", "invocation_id": "bench", "project_name": "big",
                     "adapter_type": "duckdb", "env": {}},
        "nodes": nodes, "sources": sources, "macros": _macros(changed), "docs": {}, "exposures": exposures,
        "metrics": {}, "groups": {}, "selectors": {}, "disabled": {}, "parent_map": parent_map, "child_map": child_map,
        "group_map": {}, "saved_queries": {}, "semantic_models": {}, "unit_tests": {},
    }


def write_pair(root: Path, models: int) -> tuple[Path, Path]:
    base_dir, current_dir = root / "target-base", root / "target"
    for directory, changed in ((base_dir, False), (current_dir, True)):
        directory.mkdir(parents=True)
        (directory / "manifest.json").write_text(json.dumps(synthetic_manifest(models, 42, changed)))
    return base_dir, current_dir


def median_seconds(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds of ``runs`` calls (CPU time is the steadier figure on
    a shared machine; the target is judged on wall-clock time)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks lineage")
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spyglass-bench-") as tmp:
        base_dir, current_dir = write_pair(Path(tmp), args.models)
        size_mb = sum((d / "manifest.json").stat().st_size for d in (base_dir, current_dir)) / 1e6

        def bare_json() -> None:
            for directory in (base_dir, current_dir):
                with (directory / "manifest.json").open("rb") as fh:
                    json.load(fh)

        def spyglass() -> None:
            diff_lineage(load_pair(base_dir, current_dir))

        diff = diff_lineage(load_pair(base_dir, current_dir))
        baseline = median_seconds(bare_json, args.runs)
        measured = median_seconds(spyglass, args.runs)
    print(f"manifest pair: {args.models} models per side, {size_mb:.1f} MB of JSON; "
          f"{len(diff.changed)} changed, {len(diff.impacted)} impacted of {len(diff.changes)} nodes")
    print(f"baseline json.load of both:  {baseline[0]:.3f} s wall, {baseline[1]:.3f} s CPU (median of {args.runs})")
    print(f"load_pair + diff_lineage:    {measured[0]:.3f} s wall, {measured[1]:.3f} s CPU (median of {args.runs})")
    verdict = "OK" if measured[0] < TARGET_SECONDS else "OVER TARGET"
    print(f"ratio to baseline: {measured[0] / baseline[0]:.2f}x wall, {measured[1] / baseline[1]:.2f}x CPU; "
          f"target < {TARGET_SECONDS:.1f} s wall: {verdict}")

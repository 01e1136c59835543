"""A synthetic dbt project with realistic compiled SQL, for the change-intelligence benchmark.

Unlike :mod:`benchmarks.bench_lineage` (whose SQL only has to have a checksum), every model here has SQL
that a column-lineage build has to work through (see :mod:`benchmarks.impact_sql`), with relation names
as dbt renders them (``"database"."schema"."name"``, base and current in different schemas), sources
and seeds at the roots, exposures at the leaves, two tests per model, and a catalog on both sides with
every node's columns in the order the SQL makes them (checked by running the SQL in DuckDB). Node dicts
and the manifest frame come from :mod:`benchmarks.bench_lineage`.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from benchmarks import bench_lineage as lineage_bench
from benchmarks.bench_lineage import _columns, _exposures, _graph_maps, _model, _sha, _sources, _test
from benchmarks.impact_sql import (
    SCHEMAS,
    Col,
    ModelPlan,
    Plan,
    effective_query,
    jinja,
    make_plan,
    output_columns,
    relation_name,
    render_sql,
)

Json = dict[str, Any]
#: the catalog's type of each kind of column (as DuckDB types the SQL)
SQL_TYPES = {"id": "INTEGER", "num": "DOUBLE", "int": "BIGINT", "wide": "HUGEINT", "text": "VARCHAR",
             "time": "TIMESTAMP"}


def _documented(cols: tuple[Col, ...]) -> Json:
    """YAML-documented columns (dbt's shape, from bench_lineage)."""
    shape = _columns(1)["col_0"]
    return {name: {**shape, "name": name, "description": f"The {name.replace('_', ' ')}."} for name, _ in cols}


def _model_node(plan: ModelPlan, changed: bool, cols: tuple[Col, ...]) -> Json:
    query = effective_query(plan, changed)
    threshold = 250 if changed and plan.change == "changed_expression" else 100
    reformatted = changed and plan.change == "formatting"
    materialized = plan.materialized
    if changed and plan.change == "config":
        materialized = "table" if materialized == "view" else "view"
    raw = render_sql(query, [jinja(p) for p in plan.parents], threshold=threshold, reformatted=reformatted)
    node = _model(plan.index, [], SCHEMAS[changed], materialized=materialized)
    node.update(
        raw_code=raw, checksum=_sha(raw), columns=_documented(cols[:4]),
        compiled_code=render_sql(query, [relation_name(p, changed) for p in plan.parents], threshold=threshold,
                                 reformatted=reformatted),
        refs=[{"name": p.rsplit(".", 1)[-1], "package": None, "version": None}
              for p in plan.parents if not p.startswith("source.")],
        sources=[["raw", p.rsplit(".", 1)[-1]] for p in plan.parents if p.startswith("source.")],
        depends_on={"macros": [], "nodes": list(plan.parents)},
    )
    return node


def _seed_node(uid: str, changed: bool, cols: tuple[Col, ...]) -> Json:
    name = uid.rsplit(".", 1)[-1]
    node = _model(0, [], SCHEMAS[changed], materialized="seed")
    for key in ("compiled_code", "compiled", "compiled_path", "refs", "sources", "extra_ctes", "extra_ctes_injected"):
        del node[key]
    node.update(name=name, alias=name, resource_type="seed", unique_id=uid, fqn=["big", name], path=f"{name}.csv",
                original_file_path=f"seeds/{name}.csv", relation_name=relation_name(uid, changed), raw_code="",
                checksum=_sha(name), columns=_documented(cols), depends_on={"macros": [], "nodes": []})
    return node


def _catalog_entry(uid: str, node: Json, cols: tuple[Col, ...]) -> Json:
    materialized = (node.get("config") or {}).get("materialized")
    return {
        "metadata": {"type": "VIEW" if materialized == "view" else "BASE TABLE", "schema": node["schema"],
                     "name": node.get("alias") or node["name"], "database": node["database"], "comment": None,
                     "owner": None},
        "columns": {name: {"type": SQL_TYPES[kind], "index": i + 1, "name": name, "comment": None}
                    for i, (name, kind) in enumerate(cols)},
        "stats": {"has_stats": {"id": "has_stats", "label": "Has Stats?", "value": False, "include": False,
                                "description": "Indicates whether there are statistics for this table"}},
        "unique_id": uid,
    }


def _side_nodes(plan: Plan, changed: bool) -> tuple[Json, dict[str, tuple[Col, ...]]]:
    """Seeds, models and tests of one side, and every node's columns on that side."""
    columns: dict[str, tuple[Col, ...]] = {**plan.sources, **plan.seeds}
    nodes: Json = {uid: _seed_node(uid, changed, cols) for uid, cols in plan.seeds.items()}
    for model in plan.models:
        if model.change == ("removed" if changed else "added"):
            continue
        cols = output_columns(effective_query(model, changed), columns[model.parents[0]])
        columns[model.unique_id] = cols
        nodes[model.unique_id] = _model_node(model, changed, cols)
        for kind in ("unique", "not_null"):
            test_uid, test = _test(kind, model.unique_id)
            nodes[test_uid] = test
    return nodes, columns


def side_artifacts(plan: Plan, changed: bool, seed: int = 42) -> tuple[Json, Json]:
    """``(manifest, catalog)`` of one side (``changed``: current)."""
    nodes, columns = _side_nodes(plan, changed)
    sources = _sources()
    for uid, source in sources.items():
        source["columns"] = _documented(plan.sources[uid])
    exposures = _exposures(random.Random(seed), list(plan.exposure_pool))
    parent_map, child_map = _graph_maps({**nodes, **sources, **exposures})
    frame = lineage_bench.synthetic_manifest(0, seed, changed)  # metadata, macros and the empty sections
    manifest = {**frame, "nodes": nodes, "sources": sources, "exposures": exposures, "parent_map": parent_map,
                "child_map": child_map}
    catalog = {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json", "dbt_version": "1.11.0",
                     "generated_at": "2026-01-01T00:00:00Z", "invocation_id": "bench", "env": {}},
        "nodes": {uid: _catalog_entry(uid, node, columns[uid]) for uid, node in nodes.items() if uid in columns},
        "sources": {uid: _catalog_entry(uid, src, columns[uid]) for uid, src in sources.items()},
        "errors": None,
    }
    return manifest, catalog


def write_project(root: Path, models: int, seed: int = 42) -> tuple[Path, Path]:
    """Write ``target-base`` and ``target`` (manifest and catalog each) and a ``dbt_project.yml`` under
    ``root``; returns the two artifact directories."""
    plan = make_plan(models, seed)
    base_dir, current_dir = root / "target-base", root / "target"
    for directory, changed in ((base_dir, False), (current_dir, True)):
        directory.mkdir(parents=True)
        manifest, catalog = side_artifacts(plan, changed, seed)
        (directory / "manifest.json").write_text(json.dumps(manifest))
        (directory / "catalog.json").write_text(json.dumps(catalog))
    (root / "dbt_project.yml").write_text("name: big\nversion: '1.0'\nprofile: big\nconfig-version: 2\n")
    return base_dir, current_dir

"""Artifact pairs built in code for change-intelligence tests: models by their compiled SQL, seeds by
their columns, each side in its own schema (as a merge request's build is)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from spyglass.project.changes import ChangeAnalysis
from spyglass.project.lineage import diff_lineage
from spyglass.project.models import (
    ArtifactPair,
    Artifacts,
    Catalog,
    CatalogColumn,
    CatalogTable,
    Env,
    Manifest,
    ManifestMetadata,
    Node,
    ResourceType,
)

Sql = str


@dataclass
class Side:
    """One environment: seeds (name -> columns), models (name -> compiled SQL with ``{{ name }}`` for the
    relation of a node), materializations and catalog columns (name -> columns; models default to none)."""

    seeds: dict[str, Sequence[str]] = field(default_factory=dict)
    models: dict[str, Sql] = field(default_factory=dict)
    materialized: dict[str, str] = field(default_factory=dict)
    catalog: dict[str, Sequence[str]] = field(default_factory=dict)
    exposures: dict[str, Sequence[str]] = field(default_factory=dict)
    reasons_macros: dict[str, Sequence[str]] = field(default_factory=dict)


def uid(name: str, kind: str = "model") -> str:
    return f"{kind}.shop.{name}"


def _relation(schema: str, name: str) -> str:
    return f'"db"."{schema}"."{name}"'


def _render(sql: Sql, schema: str, names: Sequence[str]) -> str:
    for name in names:
        sql = sql.replace("{{ " + name + " }}", _relation(schema, name))
    return sql


def build_side(side: Side, env: Env, adapter: str = "duckdb") -> Artifacts:
    schema = "prod" if env is Env.BASE else "pr_7"
    names = [*side.seeds, *side.models]
    nodes: dict[str, Node] = {}
    tables: dict[str, CatalogTable] = {}
    for name, columns in side.seeds.items():
        nodes[uid(name, "seed")] = Node(unique_id=uid(name, "seed"), name=name, resource_type=ResourceType.SEED,
                                        package_name="shop", relation_name=_relation(schema, name),
                                        materialized="seed", checksum=f"seed-{name}-{','.join(columns)}")
        tables[uid(name, "seed")] = _table(uid(name, "seed"), columns)
    for name, sql in side.models.items():
        compiled = _render(sql, schema, names)
        parents = tuple(uid(p, "seed") if p in side.seeds else uid(p) for p in names if "{{ " + p + " }}" in sql)
        materialized = side.materialized.get(name, "table")
        nodes[uid(name)] = Node(
            unique_id=uid(name), name=name, resource_type=ResourceType.MODEL, package_name="shop",
            relation_name=None if materialized == "ephemeral" else _relation(schema, name),
            materialized=materialized, checksum=f"sql-{hash(sql)}", raw_code=sql, compiled_code=compiled,
            depends_on=parents, relation_config={"materialized": materialized})
        if name in side.catalog:
            tables[uid(name)] = _table(uid(name), side.catalog[name])
    for name, parents in side.exposures.items():
        nodes[f"exposure.shop.{name}"] = Node(unique_id=f"exposure.shop.{name}", name=name,
                                              resource_type=ResourceType.EXPOSURE, package_name="shop",
                                              depends_on=tuple(uid(p) for p in parents))
    parent_map = {u: n.depends_on for u, n in nodes.items()}
    child_map: dict[str, list[str]] = {u: [] for u in nodes}
    for child, parents_of in parent_map.items():
        for parent in parents_of:
            child_map.setdefault(parent, []).append(child)
    manifest = Manifest(path="manifest.json", metadata=ManifestMetadata(
        dbt_version="1.11.0", schema_version=12, generated_at="2026-11-30T00:00:00Z", adapter_type=adapter),
        nodes=nodes, parent_map=parent_map, child_map={k: tuple(sorted(v)) for k, v in child_map.items()})
    return Artifacts(env=env, manifest=manifest, catalog=Catalog(path="catalog.json", generated_at="",
                                                                  tables=tables))


def _table(unique_id: str, columns: Sequence[str]) -> CatalogTable:
    return CatalogTable(unique_id=unique_id, columns=tuple(CatalogColumn(name=c, type="text", index=i + 1)
                                                           for i, c in enumerate(columns)))


def analysis(base: Side, current: Side, adapter: str = "duckdb",
             macro_reasons: Mapping[str, tuple[str, ...]] | None = None) -> ChangeAnalysis:
    pair = ArtifactPair(base=build_side(base, Env.BASE, adapter), current=build_side(current, Env.CURRENT, adapter))
    return ChangeAnalysis(pair, diff_lineage(pair))

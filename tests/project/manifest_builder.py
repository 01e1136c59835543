"""Build dbt ``manifest.json`` / ``catalog.json`` dicts in code, shaped like dbt 1.11 writes them.

Reusable by any test that needs artifacts without running dbt::

    base = ManifestBuilder()
    base.seed("raw_orders")
    base.model("orders", sql="select * from {{ ref('raw_orders') }}", depends_on=["seed.shop.raw_orders"])
    current = base.copy()
    current.model("orders", sql="select 1", materialized="table")   # replaces: now modified
    write_pair(tmp_path, base, current)
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

Json = dict[str, Any]


def _checksum(text: str) -> Json:
    return {"name": "sha256", "checksum": hashlib.sha256(text.encode()).hexdigest()}


def _config(materialized: str, extra: Mapping[str, Any] | None, tags: Sequence[str]) -> Json:
    config: Json = {
        "enabled": True, "alias": None, "schema": None, "database": None, "tags": list(tags), "meta": {},
        "materialized": materialized, "incremental_strategy": None, "persist_docs": {}, "post-hook": [],
        "pre-hook": [], "quoting": {}, "column_types": {}, "full_refresh": None, "unique_key": None,
        "on_schema_change": "ignore", "on_configuration_change": "apply", "grants": {}, "packages": [],
        "docs": {"show": True, "node_color": None}, "contract": {"enforced": False, "alias_types": True},
        "access": "protected",
    }
    config.update(extra or {})
    return config


def _unrendered(rtype: str, materialized: str, config: Mapping[str, Any] | None, tags: Sequence[str]) -> Json:
    """The config keys a project sets explicitly, as dbt's ``unrendered_config`` records them."""
    out: Json = {"materialized": materialized} if rtype == "model" else {}
    if tags:
        out["tags"] = list(tags)
    out.update(config or {})
    return out


def _columns(columns: Iterable[str | tuple[str, str | None]]) -> Json:
    out: Json = {}
    for col in columns:
        name, data_type = (col, None) if isinstance(col, str) else col
        out[name] = {"name": name, "description": "", "meta": {}, "data_type": data_type, "constraints": [],
                     "quote": None, "tags": []}
    return out


class ManifestBuilder:
    """A mutable manifest under construction; ``build()`` returns the JSON dict."""

    def __init__(self, project: str = "shop", *, version: int = 12, adapter: str = "duckdb",
                 database: str = "shop", schema: str = "main") -> None:
        self.project = project
        self.version = version
        self.adapter = adapter
        self.database = database
        self.schema = schema
        self.nodes: dict[str, Json] = {}
        self.sources: dict[str, Json] = {}
        self.exposures: dict[str, Json] = {}
        self.macros: dict[str, Json] = {}

    def copy(self, *, schema: str | None = None) -> ManifestBuilder:
        """A deep copy (e.g. current from base); ``schema`` re-targets every model/seed/snapshot."""
        other = copy.deepcopy(self)
        if schema is not None:
            other.schema = schema
            for node in other.nodes.values():
                if node["resource_type"] != "test":
                    node["schema"] = schema
                    node["relation_name"] = (None if node["config"]["materialized"] == "ephemeral"
                                             else f'"{node["database"]}"."{schema}"."{node["alias"]}"')
        return other

    # -- nodes -----------------------------------------------------------------------------------------
    def _node(self, rtype: str, name: str, *, sql: str, depends_on: Sequence[str], materialized: str,
              tags: Sequence[str], columns: Iterable[str | tuple[str, str | None]], path: str | None,
              package: str | None, config: Mapping[str, Any] | None, fqn: Sequence[str] | None,
              macros: Sequence[str] = ()) -> str:
        package = package or self.project
        uid = f"{rtype}.{package}.{name}"
        folder = {"model": "models", "seed": "seeds", "snapshot": "snapshots"}[rtype]
        suffix = ".csv" if rtype == "seed" else ".sql"
        path = path or f"{folder}/{name}{suffix}"
        self.nodes[uid] = {
            "database": self.database, "schema": self.schema, "name": name, "resource_type": rtype,
            "package_name": package, "path": path.split("/", 1)[-1], "original_file_path": path,
            "unique_id": uid,
            "fqn": list(fqn) if fqn else [package, *path.split("/")[1:-1], name],
            "alias": name, "checksum": _checksum(sql or name),
            "config": _config(materialized, config, tags), "tags": list(tags), "description": "",
            "columns": _columns(columns), "meta": {}, "patch_path": None,
            "unrendered_config": _unrendered(rtype, materialized, config, tags),
            "relation_name": None if materialized == "ephemeral" else f'"{self.database}"."{self.schema}"."{name}"',
            "raw_code": sql, "language": "sql", "refs": [], "sources": [],
            "depends_on": {"macros": list(macros), "nodes": list(depends_on)}, "compiled_path": None,
            "contract": {"enforced": False, "alias_types": True, "checksum": None}, "constraints": [],
        }
        return uid

    def model(self, name: str, *, sql: str | None = None, depends_on: Sequence[str] = (),
              materialized: str = "view", tags: Sequence[str] = (),
              columns: Iterable[str | tuple[str, str | None]] = (), path: str | None = None,
              package: str | None = None, config: Mapping[str, Any] | None = None,
              fqn: Sequence[str] | None = None, version: int | str | None = None,
              latest_version: int | str | None = None, macros: Sequence[str] = ()) -> str:
        """A model; with ``version`` a versioned one as dbt writes it (``model.shop.orders.v2``, alias
        ``orders_v2``, fqn ending ``orders, v2``; ``latest_version`` as its YAML declares it). ``macros``:
        the unique ids of the macros its SQL calls (``depends_on.macros``)."""
        uid = self._node("model", name, sql=sql if sql is not None else f"select 1 as id -- {name}",
                         depends_on=depends_on, materialized=materialized, tags=tags, columns=columns,
                         path=path, package=package, config=config, fqn=fqn, macros=macros)
        node = self.nodes.pop(uid)
        node.update(version=version, latest_version=latest_version)
        if version is not None:
            uid = f"{uid}.v{version}"
            node.update(unique_id=uid, alias=f"{name}_v{version}", fqn=[*node["fqn"], f"v{version}"],
                        relation_name=node["relation_name"] and node["relation_name"].replace(
                            f'"{name}"', f'"{name}_v{version}"'))
        self.nodes[uid] = node
        return uid

    def seed(self, name: str, *, content: str | None = None, tags: Sequence[str] = (),
             path: str | None = None, package: str | None = None) -> str:
        uid = self._node("seed", name, sql="", depends_on=(), materialized="seed", tags=tags, columns=(),
                         path=path, package=package, config=None, fqn=None)
        self.nodes[uid]["checksum"] = _checksum(content if content is not None else f"id\n1 -- {name}")
        return uid

    def snapshot(self, name: str, *, sql: str | None = None, depends_on: Sequence[str] = (),
                 unique_key: str = "id", strategy: str = "check", tags: Sequence[str] = ()) -> str:
        return self._node("snapshot", name, sql=sql or f"select * -- {name}", depends_on=depends_on,
                          materialized="snapshot", tags=tags, columns=(), path=None, package=None,
                          config={"unique_key": unique_key, "strategy": strategy, "check_cols": "all"},
                          fqn=None)

    def source(self, source_name: str, table: str, *, schema: str = "raw", identifier: str | None = None,
               tags: Sequence[str] = (), path: str = "models/sources.yml") -> str:
        uid = f"source.{self.project}.{source_name}.{table}"
        ident = identifier or table
        self.sources[uid] = {
            "database": self.database, "schema": schema, "name": table, "resource_type": "source",
            "package_name": self.project, "path": path, "original_file_path": path, "unique_id": uid,
            "fqn": [self.project, source_name, table], "source_name": source_name, "identifier": ident,
            "columns": {}, "tags": list(tags), "config": {"enabled": True, "tags": list(tags)},
            "relation_name": f'"{self.database}"."{schema}"."{ident}"',
            "unrendered_database": None, "unrendered_schema": schema,
        }
        return uid

    def exposure(self, name: str, *, depends_on: Sequence[str], url: str | None = None,
                 path: str = "models/exposures.yml") -> str:
        uid = f"exposure.{self.project}.{name}"
        self.exposures[uid] = {
            "name": name, "resource_type": "exposure", "package_name": self.project, "path": path,
            "original_file_path": path, "unique_id": uid, "fqn": [self.project, name], "type": "dashboard",
            "owner": {"email": "owner@example.com", "name": "owner"}, "url": url, "maturity": None,
            "tags": [], "config": {"enabled": True}, "depends_on": {"macros": [], "nodes": list(depends_on)},
        }
        return uid

    def test(self, kind: str, node_uid: str, column: str, *, attached: bool = True) -> str:
        """A generic ``unique`` / ``not_null`` / ``accepted_values`` test on ``node_uid.column``."""
        name = node_uid.rsplit(".", 1)[-1]
        uid = f"test.{self.project}.{kind}_{name}_{column}.{hashlib.md5(node_uid.encode()).hexdigest()[:10]}"
        self.nodes[uid] = {
            "name": f"{kind}_{name}_{column}", "resource_type": "test", "package_name": self.project,
            "unique_id": uid, "fqn": [self.project, f"{kind}_{name}_{column}"], "column_name": column,
            "test_metadata": {"name": kind, "kwargs": {"column_name": column}, "namespace": None},
            "attached_node": node_uid if attached else None,
            "depends_on": {"macros": [f"macro.dbt.test_{kind}"], "nodes": [node_uid]},
            "config": {"enabled": True, "materialized": "test", "severity": "ERROR"},
            "checksum": {"name": "none", "checksum": ""}, "original_file_path": "models/schema.yml",
        }
        return uid

    def macro(self, name: str, macro_sql: str, *, package: str | None = None, calls: Sequence[str] = ()) -> str:
        """A macro as dbt parses it: ``macro_sql`` is its whole ``{% macro %}...{% endmacro %}`` block;
        ``calls`` the unique ids of the macros it calls (``depends_on.macros``)."""
        package = package or self.project
        uid = f"macro.{package}.{name}"
        self.macros[uid] = {"name": name, "resource_type": "macro", "package_name": package,
                            "path": f"macros/{name}.sql", "original_file_path": f"macros/{name}.sql",
                            "unique_id": uid, "macro_sql": macro_sql, "depends_on": {"macros": list(calls)}}
        return uid

    def configure(self, uid: str, values: Mapping[str, Any]) -> None:
        """Set config keys of a node as a project would (``dbt_project.yml``, YAML or ``config()``): in
        both its rendered ``config`` and its ``unrendered_config``, which dbt's state comparison reads."""
        node = self.nodes[uid]
        node["config"].update(values)
        node["unrendered_config"].update(values)

    def remove(self, uid: str) -> None:
        for table in (self.nodes, self.sources, self.exposures):
            table.pop(uid, None)

    # -- output -----------------------------------------------------------------------------------------
    def build(self) -> Json:
        everything = {**self.nodes, **self.sources, **self.exposures}
        parent_map = {uid: list((n.get("depends_on") or {}).get("nodes", [])) for uid, n in everything.items()}
        child_map: dict[str, list[str]] = {uid: [] for uid in everything}
        for uid, parents in parent_map.items():
            for parent in parents:
                child_map.setdefault(parent, []).append(uid)
        return {
            "metadata": {
                "dbt_schema_version": f"https://schemas.getdbt.com/dbt/manifest/v{self.version}.json",
                "dbt_version": "1.11.0", "generated_at": "2026-01-01T00:00:00.000000Z",
                "invocation_id": "00000000-0000-0000-0000-000000000000", "env": {},
                "project_name": self.project, "adapter_type": self.adapter,
            },
            "nodes": self.nodes, "sources": self.sources, "macros": self.macros, "docs": {},
            "exposures": self.exposures,
            "metrics": {}, "groups": {}, "selectors": {}, "disabled": {}, "parent_map": parent_map,
            "child_map": {k: sorted(v) for k, v in child_map.items()}, "group_map": {}, "saved_queries": {},
            "semantic_models": {}, "unit_tests": {},
        }

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "manifest.json"
        path.write_text(json.dumps(self.build()))
        return path


def catalog(tables: Mapping[str, Sequence[tuple[str, str]]], *, generated_at: str = "2026-01-01T00:00:00Z") -> Json:
    """A ``catalog.json`` dict: ``{unique_id: [(column, type), ...]}`` in column order."""
    nodes: Json = {}
    sources: Json = {}
    for uid, columns in tables.items():
        name = uid.rsplit(".", 1)[-1]
        entry = {
            "metadata": {"type": "BASE TABLE", "schema": "main", "name": name, "database": "shop",
                         "comment": None, "owner": None},
            "columns": {col: {"type": typ, "index": i, "name": col, "comment": None}
                        for i, (col, typ) in enumerate(columns, start=1)},
            "stats": {}, "unique_id": uid,
        }
        (sources if uid.startswith("source.") else nodes)[uid] = entry
    return {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json",
                     "dbt_version": "1.11.0", "generated_at": generated_at, "env": {}},
        "nodes": nodes, "sources": sources, "errors": None,
    }


def write_catalog(directory: Path, tables: Mapping[str, Sequence[tuple[str, str]]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "catalog.json"
    path.write_text(json.dumps(catalog(tables)))
    return path


def write_pair(root: Path, base: ManifestBuilder, current: ManifestBuilder) -> tuple[Path, Path]:
    """Write ``root/target-base/manifest.json`` and ``root/target/manifest.json``; returns both dirs."""
    base_dir, current_dir = root / "target-base", root / "target"
    base.write(base_dir)
    current.write(current_dir)
    return base_dir, current_dir


def shop_builders() -> tuple[ManifestBuilder, ManifestBuilder]:
    """A small shop project (base) and a change set on it (current).

    Changes: ``stg_orders`` code modified, ``customers`` materialization view -> table, ``old_report``
    removed, ``customer_ltv`` added. Unchanged downstream (impacted): ``orders``, ``orders_snapshot``,
    ``customer_dashboard``. Unchanged elsewhere: seeds, the source, ``stg_customers``, ``stg_payments``.
    """
    base = ManifestBuilder()
    raw_customers = base.seed("raw_customers")
    raw_orders = base.seed("raw_orders")
    payments = base.source("stripe", "payments")
    stg_customers = base.model("stg_customers", depends_on=[raw_customers], path="models/staging/stg_customers.sql",
                               tags=["staging"], columns=["customer_id", "name"])
    stg_orders = base.model("stg_orders", depends_on=[raw_orders], path="models/staging/stg_orders.sql",
                            tags=["staging"], sql="select * from {{ ref('raw_orders') }}")
    stg_payments = base.model("stg_payments", depends_on=[payments], path="models/staging/stg_payments.sql",
                              tags=["staging"])
    customers = base.model("customers", depends_on=[stg_customers, stg_orders], path="models/marts/customers.sql",
                           materialized="view", tags=["mart"], columns=[("customer_id", "integer"), "name"])
    orders = base.model("orders", depends_on=[stg_orders, stg_payments], path="models/marts/orders.sql",
                        materialized="table", tags=["mart", "finance"])
    base.model("old_report", depends_on=[orders], path="models/marts/old_report.sql", materialized="table")
    base.snapshot("orders_snapshot", depends_on=[stg_orders])
    base.exposure("customer_dashboard", depends_on=[customers])
    base.test("unique", customers, "customer_id")
    base.test("not_null", customers, "customer_id")
    base.test("accepted_values", customers, "name")

    current = base.copy(schema="dev")
    current.model("stg_orders", depends_on=[raw_orders], path="models/staging/stg_orders.sql", tags=["staging"],
                  sql="select * from {{ ref('raw_orders') }} where amount > 0")
    current.configure(customers, {"materialized": "table"})
    current.remove("model.shop.old_report")
    current.model("customer_ltv", depends_on=[customers], path="models/marts/customer_ltv.sql",
                  materialized="table", tags=["mart"])
    return base, current

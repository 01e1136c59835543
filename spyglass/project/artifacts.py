"""Load dbt's ``manifest.json`` and ``catalog.json`` into :mod:`spyglass.project.models`.

Plain ``json.load`` plus one pass over the nodes: no dbt import, no graph compilation, so a
5,000-model project pair loads in well under a second (``python -m benchmarks lineage``).
Supported manifests: schema v10 to v12 (dbt 1.6 to 1.11), read from ``metadata.dbt_schema_version``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spyglass.exceptions import ArtifactError
from spyglass.project.models import (
    ArtifactPair,
    Artifacts,
    Catalog,
    CatalogColumn,
    CatalogTable,
    Env,
    Manifest,
    ManifestColumn,
    ManifestMetadata,
    Node,
    ResourceType,
)

SUPPORTED_MANIFEST_VERSIONS = range(10, 13)

#: Config keys whose change alters the relation dbt builds (dbt's ``state:modified.configs`` family).
RELATION_CONFIG_KEYS = (
    "materialized",
    "schema",
    "database",
    "alias",
    "unique_key",
    "incremental_strategy",
    "on_schema_change",
    "strategy",
    "check_cols",
    "updated_at",
    "partition_by",
    "cluster_by",
    "sort",
    "dist",
    "indexes",
    "contract",
)

#: Source properties that change which relation the source points at, and the manifest field each is
#: read from. v12 manifests carry the ``unrendered_*`` values (None when the YAML leaves the target's
#: default): comparing those, as dbt's ``state:modified`` does, keeps prod and dev targets from making
#: every source look modified. Older manifests only have the rendered values.
SOURCE_KEYS = (("database", ("unrendered_database", "database")), ("schema", ("unrendered_schema", "schema")),
               ("identifier", ("identifier",)))

#: Exposure properties worth reporting as a change.
EXPOSURE_KEYS = ("type", "url", "maturity", "owner", "depends_on")

_VERSION_RE = re.compile(r"/v(\d+)\.json$")
_MANIFEST_SECTIONS = ("nodes", "sources", "exposures")
_NODE_TYPES = {ResourceType.MODEL, ResourceType.SEED, ResourceType.SNAPSHOT, ResourceType.SOURCE,
               ResourceType.EXPOSURE}
_RESOURCE_TYPES = {t.value: t for t in ResourceType}

# A JSON object straight from json.load: the one place Spyglass reads raw artifact JSON.
_Json = dict[str, Any]


def dbt_command(env: Env, directory: Path) -> str:
    """The dbt command that writes this environment's artifacts into ``directory``."""
    if env is Env.BASE:
        return f"dbt docs generate --target prod --target-path {_target_arg(directory, 'target-base')}"
    if directory.name == "target" and not directory.is_absolute():
        return "dbt docs generate"
    return f"dbt docs generate --target-path {_target_arg(directory, 'target')}"


def _target_arg(directory: Path, default: str) -> str:
    return default if str(directory) in (default, f"./{default}") else str(directory)


def _side_label(env: Env) -> str:
    return "base (production)" if env is Env.BASE else "current"


def _read_json(path: Path, env: Env, what: str) -> _Json:
    remedy = f"Run `{dbt_command(env, path.parent)}` in the dbt project to write it."
    if not path.parent.is_dir():
        raise ArtifactError(
            f"The {_side_label(env)} artifacts directory {path.parent} does not exist, so {what} "
            f"{path} cannot be read.", remedy=remedy)
    try:
        with path.open("rb") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise ArtifactError(f"The {_side_label(env)} {what} {path} does not exist.", remedy=remedy) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"The {_side_label(env)} {what} {path} cannot be read ({exc}).",
                            remedy=remedy) from None
    except json.JSONDecodeError as exc:
        raise ArtifactError(
            f"The {_side_label(env)} {what} {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}); it was probably cut short while dbt wrote it.", remedy=remedy) from None
    if not isinstance(data, dict):
        raise ArtifactError(f"The {_side_label(env)} {what} {path} is not a JSON object.", remedy=remedy)
    return data


def manifest_schema_version(metadata: Mapping[str, Any]) -> int | None:
    """``12`` for ``https://schemas.getdbt.com/dbt/manifest/v12.json``; None when unreadable."""
    raw = metadata.get("dbt_schema_version")
    match = _VERSION_RE.search(raw) if isinstance(raw, str) else None
    return int(match.group(1)) if match else None


def load_manifest(path: Path, env: Env) -> Manifest:
    """Read one ``manifest.json``.

    Raises:
        ArtifactError: the directory or file is missing, the JSON is malformed, or the manifest
            schema version is not v10-v12; the message names the file and the dbt command to run.
    """
    data = _read_json(path, env, "manifest")
    raw_meta = data.get("metadata")
    meta = raw_meta if isinstance(raw_meta, dict) else {}
    version = manifest_schema_version(meta)
    if version not in SUPPORTED_MANIFEST_VERSIONS:
        found = meta.get("dbt_schema_version", "no metadata.dbt_schema_version")
        raise ArtifactError(
            f"The {_side_label(env)} manifest {path} has schema version {found!s} (dbt "
            f"{meta.get('dbt_version', 'unknown')}); Spyglass reads manifest schema v10 to v12 "
            "(dbt 1.6 to 1.11).",
            remedy=f"Regenerate it with a supported dbt version: `{dbt_command(env, path.parent)}`.")
    assert version is not None  # narrowed by the range check above
    try:
        return _build_manifest(str(path), data, meta, version)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ArtifactError(
            f"The {_side_label(env)} manifest {path} does not have the shape of a dbt manifest "
            f"({type(exc).__name__}: {exc}).",
            remedy=f"Regenerate it: `{dbt_command(env, path.parent)}`.") from None


def _build_manifest(path: str, data: _Json, meta: _Json, version: int) -> Manifest:
    tests = _test_columns(data.get("nodes") or {})
    nodes: dict[str, Node] = {}
    for section in _MANIFEST_SECTIONS:
        for uid, raw in (data.get(section) or {}).items():
            rtype = _RESOURCE_TYPES.get(raw.get("resource_type", ""), ResourceType.OTHER)
            if rtype in _NODE_TYPES:
                nodes[uid] = _build_node(uid, rtype, raw, tests.get(uid))
    parent_map, child_map = graph_maps(nodes.values())
    metadata = ManifestMetadata(
        dbt_version=str(meta.get("dbt_version", "")),
        schema_version=version,
        generated_at=str(meta.get("generated_at", "")),
        adapter_type=meta.get("adapter_type"),
        project_name=meta.get("project_name"),
        invocation_id=meta.get("invocation_id"),
    )
    return Manifest(path=path, metadata=metadata, nodes=nodes, parent_map=parent_map, child_map=child_map)


def graph_maps(nodes: Iterable[Node]) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Parent and child maps among ``nodes`` (edges to nodes outside the set are dropped)."""
    node_list = list(nodes)
    known = {n.unique_id for n in node_list}
    parents: dict[str, tuple[str, ...]] = {}
    children: dict[str, list[str]] = {uid: [] for uid in known}
    for node in node_list:
        ups = tuple(sorted({p for p in node.depends_on if p in known}))
        parents[node.unique_id] = ups
        for parent in ups:
            children[parent].append(node.unique_id)
    return parents, {uid: tuple(sorted(kids)) for uid, kids in children.items()}


@dataclass
class _TestedColumns:
    unique: list[str]
    not_null: list[str]


def _test_columns(raw_nodes: Mapping[str, _Json]) -> dict[str, _TestedColumns]:
    """Columns carrying ``unique`` / ``not_null`` tests, by the unique id of the tested node."""
    out: dict[str, _TestedColumns] = {}
    for raw in raw_nodes.values():
        if raw.get("resource_type") != "test":
            continue
        meta = raw.get("test_metadata") or {}
        test_name = meta.get("name")
        if test_name not in ("unique", "not_null"):
            continue
        column = raw.get("column_name") or (meta.get("kwargs") or {}).get("column_name")
        target = raw.get("attached_node") or _single(((raw.get("depends_on") or {}).get("nodes")) or [])
        if not column or not target:
            continue
        tested = out.setdefault(target, _TestedColumns([], []))
        bucket = tested.unique if test_name == "unique" else tested.not_null
        if column not in bucket:
            bucket.append(column)
    return out


def _single(items: list[str]) -> str | None:
    return items[0] if len(items) == 1 else None


def _build_node(uid: str, rtype: ResourceType, raw: _Json, tested: _TestedColumns | None) -> Node:
    config = raw.get("config") or {}
    checksum = raw.get("checksum") or {}
    unique, not_null = _constraint_columns(raw)
    if tested is not None:
        unique = tested.unique + [c for c in unique if c not in tested.unique]
        not_null = tested.not_null + [c for c in not_null if c not in tested.not_null]
    return Node(
        unique_id=uid,
        name=raw.get("name", uid.rsplit(".", 1)[-1]),
        resource_type=rtype,
        package_name=raw.get("package_name", ""),
        original_file_path=raw.get("original_file_path", ""),
        database=raw.get("database"),
        schema=raw.get("schema"),
        alias=raw.get("identifier") if rtype is ResourceType.SOURCE else raw.get("alias"),
        relation_name=raw.get("relation_name"),
        materialized=config.get("materialized") if rtype is not ResourceType.SOURCE else None,
        checksum=checksum.get("checksum", "") if isinstance(checksum, dict) else "",
        raw_code=raw.get("raw_code") or raw.get("raw_sql") or "",
        compiled_code=raw.get("compiled_code") or raw.get("compiled_sql"),
        tags=tuple(raw.get("tags") or ()),
        fqn=tuple(raw.get("fqn") or ()),
        depends_on=tuple((raw.get("depends_on") or {}).get("nodes") or ()),
        columns=ColumnMap(raw.get("columns") or {}),
        relation_config=_relation_config(rtype, raw, config),
        unique_columns=tuple(unique),
        not_null_columns=tuple(not_null),
    )


class ColumnMap(Mapping[str, ManifestColumn]):
    """A node's documented columns, read-only, each built on access from the manifest's JSON.

    Most callers never look at documented columns; building them lazily keeps loading a large
    manifest close to the cost of ``json.load`` itself.
    """

    __slots__ = ("_raw",)

    def __init__(self, raw: Mapping[str, _Json]) -> None:
        self._raw = raw

    def __getitem__(self, key: str) -> ManifestColumn:
        col = self._raw[key]
        return ManifestColumn(name=col.get("name") or key, data_type=col.get("data_type"),
                              description=col.get("description") or "")

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:
        return f"ColumnMap({list(self._raw)!r})"


def _constraint_columns(raw: _Json) -> tuple[list[str], list[str]]:
    """Columns declared unique / not null by model contracts (column and model-level constraints)."""
    unique: list[str] = []
    not_null: list[str] = []
    for name, col in (raw.get("columns") or {}).items():
        for constraint in col.get("constraints") or ():
            kind = constraint.get("type")
            if kind in ("unique", "primary_key"):
                unique.append(name)
            if kind in ("not_null", "primary_key"):
                not_null.append(name)
    for constraint in raw.get("constraints") or ():
        cols = constraint.get("columns") or []
        if constraint.get("type") == "primary_key" and len(cols) == 1:
            unique.append(cols[0])
            not_null.append(cols[0])
    return unique, not_null


def _relation_config(rtype: ResourceType, raw: _Json, config: _Json) -> dict[str, str]:
    if rtype is ResourceType.SOURCE:
        pairs = [(key, _first(raw, fields)) for key, fields in SOURCE_KEYS]
    elif rtype is ResourceType.EXPOSURE:
        pairs = [(key, (raw.get(key) or {}).get("nodes") if key == "depends_on" else raw.get(key))
                 for key in EXPOSURE_KEYS]
    else:
        pairs = [(key, config.get(key)) for key in RELATION_CONFIG_KEYS]
    out: dict[str, str] = {}
    for key, value in pairs:
        if value is None or (value == "ignore" and key == "on_schema_change"):
            continue  # absent, or dbt's default that older manifests omit
        if type(value) is str:
            if value:
                out[key] = value
        elif key == "contract" and isinstance(value, dict):
            if value.get("enforced"):
                out[key] = "enforced"  # alias_types etc. do not change the relation
        elif value or value is False or value == 0:
            out[key] = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return out


def _first(raw: _Json, fields: tuple[str, ...]) -> Any:
    for name in fields:
        if name in raw:
            return raw[name]
    return None




def load_catalog(path: Path, env: Env = Env.CURRENT) -> Catalog | None:
    """Read one ``catalog.json``; None when the file does not exist (``dbt docs generate`` never ran).

    Raises:
        ArtifactError: the file exists but is not a readable dbt catalog.
    """
    if not path.is_file():
        return None
    data = _read_json(path, env, "catalog")
    try:
        tables: dict[str, CatalogTable] = {}
        for section in ("nodes", "sources"):
            for uid, raw in (data.get(section) or {}).items():
                columns = sorted(
                    (CatalogColumn(name=col.get("name", key), type=str(col.get("type", "")),
                                   index=int(col.get("index", 0)))
                     for key, col in (raw.get("columns") or {}).items()),
                    key=lambda c: c.index)
                tables[uid] = CatalogTable(unique_id=uid, columns=tuple(columns))
        generated_at = str((data.get("metadata") or {}).get("generated_at", ""))
    except (TypeError, AttributeError, ValueError) as exc:
        raise ArtifactError(
            f"The {_side_label(env)} catalog {path} does not have the shape of a dbt catalog "
            f"({type(exc).__name__}: {exc}).",
            remedy=f"Regenerate it: `{dbt_command(env, path.parent)}`.") from None
    return Catalog(path=str(path), generated_at=generated_at, tables=tables)


def load_artifacts(directory: Path, env: Env) -> Artifacts:
    """One environment's manifest (required) and catalog (optional) from ``directory``."""
    manifest = load_manifest(directory / "manifest.json", env)
    return Artifacts(env=env, manifest=manifest, catalog=load_catalog(directory / "catalog.json", env))


def load_pair(base_dir: Path, current_dir: Path) -> ArtifactPair:
    """Load base and current artifacts.

    Raises:
        ArtifactError: a manifest is missing, malformed or of an unsupported version, or a catalog
            that exists cannot be read. A missing catalog is not an error (``catalog`` is None).
    """
    return ArtifactPair(base=load_artifacts(base_dir, Env.BASE), current=load_artifacts(current_dir, Env.CURRENT))


def artifact_fingerprint(base_dir: Path, current_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime_ns, size) of every artifact file, to notice when dbt rewrote them."""
    out: list[tuple[str, int, int]] = []
    for directory in (base_dir, current_dir):
        for name in ("manifest.json", "catalog.json"):
            path = directory / name
            try:
                stat = path.stat()
            except OSError:
                continue
            out.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(out)

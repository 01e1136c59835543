"""Load dbt's ``manifest.json`` and ``catalog.json`` into :mod:`spyglass.project.models`.

A typed decode of only the fields Spyglass reads (:mod:`spyglass.project.artifact_schema`) plus one
pass over the nodes: no dbt import, no graph compilation. A 5,000-model project pair loads and diffs
in well under two seconds (``python -m benchmarks lineage``).
Supported manifests: schema v10 to v12 (dbt 1.6 to 1.11), read from ``metadata.dbt_schema_version``.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from spyglass.exceptions import ArtifactError
from spyglass.project.artifact_schema import (
    CATALOG_DECODER,
    MANIFEST_DECODER,
    METADATA_DECODER,
    RELATION_CONFIG_KEYS,
    Column,
    LazyMap,
    RawNode,
    decode_columns,
    may_have_constraints,
)
from spyglass.project.macros import MacroMap
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
    version_text,
)

__all__ = ["RELATION_CONFIG_KEYS", "artifact_fingerprint", "dbt_command", "graph_maps", "load_artifacts",
           "load_catalog", "load_manifest", "load_pair", "manifest_schema_version"]

SUPPORTED_MANIFEST_VERSIONS = range(10, 13)

_VERSION_RE = re.compile(r"/v(\d+)\.json$")
_NODE_TYPES = {ResourceType.MODEL, ResourceType.SEED, ResourceType.SNAPSHOT, ResourceType.SOURCE,
               ResourceType.EXPOSURE}
_RESOURCE_TYPES = {t.value: t for t in ResourceType}


def dbt_command(env: Env, directory: Path) -> str:
    """The dbt command that writes this environment's artifacts into ``directory``."""
    if env is Env.BASE:
        return f"dbt docs generate --target prod --target-path {_target_arg(directory, 'target-base')}"
    if str(directory) in ("target", "./target"):
        return "dbt docs generate"
    return f"dbt docs generate --target-path {directory}"


def _target_arg(directory: Path, default: str) -> str:
    return default if str(directory) in (default, f"./{default}") else str(directory)


def _side_label(env: Env) -> str:
    return "base (production)" if env is Env.BASE else "current"


def _error(env: Env, what: str, path: Path, problem: str, *, regenerate: bool = False) -> ArtifactError:
    verb = "Regenerate it" if regenerate else "Write it"
    return ArtifactError(f"The {_side_label(env)} {what} {path} {problem}",
                         remedy=f"{verb} by running `{dbt_command(env, path.parent)}` in the dbt project.")


def _read_bytes(path: Path, env: Env, what: str) -> bytes:
    if not path.parent.is_dir():
        raise ArtifactError(
            f"The {_side_label(env)} artifacts directory {path.parent} does not exist, so {what} {path} "
            "cannot be read.", remedy=f"Run `{dbt_command(env, path.parent)}` in the dbt project to write it.")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _error(env, what, path, "does not exist.") from None
    except OSError as exc:
        raise _error(env, what, path, f"cannot be read ({exc.strerror or exc}).") from None


def _malformed(env: Env, what: str, path: Path, exc: msgspec.DecodeError) -> ArtifactError:
    return _error(env, what, path, f"is not valid JSON ({exc}); it was probably cut short while dbt wrote it.",
                  regenerate=True)


def manifest_schema_version(metadata: Mapping[str, Any]) -> int | None:
    """``12`` for ``https://schemas.getdbt.com/dbt/manifest/v12.json``; None when unreadable."""
    raw = metadata.get("dbt_schema_version")
    match = _VERSION_RE.search(raw) if isinstance(raw, str) else None
    return int(match.group(1)) if match else None


def _check_version(path: Path, env: Env, meta: Mapping[str, Any]) -> int:
    version = manifest_schema_version(meta)
    if version is None or version not in SUPPORTED_MANIFEST_VERSIONS:
        found = meta.get("dbt_schema_version") or "no metadata.dbt_schema_version"
        raise _error(env, "manifest", path,
                     f"has schema version {found} (dbt {meta.get('dbt_version') or 'unknown'}); Spyglass reads "
                     "manifest schema v10 to v12 (dbt 1.6 to 1.11). Use a dbt version in that range.",
                     regenerate=True)
    return version


def load_manifest(path: Path, env: Env) -> Manifest:
    """Read one ``manifest.json``.

    Raises:
        ArtifactError: the directory or file is missing, the JSON is malformed, it does not have the
            shape dbt writes (not an object; no ``metadata``, ``nodes``, ``sources`` or ``exposures``
            mapping), or the manifest schema version is not v10-v12; the message names the file and
            the dbt command to run.
    """
    raw = _read_bytes(path, env, "manifest")
    try:
        data = MANIFEST_DECODER.decode(raw)
    except msgspec.ValidationError as exc:
        # an unsupported version explains a shape we cannot read better than the shape error does
        with contextlib.suppress(msgspec.DecodeError):
            _check_version(path, env, METADATA_DECODER.decode(raw).metadata)
        raise _error(env, "manifest", path, f"does not have the shape of a dbt manifest ({exc}).",
                     regenerate=True) from None
    except msgspec.DecodeError as exc:
        raise _malformed(env, "manifest", path, exc) from None
    version = _check_version(path, env, data.metadata)
    return _build_manifest(str(path), data.nodes, data.sources, data.exposures, data.metadata, version,
                           MacroMap(data.macros))


def _build_manifest(path: str, nodes_section: dict[str, RawNode], sources: dict[str, RawNode],
                    exposures: dict[str, RawNode], meta: Mapping[str, Any], version: int,
                    macros: MacroMap) -> Manifest:
    tests = _test_columns(nodes_section)
    nodes: dict[str, Node] = {}
    for section in (nodes_section, sources, exposures):
        for uid, raw in section.items():
            rtype = _RESOURCE_TYPES.get(raw.resource_type or "", ResourceType.OTHER)
            if rtype in _NODE_TYPES:
                nodes[uid] = _build_node(uid, rtype, raw, tests.get(uid))
    parent_map, child_map = graph_maps(nodes.values())
    metadata = ManifestMetadata(
        dbt_version=str(meta.get("dbt_version") or ""),
        schema_version=version,
        generated_at=str(meta.get("generated_at") or ""),
        adapter_type=meta.get("adapter_type"),
        project_name=meta.get("project_name"),
        invocation_id=meta.get("invocation_id"),
    )
    return Manifest(path=path, metadata=metadata, nodes=nodes, parent_map=parent_map, child_map=child_map,
                    macros=macros)


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


def _test_columns(raw_nodes: Mapping[str, RawNode]) -> dict[str, _TestedColumns]:
    """Columns carrying ``unique`` / ``not_null`` tests, by the unique id of the tested node."""
    out: dict[str, _TestedColumns] = {}
    for raw in raw_nodes.values():
        meta = raw.test_metadata
        if raw.resource_type != "test" or meta is None or meta.name not in ("unique", "not_null"):
            continue
        column = raw.column_name or meta.kwargs.get("column_name")
        parents = raw.depends_on.nodes if raw.depends_on else []
        target = raw.attached_node or (parents[0] if len(parents) == 1 else None)
        if not isinstance(column, str) or not column or not target:
            continue
        tested = out.setdefault(target, _TestedColumns([], []))
        bucket = tested.unique if meta.name == "unique" else tested.not_null
        if column not in bucket:
            bucket.append(column)
    return out


def _build_node(uid: str, rtype: ResourceType, raw: RawNode, tested: _TestedColumns | None) -> Node:
    unique, not_null = _constraint_columns(raw)
    if tested is not None:
        unique = tested.unique + [c for c in unique if c not in tested.unique]
        not_null = tested.not_null + [c for c in not_null if c not in tested.not_null]
    is_source = rtype is ResourceType.SOURCE
    return Node(
        unique_id=uid,
        name=raw.name or uid.rsplit(".", 1)[-1],
        resource_type=rtype,
        package_name=raw.package_name or "",
        original_file_path=raw.original_file_path or "",
        database=raw.database,
        schema=raw.schema,
        alias=raw.identifier if is_source else raw.alias,
        relation_name=raw.relation_name,
        materialized=None if is_source or raw.config is None else _text_or_none(raw.config.materialized),
        checksum=raw.checksum.checksum if raw.checksum else "",
        raw_code=raw.raw_code or "",
        compiled_code=raw.compiled_code,
        tags=tuple(raw.tags),
        fqn=tuple(raw.fqn),
        depends_on=tuple(raw.depends_on.nodes) if raw.depends_on else (),
        columns=ColumnMap(raw.columns),
        relation_config=_relation_config(rtype, raw),
        unique_columns=tuple(unique),
        not_null_columns=tuple(not_null),
        version=version_text(raw.version),
        latest_version=version_text(raw.latest_version),
    )


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class ColumnMap(LazyMap[Column, ManifestColumn]):
    """A node's documented columns, decoded on first access (see LazyMap)."""

    __slots__ = ()

    def _decode(self, raw: msgspec.Raw) -> dict[str, Column]:
        return decode_columns(raw)

    def _build(self, key: str, item: Column) -> ManifestColumn:
        return ManifestColumn(name=item.name or key, data_type=_text_or_none(item.data_type),
                              description=_text_or_none(item.description) or "")


def _constraint_columns(raw: RawNode) -> tuple[list[str], list[str]]:
    """Columns declared unique / not null by model contracts (column and model-level constraints)."""
    unique: list[str] = []
    not_null: list[str] = []
    columns = decode_columns(raw.columns) if may_have_constraints(raw.columns) else {}
    for name, col in columns.items():
        for constraint in col.constraints:
            if constraint.type in ("unique", "primary_key"):
                unique.append(name)
            if constraint.type in ("not_null", "primary_key"):
                not_null.append(name)
    for constraint in raw.constraints:
        if constraint.type == "primary_key" and len(constraint.columns) == 1:
            unique.append(constraint.columns[0])
            not_null.append(constraint.columns[0])
    return unique, not_null


def _relation_config(rtype: ResourceType, raw: RawNode) -> dict[str, str]:
    """What decides the relation, as strings: config keys for models, seeds and snapshots; for a
    source its database/schema/identifier; for an exposure its type, url, owner and parents."""
    if rtype is ResourceType.SOURCE:
        # v12 manifests carry the unrendered values (None when the YAML leaves the target's default):
        # comparing those, as dbt's state:modified does, keeps prod and dev targets from making every
        # source look modified. Older manifests only have the rendered values.
        database = raw.database if raw.unrendered_database is msgspec.UNSET else raw.unrendered_database
        schema = raw.schema if raw.unrendered_schema is msgspec.UNSET else raw.unrendered_schema
        pairs: list[tuple[str, Any]] = [("database", database), ("schema", schema), ("identifier", raw.identifier)]
    elif rtype is ResourceType.EXPOSURE:
        parents = raw.depends_on.nodes if raw.depends_on else None
        pairs = [("type", raw.type), ("url", raw.url), ("maturity", raw.maturity), ("owner", raw.owner),
                 ("depends_on", parents)]
    elif raw.config is None:
        return {}
    else:
        config = raw.config
        pairs = [(key, getattr(config, key)) for key in RELATION_CONFIG_KEYS]
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


def load_catalog(path: Path, env: Env = Env.CURRENT) -> Catalog | None:
    """Read one ``catalog.json``; None when the file does not exist (``dbt docs generate`` never ran).

    Raises:
        ArtifactError: the file exists but is not a readable dbt catalog.
    """
    if not path.is_file():
        return None
    raw = _read_bytes(path, env, "catalog")
    try:
        data = CATALOG_DECODER.decode(raw)
    except msgspec.ValidationError as exc:
        raise _error(env, "catalog", path, f"does not have the shape of a dbt catalog ({exc}).",
                     regenerate=True) from None
    except msgspec.DecodeError as exc:
        raise _malformed(env, "catalog", path, exc) from None
    tables: dict[str, CatalogTable] = {}
    for section in (data.nodes, data.sources):
        for uid, entry in section.items():
            columns = sorted((CatalogColumn(name=col.name or key, type=str(col.type or ""), index=col.index)
                              for key, col in entry.columns.items()), key=lambda c: c.index)
            tables[uid] = CatalogTable(unique_id=uid, columns=tuple(columns))
    return Catalog(path=str(path), generated_at=str(data.metadata.get("generated_at") or ""), tables=tables)


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

"""Load dbt's ``manifest.json`` and ``catalog.json`` into :mod:`spyglass.project.models`.

A typed decode of only the fields Spyglass reads (:mod:`spyglass.project.artifact_schema`) plus one
pass over the nodes: no dbt import, no graph compilation. A 5,000-model project pair loads and diffs
in well under two seconds (``python -m benchmarks lineage``).
Supported manifests: schema v10 to v12 (dbt 1.6 to 1.11), read from ``metadata.dbt_schema_version``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import msgspec

from spyglass.exceptions import ArtifactError
from spyglass.project.artifact_nodes import build_nodes
from spyglass.project.artifact_schema import (
    CATALOG_DECODER,
    MANIFEST_DECODER,
    METADATA_DECODER,
    RELATION_CONFIG_KEYS,
    CatalogStat,
    RawNode,
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
    ManifestMetadata,
    Node,
)

__all__ = ["RELATION_CONFIG_KEYS", "artifact_fingerprint", "dbt_command", "graph_maps", "load_artifacts",
           "load_catalog", "load_manifest", "load_pair", "manifest_schema_version"]

SUPPORTED_MANIFEST_VERSIONS = range(10, 13)

_VERSION_RE = re.compile(r"/v(\d+)\.json$")


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
    nodes = build_nodes(nodes_section, sources, exposures)
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
            tables[uid] = CatalogTable(unique_id=uid, columns=tuple(columns),
                                       row_count=catalog_stat(entry.stats, _ROW_STATS),
                                       bytes=catalog_stat(entry.stats, _BYTE_STATS))
    return Catalog(path=str(path), generated_at=str(data.metadata.get("generated_at") or ""), tables=tables)


#: the ids adapters give a table's row count and size in bytes among a catalog's ``stats`` (Snowflake
#: ``row_count``/``bytes``, BigQuery ``num_rows``/``num_bytes``, Spark and Databricks ``rows``/``bytes``)
_ROW_STATS = ("row_count", "num_rows", "rows")
_BYTE_STATS = ("bytes", "num_bytes")


def catalog_stat(stats: Mapping[str, CatalogStat], ids: tuple[str, ...]) -> int | None:
    """The first of ``ids`` among a catalog entry's ``stats`` (by key or id, ``stats:`` prefix ignored) as a
    whole non-negative number; None when the adapter gives none or a value that is not one (pure)."""
    found = {key.removeprefix("stats:"): stat.value for key, stat in stats.items()}
    found.update({stat.id.removeprefix("stats:"): stat.value for stat in stats.values() if stat.id})
    for name in ids:
        value = found.get(name)
        if isinstance(value, bool) or value is None:
            continue
        try:
            number = int(float(str(value).replace(",", "")))
        except ValueError:
            continue
        if number >= 0:
            return number
    return None


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

"""The part of dbt's ``manifest.json`` and ``catalog.json`` that Spyglass reads, declared as msgspec structs.

Decoding straight into these structs skips every field not declared here without building it, which
makes loading a large manifest several times faster than ``json.load`` (``python -m benchmarks
lineage``). Field types are deliberately loose (``Any``) wherever dbt versions or adapters differ.
Only :mod:`spyglass.project.artifacts` uses these; the rest of Spyglass sees
:mod:`spyglass.project.models`.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Checksum(msgspec.Struct):
    checksum: str = ""


class DependsOn(msgspec.Struct):
    nodes: list[str] = []


class Constraint(msgspec.Struct):
    type: str | None = None
    columns: list[str] = []


class Column(msgspec.Struct):
    name: str | None = None
    data_type: Any = None
    description: Any = None
    constraints: list[Constraint] = []


class TestMetadata(msgspec.Struct):
    name: str | None = None
    kwargs: dict[str, Any] = {}


class RelationConfig(msgspec.Struct):
    """Config keys whose change alters the relation dbt builds (dbt's ``state:modified.configs``
    family); every other config key is skipped while decoding."""

    materialized: Any = None
    schema: Any = None
    database: Any = None
    alias: Any = None
    unique_key: Any = None
    incremental_strategy: Any = None
    on_schema_change: Any = None
    strategy: Any = None
    check_cols: Any = None
    updated_at: Any = None
    partition_by: Any = None
    cluster_by: Any = None
    sort: Any = None
    dist: Any = None
    indexes: Any = None
    contract: Any = None


RELATION_CONFIG_KEYS: tuple[str, ...] = RelationConfig.__struct_fields__


class RawNode(msgspec.Struct):
    """One entry of ``nodes``, ``sources`` or ``exposures`` (fields of all three; absent ones default)."""

    resource_type: str | None = None
    name: str | None = None
    package_name: str | None = None
    original_file_path: str | None = None
    database: str | None = None
    schema: str | None = None
    alias: str | None = None
    relation_name: str | None = None
    checksum: Checksum | None = None
    raw_code: str | None = None
    compiled_code: str | None = None
    tags: list[str] = []
    fqn: list[str] = []
    depends_on: DependsOn | None = None
    #: documented columns, left undecoded until asked for (most callers never are); see decode_columns
    columns: msgspec.Raw = msgspec.Raw(b"{}")
    constraints: list[Constraint] = []
    config: RelationConfig | None = None
    # tests
    test_metadata: TestMetadata | None = None
    column_name: str | None = None
    attached_node: str | None = None
    # sources; UNSET tells "absent from this manifest version" from "null"
    identifier: str | None = None
    unrendered_database: str | msgspec.UnsetType | None = msgspec.UNSET
    unrendered_schema: str | msgspec.UnsetType | None = msgspec.UNSET
    # exposures
    type: Any = None
    url: Any = None
    maturity: Any = None
    owner: Any = None


class ManifestFile(msgspec.Struct):
    """The top level of a manifest. Every section is required: dbt (v10-v12) always writes them, and a
    file without ``nodes`` is not a manifest with no models (which would read as "every model removed")."""

    metadata: dict[str, Any]
    nodes: dict[str, RawNode]
    sources: dict[str, RawNode]
    exposures: dict[str, RawNode]


class MetadataOnly(msgspec.Struct):
    """Enough to report the schema version of a manifest whose body does not decode."""

    metadata: dict[str, Any] = {}


class CatalogColumn(msgspec.Struct):
    name: str | None = None
    type: Any = ""
    index: int = 0


class CatalogEntry(msgspec.Struct):
    columns: dict[str, CatalogColumn] = {}


class CatalogFile(msgspec.Struct):
    """The top level of a catalog; every section dbt writes is required, as for :class:`ManifestFile`."""

    metadata: dict[str, Any]
    nodes: dict[str, CatalogEntry]
    sources: dict[str, CatalogEntry]


MANIFEST_DECODER = msgspec.json.Decoder(ManifestFile)
COLUMNS_DECODER = msgspec.json.Decoder(dict[str, Column])
METADATA_DECODER = msgspec.json.Decoder(MetadataOnly)
CATALOG_DECODER = msgspec.json.Decoder(CatalogFile)


def decode_columns(raw: msgspec.Raw) -> dict[str, Column]:
    """A node's ``columns`` object; empty when it does not have the shape of dbt's columns."""
    try:
        return COLUMNS_DECODER.decode(raw)
    except msgspec.DecodeError:
        return {}


def may_have_constraints(raw: msgspec.Raw) -> bool:
    """False when the undecoded ``columns`` certainly hold no constraint (no ``"type"`` key anywhere),
    so the common case skips decoding them."""
    return b'"type"' in bytes(raw)

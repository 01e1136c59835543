"""The part of dbt's ``manifest.json`` and ``catalog.json`` that Spyglass reads, declared as msgspec structs.

Decoding straight into these structs skips every field not declared here without building it, which
makes loading a large manifest several times faster than ``json.load`` (``python -m benchmarks
lineage``). Field types are deliberately loose (``Any``) wherever dbt versions or adapters differ.
The node structs are not tracked by the garbage collector (``gc=False``): decoded JSON is a tree, never
a cycle, and tracking tens of thousands of them made collections a third of the load time.
Only the loaders (:mod:`spyglass.project.artifacts`, :mod:`spyglass.project.macros`) use these; the rest
of Spyglass sees :mod:`spyglass.project.models`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

import msgspec

S = TypeVar("S")
V = TypeVar("V")


class Checksum(msgspec.Struct, gc=False):
    checksum: str = ""


class DependsOn(msgspec.Struct, gc=False):
    nodes: list[str] = []
    macros: list[str] = []


class Constraint(msgspec.Struct, gc=False):
    type: str | None = None
    columns: list[str] = []


class Column(msgspec.Struct, gc=False):
    name: str | None = None
    data_type: Any = None
    description: Any = None
    constraints: list[Constraint] = []


class TestMetadata(msgspec.Struct, gc=False):
    name: str | None = None
    kwargs: dict[str, Any] = {}


class RelationConfig(msgspec.Struct, gc=False):
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
    #: not a relation key: whether descriptions are written to the warehouse (``persisted_descriptions``)
    persist_docs: Any = None


RELATION_CONFIG_KEYS: tuple[str, ...] = tuple(key for key in RelationConfig.__struct_fields__
                                              if key != "persist_docs")


class Contract(msgspec.Struct, gc=False):
    """A model's ``contract`` (dbt fills ``checksum`` from the columns when it is enforced)."""

    enforced: Any = False
    checksum: str | None = None


class RawNode(msgspec.Struct, gc=False):
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
    #: the config as the project wrote it (dbt's state comparison reads this), decoded only when it differs
    unrendered_config: msgspec.Raw = msgspec.Raw(b"{}")
    description: Any = None
    contract: Contract | None = None
    access: Any = None
    deprecation_date: Any = None
    # versioned models: numbers or strings, as the YAML wrote them
    version: Any = None
    latest_version: Any = None
    # tests
    test_metadata: TestMetadata | None = None
    column_name: str | None = None
    attached_node: str | None = None
    # sources; UNSET tells "absent from this manifest version" from "null"
    identifier: str | None = None
    unrendered_database: str | msgspec.UnsetType | None = msgspec.UNSET
    unrendered_schema: str | msgspec.UnsetType | None = msgspec.UNSET
    quoting: Any = None
    freshness: Any = None
    loaded_at_field: Any = None
    external: Any = None
    # exposures
    type: Any = None
    url: Any = None
    maturity: Any = None
    owner: Any = None
    label: Any = None


class RawMacro(msgspec.Struct, gc=False):
    """One entry of ``macros``."""

    name: str = ""
    package_name: str = ""
    macro_sql: str = ""
    depends_on: DependsOn | None = None


class ManifestFile(msgspec.Struct):
    """The top level of a manifest. Every section is required: dbt (v10-v12) always writes them, and a
    file without ``nodes`` is not a manifest with no models (which would read as "every model removed").
    ``macros`` is left undecoded until a SQL template calls a macro (see decode_macros)."""

    metadata: dict[str, Any]
    nodes: dict[str, RawNode]
    sources: dict[str, RawNode]
    exposures: dict[str, RawNode]
    macros: msgspec.Raw = msgspec.Raw(b"{}")


class MetadataOnly(msgspec.Struct):
    """Enough to report the schema version of a manifest whose body does not decode."""

    metadata: dict[str, Any] = {}


class CatalogColumn(msgspec.Struct, gc=False):
    name: str | None = None
    type: Any = ""
    index: int = 0


class CatalogStat(msgspec.Struct, gc=False):
    """One of a table's ``stats`` as the adapter reports them (``row_count``, ``bytes`` ...)."""

    id: str = ""
    value: Any = None


class CatalogEntry(msgspec.Struct, gc=False):
    columns: dict[str, CatalogColumn] = {}
    stats: dict[str, CatalogStat] = {}


class CatalogFile(msgspec.Struct):
    """The top level of a catalog; every section dbt writes is required, as for :class:`ManifestFile`."""

    metadata: dict[str, Any]
    nodes: dict[str, CatalogEntry]
    sources: dict[str, CatalogEntry]


MANIFEST_DECODER = msgspec.json.Decoder(ManifestFile)
COLUMNS_DECODER = msgspec.json.Decoder(dict[str, Column])
METADATA_DECODER = msgspec.json.Decoder(MetadataOnly)
CATALOG_DECODER = msgspec.json.Decoder(CatalogFile)
MACROS_DECODER = msgspec.json.Decoder(dict[str, RawMacro])
CONFIG_DECODER = msgspec.json.Decoder(dict[str, Any])


def decode_columns(raw: msgspec.Raw) -> dict[str, Column]:
    """A node's ``columns`` object; empty when it does not have the shape of dbt's columns."""
    try:
        return COLUMNS_DECODER.decode(raw)
    except msgspec.DecodeError:
        return {}


def decode_config(raw: msgspec.Raw) -> dict[str, Any]:
    """A node's ``unrendered_config`` object; empty when it is not an object."""
    try:
        return CONFIG_DECODER.decode(raw)
    except msgspec.DecodeError:
        return {}


def decode_macros(raw: msgspec.Raw) -> dict[str, RawMacro]:
    """A manifest's ``macros`` object; empty when it does not have the shape of dbt's macros."""
    try:
        return MACROS_DECODER.decode(raw)
    except msgspec.DecodeError:
        return {}


class LazyMap(Mapping[str, V], Generic[S, V]):
    """A read-only mapping kept as undecoded JSON until first read, each value built when asked for.

    Most loads never read documented columns or macros; decoding them lazily halves the cost of loading a
    large manifest. Subclasses say how to decode the object (``_decode``) and build a value (``_build``).
    """

    __slots__ = ("_decoded", "_raw")

    def __init__(self, raw: msgspec.Raw) -> None:
        self._raw = raw
        self._decoded: dict[str, S] | None = None

    def _decode(self, raw: msgspec.Raw) -> dict[str, S]:
        raise NotImplementedError

    def _build(self, key: str, item: S) -> V:
        raise NotImplementedError

    def _items(self) -> dict[str, S]:
        if self._decoded is None:  # a benign race: concurrent first reads decode equal values
            self._decoded = self._decode(self._raw)
        return self._decoded

    def __getitem__(self, key: str) -> V:
        return self._build(key, self._items()[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())

    def __eq__(self, other: object) -> bool:
        # the same undecoded JSON is the same mapping: diffing two manifests mostly compares equal ones
        if type(other) is type(self) and isinstance(other, LazyMap) and self._raw == other._raw:
            return True
        return Mapping.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]  # a mapping, like dict

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self._items())!r})"


def may_have_constraints(raw: msgspec.Raw) -> bool:
    """False when the undecoded ``columns`` certainly hold no constraint (no ``"type"`` key anywhere),
    so the common case skips decoding them."""
    return b'"type"' in bytes(raw)

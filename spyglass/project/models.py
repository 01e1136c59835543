"""Typed views of the dbt artifacts Spyglass reads.

These are the only shapes that cross from the ``project`` layer to the rest of Spyglass: the loaders in
:mod:`spyglass.project.artifacts` turn ``manifest.json`` and ``catalog.json`` into them, and nothing
outside this package reads the JSON itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property


class Env(str, Enum):
    """Which side of the comparison: production (base) or the merge request's build (current)."""

    BASE = "base"
    CURRENT = "current"


class ResourceType(str, Enum):
    MODEL = "model"
    SEED = "seed"
    SNAPSHOT = "snapshot"
    SOURCE = "source"
    EXPOSURE = "exposure"
    TEST = "test"
    ANALYSIS = "analysis"
    METRIC = "metric"
    SEMANTIC_MODEL = "semantic_model"
    OTHER = "other"


#: Resource types that are materialized as relations in the warehouse.
RELATION_TYPES = frozenset({ResourceType.MODEL, ResourceType.SEED, ResourceType.SNAPSHOT, ResourceType.SOURCE})


@dataclass(frozen=True)
class ManifestColumn:
    """A column as documented in the manifest (YAML), not necessarily as it exists in the warehouse."""

    name: str
    data_type: str | None = None
    description: str = ""


def version_text(value: object) -> str | None:
    """A model version as text, however the YAML or a ``ref(v=...)`` wrote it: ``2``, ``2.0`` and
    ``"2"`` are ``"2"``; None for no version."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Node:
    """One node of the dbt graph (model, seed, snapshot, source, exposure, test ...).

    ``relation_name`` is the fully quoted relation as dbt rendered it (``"db"."schema"."alias"``), or
    ``None`` for ephemeral models and non-relational resources.
    """

    unique_id: str
    name: str
    resource_type: ResourceType
    package_name: str
    original_file_path: str = ""
    database: str | None = None
    schema: str | None = None
    alias: str | None = None
    relation_name: str | None = None
    materialized: str | None = None
    checksum: str = ""
    raw_code: str = ""
    compiled_code: str | None = None
    tags: tuple[str, ...] = ()
    fqn: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    columns: Mapping[str, ManifestColumn] = field(default_factory=dict)
    #: config keys that change the relation (materialized, schema, alias, unique_key ...), as strings
    relation_config: Mapping[str, str] = field(default_factory=dict)
    #: column names that carry a ``unique`` test (first candidate for a primary key)
    unique_columns: tuple[str, ...] = ()
    #: column names that carry a ``not_null`` test
    not_null_columns: tuple[str, ...] = ()
    #: column lists declared unique together: ``unique_combination_of_columns`` tests (dbt_utils or any
    #: package) and model-level ``primary_key`` constraints of several columns
    unique_combinations: tuple[tuple[str, ...], ...] = ()
    #: a versioned model's version (``"2"`` for ``model.shop.orders.v2``), None when unversioned
    version: str | None = None
    #: a versioned model's ``latest_version`` (what an unpinned ``ref('orders')`` means)
    latest_version: str | None = None
    #: unique ids of the macros the node calls directly (dbt's ``depends_on.macros``)
    depends_on_macros: tuple[str, ...] = ()
    #: the config keys the project set (dbt's ``unrendered_config``; what ``state:modified.configs``
    #: compares), values as text; None when unknown (a node built in code): then ``relation_config`` is
    #: compared instead
    unrendered_config: Mapping[str, str] | None = None
    description: str = ""
    #: what ``persist_docs`` writes to the warehouse: ``relation`` (the description) and/or ``columns``
    persist_docs: frozenset[str] = frozenset()
    #: a model's ``contract``: enforced, and dbt's checksum of its columns, types and constraints
    contract_enforced: bool = False
    contract_checksum: str | None = None
    #: further properties dbt's ``state:modified`` compares, as text: ``access`` and ``deprecation_date``
    #: of a model; ``quoting``, ``freshness``, ``loaded_at_field``, ``external`` of a source;
    #: ``description`` and ``label`` of an exposure
    state_properties: Mapping[str, str] = field(default_factory=dict)

    @property
    def source_name(self) -> str | None:
        """A source table's source (``raw`` for ``source.shop.raw.orders``); None for other nodes."""
        if self.resource_type is not ResourceType.SOURCE:
            return None
        return self.unique_id.removeprefix(f"source.{self.package_name}.").removesuffix(f".{self.name}")

    @property
    def is_relation(self) -> bool:
        return self.resource_type in RELATION_TYPES and self.materialized != "ephemeral"

    @property
    def primary_key(self) -> str | None:
        """The column that is tested both ``unique`` and ``not_null``, or only ``unique``."""
        for name in self.unique_columns:
            if name in self.not_null_columns:
                return name
        return self.unique_columns[0] if self.unique_columns else None


@dataclass(frozen=True)
class Macro:
    """A Jinja macro of the project or of a package, as dbt parsed it (``macro_sql`` is its source)."""

    unique_id: str
    name: str
    package_name: str
    macro_sql: str
    #: unique ids of the macros it calls (dbt's ``depends_on.macros``)
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class ManifestMetadata:
    dbt_version: str
    schema_version: int
    generated_at: str
    adapter_type: str | None
    project_name: str | None = None
    invocation_id: str | None = None


@dataclass(frozen=True)
class Manifest:
    """The nodes of one environment's ``manifest.json`` plus its parent/child maps."""

    path: str
    metadata: ManifestMetadata
    nodes: Mapping[str, Node]
    parent_map: Mapping[str, tuple[str, ...]]
    child_map: Mapping[str, tuple[str, ...]]
    #: every macro of the manifest by unique id (dbt's own included), decoded on first use
    macros: Mapping[str, Macro] = field(default_factory=dict)

    @cached_property
    def by_name(self) -> Mapping[str, tuple[Node, ...]]:
        """Every node by its name (versions and packages share one), built on first use. Look names
        up through :mod:`spyglass.project.lookup`, which resolves them as dbt does."""
        index: dict[str, list[Node]] = {}
        for node in self.nodes.values():
            index.setdefault(node.name, []).append(node)
        return {name: tuple(nodes) for name, nodes in index.items()}


@dataclass(frozen=True)
class CatalogColumn:
    name: str
    type: str
    index: int


@dataclass(frozen=True)
class CatalogTable:
    unique_id: str
    columns: tuple[CatalogColumn, ...]
    #: rows and bytes as the adapter's catalog reports them (its ``stats``); None when it gives none
    row_count: int | None = None
    bytes: int | None = None

    def column(self, name: str) -> CatalogColumn | None:
        lowered = name.lower()
        for col in self.columns:
            if col.name.lower() == lowered:
                return col
        return None


@dataclass(frozen=True)
class Catalog:
    path: str
    generated_at: str
    tables: Mapping[str, CatalogTable]


@dataclass(frozen=True)
class Artifacts:
    """One environment: its manifest and, when ``dbt docs generate`` ran, its catalog."""

    env: Env
    manifest: Manifest
    catalog: Catalog | None


@dataclass(frozen=True)
class ArtifactPair:
    base: Artifacts
    current: Artifacts

    def side(self, env: Env) -> Artifacts:
        return self.base if env is Env.BASE else self.current

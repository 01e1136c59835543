"""Build :class:`spyglass.project.models.Node` from the decoded ``nodes``, ``sources`` and ``exposures``
of a manifest (:mod:`spyglass.project.artifact_schema`): one pass, nothing decoded that a caller may
never read (documented columns and the unrendered config stay raw JSON until asked for)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from spyglass.project.artifact_schema import (
    RELATION_CONFIG_KEYS,
    Column,
    LazyMap,
    RawNode,
    decode_columns,
    decode_config,
    may_have_constraints,
)
from spyglass.project.models import ManifestColumn, Node, ResourceType, version_text

_NODE_TYPES = {ResourceType.MODEL, ResourceType.SEED, ResourceType.SNAPSHOT, ResourceType.SOURCE,
               ResourceType.EXPOSURE}
_RESOURCE_TYPES = {t.value: t for t in ResourceType}


def build_nodes(nodes_section: Mapping[str, RawNode], sources: Mapping[str, RawNode],
                exposures: Mapping[str, RawNode]) -> dict[str, Node]:
    """Every model, seed, snapshot, source and exposure of a manifest by unique id (tests only lend
    their ``unique`` / ``not_null`` columns to the node they test)."""
    tests = _test_columns(nodes_section)
    nodes: dict[str, Node] = {}
    for section in (nodes_section, sources, exposures):
        for uid, raw in section.items():
            rtype = _RESOURCE_TYPES.get(raw.resource_type or "", ResourceType.OTHER)
            if rtype in _NODE_TYPES:
                nodes[uid] = _build_node(uid, rtype, raw, tests.get(uid))
    return nodes


@dataclass
class _TestedColumns:
    unique: list[str]
    not_null: list[str]
    combinations: list[tuple[str, ...]]


_KEY_TESTS = ("unique", "not_null", "unique_combination_of_columns")


def _test_columns(raw_nodes: Mapping[str, RawNode]) -> dict[str, _TestedColumns]:
    """Columns carrying ``unique`` / ``not_null`` tests and column lists carrying a
    ``unique_combination_of_columns`` test (dbt_utils or any package), by the unique id of the tested node."""
    out: dict[str, _TestedColumns] = {}
    for raw in raw_nodes.values():
        meta = raw.test_metadata
        if raw.resource_type != "test" or meta is None or meta.name not in _KEY_TESTS:
            continue
        parents = raw.depends_on.nodes if raw.depends_on else []
        target = raw.attached_node or (parents[0] if len(parents) == 1 else None)
        if not target:
            continue
        if meta.name == "unique_combination_of_columns":
            combination = _combination(meta.kwargs.get("combination_of_columns"))
            tested = out.setdefault(target, _TestedColumns([], [], []))
            if combination and combination not in tested.combinations:
                tested.combinations.append(combination)
            continue
        column = raw.column_name or meta.kwargs.get("column_name")
        if not isinstance(column, str) or not column:
            continue
        tested = out.setdefault(target, _TestedColumns([], [], []))
        bucket = tested.unique if meta.name == "unique" else tested.not_null
        if column not in bucket:
            bucket.append(column)
    return out


def _combination(value: Any) -> tuple[str, ...]:
    """A test's ``combination_of_columns`` (a list of names; anything else: none)."""
    if not isinstance(value, list) or not all(isinstance(c, str) and c for c in value):
        return ()
    return tuple(value)


def _build_node(uid: str, rtype: ResourceType, raw: RawNode, tested: _TestedColumns | None) -> Node:
    unique, not_null = _constraint_columns(raw)
    combinations = [tuple(c.columns) for c in raw.constraints if c.type == "primary_key" and len(c.columns) > 1]
    if tested is not None:
        unique = tested.unique + [c for c in unique if c not in tested.unique]
        not_null = tested.not_null + [c for c in not_null if c not in tested.not_null]
        combinations = tested.combinations + [c for c in combinations if c not in tested.combinations]
    is_source = rtype is ResourceType.SOURCE
    config = raw.config
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
        materialized=None if is_source or config is None else _text_or_none(config.materialized),
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
        unique_combinations=tuple(combinations),
        version=version_text(raw.version),
        latest_version=version_text(raw.latest_version),
        depends_on_macros=tuple(raw.depends_on.macros) if raw.depends_on else (),
        unrendered_config=ConfigMap(raw.unrendered_config),
        description=_text_or_none(raw.description) or "",
        persist_docs=_persist_docs(config.persist_docs if config is not None else None),
        contract_enforced=raw.contract is not None and raw.contract.enforced is True,
        contract_checksum=raw.contract.checksum if raw.contract is not None else None,
        state_properties=_state_properties(rtype, raw),
    )


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def canonical(value: Any) -> str:
    """A config or property value as text: a string as it is, anything else as sorted, compact JSON."""
    if type(value) is str:
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


class ColumnMap(LazyMap[Column, ManifestColumn]):
    """A node's documented columns, decoded on first access (see LazyMap)."""

    __slots__ = ()

    def _decode(self, raw: msgspec.Raw) -> dict[str, Column]:
        return decode_columns(raw)

    def _build(self, key: str, item: Column) -> ManifestColumn:
        return ManifestColumn(name=item.name or key, data_type=_text_or_none(item.data_type),
                              description=_text_or_none(item.description) or "")


class ConfigMap(LazyMap[Any, str]):
    """A node's ``unrendered_config`` (values as :func:`canonical` text), decoded on first access; two
    maps of the same JSON compare equal without decoding, which is the common case when diffing."""

    __slots__ = ()

    def _decode(self, raw: msgspec.Raw) -> dict[str, Any]:
        return decode_config(raw)

    def _build(self, key: str, item: Any) -> str:
        return canonical(item)


_NO_DOCS: frozenset[str] = frozenset()


def _persist_docs(value: Any) -> frozenset[str]:
    """Which descriptions ``persist_docs`` writes to the warehouse: ``relation`` and/or ``columns``."""
    if not value or not isinstance(value, dict):
        return _NO_DOCS  # the common case, kept cheap
    return frozenset(key for key in ("relation", "columns") if value.get(key))


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
                 ("depends_on", sorted(parents) if parents else parents)]
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
            out[key] = canonical(value)
    return out


def _state_properties(rtype: ResourceType, raw: RawNode) -> dict[str, str]:
    """The other properties dbt's ``state:modified`` compares (``same_ref_representation`` of models,
    ``same_quoting``/``same_freshness``/``same_external`` of sources, description and label of exposures)."""
    if rtype is ResourceType.MODEL:
        if raw.deprecation_date is None:  # the common case, kept cheap
            return {"access": raw.access} if type(raw.access) is str else {}
        pairs: list[tuple[str, Any]] = [("access", raw.access), ("deprecation_date", raw.deprecation_date)]
    elif rtype is ResourceType.SOURCE:
        pairs = [("quoting", raw.quoting), ("freshness", raw.freshness), ("loaded_at_field", raw.loaded_at_field),
                 ("external", raw.external)]
    elif rtype is ResourceType.EXPOSURE:
        pairs = [("description", raw.description), ("label", raw.label)]
    else:
        return {}
    return {key: canonical(value) for key, value in pairs if value is not None}

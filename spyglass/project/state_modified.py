"""dbt's ``state:modified``: why a node differs from its base definition, and which of dbt's sub-selectors
each reason belongs to.

Follows dbt-core 1.11 (``StateSelectorMethod`` in ``dbt/graph/selector_methods.py`` and the ``same_*``
methods of ``dbt/contracts/graph/nodes.py``):

============================================  ==============================  ================================
reason                                        sub-selector                    dbt's check
============================================  ==============================  ================================
``code``                                      ``modified.body``               ``same_body`` (the file checksum)
``config.<key>`` (not database/schema/alias)  ``modified.configs``            ``same_config``: the unrendered
                                                                              config; ``tags`` and ``group``
                                                                              are not compared for models,
                                                                              seeds and snapshots
``config.database|schema|alias``; a source's  ``modified.relation``           ``same_database_representation``
``database``, ``schema``, ``identifier``
``macro.<name>`` (root project) or            ``modified.macros``             ``check_macros_modified``: a
``macro.<package>.<name>``                                                    macro called directly or through
                                                                              other macros was edited, added
                                                                              or removed
``contract``                                  ``modified.contract``           ``same_contract`` (models)
``descriptions``                              ``modified.persisted_           ``same_persisted_description``
                                              descriptions``                  (only what ``persist_docs``
                                                                              writes to the warehouse)
``fqn``, ``latest_version``, ``access``,      only plain ``state:modified``   ``same_fqn``,
``deprecation_date``; a source's                                              ``same_ref_representation``, the
``quoting`` ...; an exposure's ``url`` ...                                    source and exposure ``same_*``
============================================  ==============================  ================================

As in dbt, a macro of dbt itself or of the adapter counts like any other: a base built by another dbt
version can mark the models that call ``is_incremental()`` modified (dbt compares every macro's
``macro_sql`` and has no exception for its own).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from spyglass.project.models import Macro, Node, ResourceType

#: reasons of each sub-selector are told apart by these
BODY, CONFIGS, RELATION, MACROS, CONTRACT, PERSISTED_DESCRIPTIONS = (
    "body", "configs", "relation", "macros", "contract", "persisted_descriptions")
SUB_SELECTORS = (BODY, CONFIGS, RELATION, MACROS, CONTRACT, PERSISTED_DESCRIPTIONS)

_PARSED = frozenset({ResourceType.MODEL, ResourceType.SEED, ResourceType.SNAPSHOT})
#: the resource types that have each check: a new node of one of them is selected by the sub-selector
#: (dbt: "not old or not same_X"); ``macros`` selects a new node only when it calls a changed macro
NEW_NODE_TYPES: Mapping[str, frozenset[ResourceType]] = {
    BODY: _PARSED,
    CONFIGS: _PARSED | {ResourceType.SOURCE, ResourceType.EXPOSURE},
    RELATION: _PARSED | {ResourceType.SOURCE},
    CONTRACT: _PARSED,
    PERSISTED_DESCRIPTIONS: _PARSED,
    MACROS: frozenset(),
}
#: dbt's ``CompareBehavior.Exclude`` keys of a node config: left out of ``same_config``
_NOT_COMPARED = frozenset({"tags", "group"})
_RELATION_KEYS = ("database", "schema", "alias")
_SOURCE_RELATION = frozenset({"database", "schema", "identifier"})


def sub_selector(reason: str, resource_type: ResourceType) -> str | None:
    """The sub-selector (``body``, ``configs`` ...) that selects a node modified for ``reason``; None
    when only plain ``state:modified`` does."""
    if reason == "code":
        return BODY
    if reason.startswith("macro."):
        return MACROS
    if reason == "contract":
        return CONTRACT
    if reason == "descriptions":
        return PERSISTED_DESCRIPTIONS
    if resource_type is ResourceType.SOURCE and reason in _SOURCE_RELATION:
        return RELATION
    if reason.startswith("config."):
        return RELATION if reason[len("config."):] in _RELATION_KEYS else CONFIGS
    return None


def node_reasons(base: Node, current: Node) -> tuple[str, ...]:
    """Why ``current`` differs from ``base`` without its macros (see the module table); empty when the
    same. ``code`` and ``resource_type`` first, then the other reasons sorted."""
    first = [r for r, differs in (("code", base.checksum != current.checksum),
                                  ("resource_type", base.resource_type is not current.resource_type)) if differs]
    others = _config_reasons(base, current)
    if current.resource_type in _PARSED:
        others += _parsed_reasons(base, current)
    else:  # sources and exposures: the properties dbt compares, by name
        others += _differing(base.relation_config, current.relation_config)
    others += _differing(base.state_properties, current.state_properties)
    if base.fqn != current.fqn:
        others.append("fqn")
    return (*first, *sorted(others))


def _parsed_reasons(base: Node, current: Node) -> list[str]:
    reasons: list[str] = []
    if base.latest_version != current.latest_version and current.resource_type is ResourceType.MODEL:
        reasons.append("latest_version")
    if current.resource_type is ResourceType.MODEL and _contract_changed(base, current):
        reasons.append("contract")
    if _descriptions_changed(base, current):
        reasons.append("descriptions")
    return reasons


def _config_reasons(base: Node, current: Node) -> list[str]:
    old, new = base.unrendered_config, current.unrendered_config
    if old is None or new is None:  # a node built in code: its relation config is what is known
        if current.resource_type not in _PARSED:
            return []
        return ["config." + key for key in _differing(base.relation_config, current.relation_config)]
    if old == new:
        return []
    ignored = _NOT_COMPARED if current.resource_type in _PARSED else frozenset()
    return ["config." + key for key in _differing(old, new) if key not in ignored]


def _differing(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    """Keys present on one side only or with different values (dbt's ``compare_key``)."""
    if old == new:
        return []
    return [key for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]


def _contract_changed(base: Node, current: Node) -> bool:
    """dbt's ``same_contract``: enforcing a contract, dropping it, or changing its columns (checksum)."""
    if not (base.contract_enforced or current.contract_enforced):
        return False
    return not (base.contract_enforced and current.contract_enforced
                and base.contract_checksum == current.contract_checksum)


def _descriptions_changed(base: Node, current: Node) -> bool:
    """dbt's ``same_persisted_description``, by the current node's ``persist_docs``."""
    if "relation" in current.persist_docs and base.description != current.description:
        return True
    if "columns" in current.persist_docs:
        old = {key: column.description for key, column in base.columns.items()}
        return old != {key: column.description for key, column in current.columns.items()}
    return False


@dataclass(frozen=True)
class MacroChanges:
    """The macros that differ between two manifests (edited ``macro_sql``, added or removed) and what the
    current manifest's macros call, to tell which nodes call a changed macro."""

    changed: frozenset[str]
    calls: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    project_name: str | None = None

    def reasons(self, node: Node) -> tuple[str, ...]:
        """``macro.<name>`` per changed macro ``node`` calls, directly or through other macros, sorted."""
        if not self.changed or not node.depends_on_macros:
            return ()
        found: set[str] = set()
        seen: set[str] = set()
        stack = list(node.depends_on_macros)
        while stack:
            uid = stack.pop()
            if uid in seen:
                continue
            seen.add(uid)
            if uid in self.changed:
                found.add(self._reason(uid))
            stack.extend(self.calls.get(uid, ()))
        return tuple(sorted(found))

    def _reason(self, uid: str) -> str:
        parts = uid.split(".", 2)
        if len(parts) == 3 and parts[1] == self.project_name:
            return f"macro.{parts[2]}"
        return uid if uid.startswith("macro.") else f"macro.{uid}"


def macro_changes(base: Mapping[str, Macro], current: Mapping[str, Macro],
                  project_name: str | None) -> MacroChanges:
    """Compare the macros of two manifests by unique id and ``macro_sql``, as dbt's ``_macros_modified``."""
    old = {uid: macro.macro_sql for uid, macro in base.items()}
    new = {uid: macro for uid, macro in current.items()}
    changed = {uid for uid, macro in new.items() if old.get(uid) != macro.macro_sql}
    changed.update(uid for uid in old if uid not in new)
    if not changed:
        return MacroChanges(frozenset())
    calls = {uid: macro.depends_on for uid, macro in new.items() if macro.depends_on}
    return MacroChanges(frozenset(changed), calls, project_name)

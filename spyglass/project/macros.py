"""The macros of a manifest, and which of them a SQL template may call.

dbt's rule (``MacroNamespaceBuilder``): a template calls the root project's macros by name
(``cents_to_dollars(...)``) and a package's macros through the package (``my_utils.cents(...)``);
the macros of dbt itself and of the adapters (``dbt``, ``dbt_duckdb`` ...) implement materializations
and need a live adapter, so Spyglass leaves them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import msgspec

from spyglass.project.artifact_schema import LazyMap, RawMacro, decode_macros
from spyglass.project.models import Macro, Manifest

#: packages dbt and its adapters ship (their macros dispatch through a live adapter)
INTERNAL_PACKAGES = frozenset({
    "dbt", "dbt_postgres", "dbt_duckdb", "dbt_snowflake", "dbt_bigquery", "dbt_redshift", "dbt_spark",
    "dbt_databricks", "dbt_trino", "dbt_athena", "dbt_fabric", "dbt_sqlserver", "dbt_clickhouse",
})


class MacroMap(LazyMap[RawMacro, Macro]):
    """A manifest's macros by unique id, decoded on first access (most loads never render a template)."""

    __slots__ = ()

    def _decode(self, raw: msgspec.Raw) -> dict[str, RawMacro]:
        return decode_macros(raw)

    def _build(self, key: str, item: RawMacro) -> Macro:
        return Macro(unique_id=key, name=item.name, package_name=item.package_name, macro_sql=item.macro_sql,
                     depends_on=tuple(item.depends_on.macros) if item.depends_on else ())


@dataclass(frozen=True)
class TemplateMacros:
    """The macros a SQL template of one manifest may call: ``root`` by name, ``packages`` through their
    package (the root project is a package too: ``my_project.cents(...)`` works as in dbt)."""

    root: Mapping[str, Macro]
    packages: Mapping[str, Mapping[str, Macro]]


def template_macros(manifest: Manifest) -> TemplateMacros:
    """The root project's and the non-internal packages' macros of ``manifest`` (see module doc)."""
    root_name = manifest.metadata.project_name
    packages: dict[str, dict[str, Macro]] = {}
    for macro in manifest.macros.values():
        if macro.package_name and macro.package_name not in INTERNAL_PACKAGES:
            packages.setdefault(macro.package_name, {})[macro.name] = macro
    return TemplateMacros(root=packages.get(root_name or "", {}), packages=packages)

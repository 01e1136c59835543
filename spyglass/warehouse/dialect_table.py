"""Every declared dialect by its dbt adapter type, and the lookup a connection's dialect goes through.

The engines we run (:mod:`~spyglass.warehouse.dialects`) and those we cannot run here
(:mod:`~spyglass.warehouse.cloud_dialects`) are declared in their own modules; this table lists them all.
"""

from __future__ import annotations

from spyglass.warehouse.cloud_dialects import CLOUD_DIALECTS
from spyglass.warehouse.dialects import DUCKDB, GENERIC, POSTGRES, SPARK, Dialect

#: the declared dialects by dbt adapter type
DIALECTS: dict[str, Dialect] = {d.name: d for d in (DUCKDB, POSTGRES, SPARK, *CLOUD_DIALECTS)}


def dialect_for(adapter_type: str) -> Dialect:
    """The declared dialect of a dbt adapter type (``GENERIC`` for unknown ones)."""
    return DIALECTS.get(adapter_type, GENERIC)

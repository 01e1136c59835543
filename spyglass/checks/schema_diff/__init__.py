"""schema_diff: columns added, removed, retyped and reordered per node, from the two catalogs.

Pure (``needs_warehouse=False``): reads ``catalog.json`` of base and current as ``dbt docs generate``
wrote them. Params are Recce's (``select``, ``exclude``, ``node_id``), defaulting to
``state:modified``. Coverage says how much of the selection the catalogs could describe.

The type, whole: :mod:`.spec` (params, spec, title), :mod:`.result`, :mod:`.run`, :mod:`.markdown` (the
details); the terminal shows the headline.
"""

from __future__ import annotations

from spyglass.checks.base import CheckDefinition
from spyglass.checks.nodes import NodeStatus
from spyglass.checks.schema_diff import markdown
from spyglass.checks.schema_diff.result import NodeSchemaDiff, SchemaColumn, SchemaDiffResult
from spyglass.checks.schema_diff.run import run as run_schema_diff
from spyglass.checks.schema_diff.spec import SchemaDiffParams, SchemaDiffSpec, title

SCHEMA_DIFF = CheckDefinition(
    spec_model=SchemaDiffSpec, result_model=SchemaDiffResult, run=run_schema_diff, title=title,
    markdown=markdown.render, needs_warehouse=False,
)

__all__ = ["SCHEMA_DIFF", "NodeSchemaDiff", "NodeStatus", "SchemaColumn", "SchemaDiffParams", "SchemaDiffResult",
           "SchemaDiffSpec", "title"]

"""lineage_diff: the selected nodes with their change status, from the two manifests.

Pure (``needs_warehouse=False``). Params are Recce's: ``select``, ``exclude``, ``view_mode``
(``changed_models``, the default, shows ``1+state:modified+``: changed nodes, their direct parents and
everything downstream; ``all`` shows every node) applies when ``select`` is not given; ``packages``
is accepted and ignored. Each node also carries what the change analysis says of it, under the names
``spyglass impact --json`` prints (``change``, ``category``, ``reasons``, ``columns``,
``impacted_columns``): from the context's ``changes`` (the session snapshot's, shared by every check).

The type, whole: :mod:`.spec` (params, spec, title), :mod:`.result`, :mod:`.run`, :mod:`.markdown` (the
details); the terminal shows the headline.
"""

from __future__ import annotations

from spyglass.checks.base import CheckDefinition
from spyglass.checks.lineage_diff import markdown
from spyglass.checks.lineage_diff.result import ImpactFields, LineageDiffResult, LineageNodeStatus
from spyglass.checks.lineage_diff.run import run as run_lineage_diff
from spyglass.checks.lineage_diff.spec import LineageDiffParams, LineageDiffSpec, ViewMode, title

LINEAGE_DIFF = CheckDefinition(
    spec_model=LineageDiffSpec, result_model=LineageDiffResult, run=run_lineage_diff, title=title,
    markdown=markdown.render, needs_warehouse=False,
)

__all__ = ["LINEAGE_DIFF", "ImpactFields", "LineageDiffParams", "LineageDiffResult", "LineageDiffSpec",
           "LineageNodeStatus", "ViewMode", "title"]

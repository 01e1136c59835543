"""Row count diff (``row_count_diff``, Recce alias ``row_count``): ``COUNT(*)`` per node on both sides.

Each side of each node gets a status (``ok``, ``table_missing``, ``not_materialized``, ``not_in_manifest``,
``permission_denied``, ``error``); a failure on one node never fails the check.

The type, whole: :mod:`.spec` (params, spec, title), :mod:`.result`, :mod:`.run` (the counts),
:mod:`.markdown` (the details); the terminal shows the headline.
"""

from __future__ import annotations

from spyglass.checks.base import CheckDefinition
from spyglass.checks.row_count import markdown
from spyglass.checks.row_count.result import RowCountDiffResult, RowCountRow, SideCount, SideStatus
from spyglass.checks.row_count.run import run as run_row_count
from spyglass.checks.row_count.spec import DEFAULT_SELECT, RowCountDiffParams, RowCountDiffSpec, title

ROW_COUNT_DIFF = CheckDefinition(spec_model=RowCountDiffSpec, result_model=RowCountDiffResult, run=run_row_count,
                                 title=title, markdown=markdown.render)

__all__ = ["DEFAULT_SELECT", "ROW_COUNT_DIFF", "RowCountDiffParams", "RowCountDiffResult", "RowCountDiffSpec",
           "RowCountRow", "SideCount", "SideStatus", "title"]

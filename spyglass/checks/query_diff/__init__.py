"""query_diff: the same SQL (or ``base_sql_template``) on base and current, compared in the warehouse.

Columns are paired **by name**, never by position, so the same columns in another order give no diff
(Recce issue #685: its INTERSECT/EXCEPT compares by position).

* Without ``primary_keys``: the multiset difference, computed in the warehouse (:mod:`.sql`): the rows
  only in base / only in current, with their counts. Both result sets (up to ``limit`` rows each) are
  returned too.
* With ``primary_keys``: the keys are validated (unique, non-null), then a FULL OUTER JOIN on them
  returns only differing rows with their changed columns, as ``value_diff_detail`` does.

Each side's rendered SQL must be one read-only query (:func:`~spyglass.checks.user_sql.parse_query`);
it is wrapped as a subquery tree in ours, and every statement runs read-only (:class:`ReadOnlyWarehouse`).
When both sides return no rows the result says so: 0 rows each side, no mismatch.

The type, whole: :mod:`.spec`, :mod:`.result`, :mod:`.sql`, :mod:`.run`, :mod:`.markdown` and
:mod:`.terminal`.
"""

from __future__ import annotations

from spyglass.checks.base import CheckDefinition
from spyglass.checks.query_diff import markdown, terminal
from spyglass.checks.query_diff.result import MultisetDiff, QueryDiffResult, RowCount, multiset_counts
from spyglass.checks.query_diff.run import run as run_query_diff
from spyglass.checks.query_diff.spec import QueryDiffParams, QueryDiffSpec, title

QUERY_DIFF = CheckDefinition(spec_model=QueryDiffSpec, result_model=QueryDiffResult, run=run_query_diff,
                             title=title, markdown=markdown.render, terminal=terminal.view)

__all__ = ["QUERY_DIFF", "MultisetDiff", "QueryDiffParams", "QueryDiffResult", "QueryDiffSpec", "RowCount",
           "multiset_counts", "title"]

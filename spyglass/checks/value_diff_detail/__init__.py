"""value_diff_detail: the differing rows of a model (added, removed, changed), ordered by key.

One FULL OUTER JOIN on the key columns (by name) keeps only rows that differ, each with the list of
changed columns, ``limit`` of them (default 1,000) plus totals per kind computed over all differing
rows. The key is validated first (unique and non-null on both sides, one bounded scan per side). Two
empty sides give no differing rows (a result, as for ``value_diff``). The same row diff serves
``query_diff`` with a primary key.

The type, whole: :mod:`.spec`, :mod:`.result`, :mod:`.sql`, :mod:`.run`, :mod:`.markdown` and
:mod:`.terminal`.
"""

from __future__ import annotations

from spyglass.checks.base import CheckDefinition
from spyglass.checks.value_diff_detail import markdown, terminal
from spyglass.checks.value_diff_detail.result import DiffRow, DiffRows, RowStatus, ValueDiffDetailResult
from spyglass.checks.value_diff_detail.run import diff_rows
from spyglass.checks.value_diff_detail.run import run as run_value_diff_detail
from spyglass.checks.value_diff_detail.spec import DEFAULT_LIMIT, ValueDiffDetailParams, ValueDiffDetailSpec, title

VALUE_DIFF_DETAIL = CheckDefinition(
    spec_model=ValueDiffDetailSpec, result_model=ValueDiffDetailResult, run=run_value_diff_detail, title=title,
    markdown=markdown.render, terminal=terminal.view,
)

__all__ = ["DEFAULT_LIMIT", "VALUE_DIFF_DETAIL", "DiffRow", "DiffRows", "RowStatus", "ValueDiffDetailParams",
           "ValueDiffDetailResult", "ValueDiffDetailSpec", "diff_rows", "title"]

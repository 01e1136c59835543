"""value_diff: compare a model's base and current rows by primary key, column by column, in ONE query.

One statement joining base and current on the raw key columns (by name) yields removed, added, in-both
and changed row counts, and per compared column its mismatch count and an example key, read by name;
its two declared forms (single join, or two-step with a row hash) are in :mod:`.sql`. The key is checked
first (:mod:`.run`). Two empty sides are a result: 0 rows each, no mismatch. When rows differ, one more
bounded statement groups them by the model's low-cardinality columns and reports where they concentrate
(:mod:`.segments`: "92% of changed rows have status = 'returned'").

The type, whole: :mod:`.spec` (params, spec, title), :mod:`.result`, :mod:`.sql`, :mod:`.segments`,
:mod:`.run`, :mod:`.markdown` (the details) and :mod:`.terminal` (what the CLI prints).
"""

from __future__ import annotations

from spyglass.checks.base import CheckDefinition
from spyglass.checks.value_diff import markdown, terminal
from spyglass.checks.value_diff.result import ColumnMatch, Segment, SegmentKind, ValueDiffResult
from spyglass.checks.value_diff.run import resolve_keys
from spyglass.checks.value_diff.run import run as run_value_diff
from spyglass.checks.value_diff.spec import ValueDiffParams, ValueDiffSpec, title

VALUE_DIFF = CheckDefinition(spec_model=ValueDiffSpec, result_model=ValueDiffResult, run=run_value_diff, title=title,
                             markdown=markdown.render, terminal=terminal.view)

__all__ = ["VALUE_DIFF", "ColumnMatch", "Segment", "SegmentKind", "ValueDiffParams", "ValueDiffResult", "ValueDiffSpec",
           "resolve_keys", "title"]

"""top_k_diff: the most frequent values of one column on each side, with counts and shares.

The type, whole: :mod:`.spec` (params, spec, title), :mod:`.result`, :mod:`.sql` (the one statement and
the reading of its named outputs), :mod:`.run`, :mod:`.markdown` (the details) and :mod:`.terminal` (the
CLI's table).
"""

from __future__ import annotations

from spyglass.checks.base import CheckDefinition
from spyglass.checks.top_k import markdown, terminal
from spyglass.checks.top_k.result import TopKDiffResult, TopKSide, TopKValue
from spyglass.checks.top_k.run import run as run_top_k
from spyglass.checks.top_k.spec import TopKDiffParams, TopKDiffSpec, title

TOP_K_DIFF = CheckDefinition(spec_model=TopKDiffSpec, result_model=TopKDiffResult, run=run_top_k, title=title,
                             markdown=markdown.render, terminal=terminal.view)

__all__ = ["TOP_K_DIFF", "TopKDiffParams", "TopKDiffResult", "TopKDiffSpec", "TopKSide", "TopKValue", "title"]

"""histogram_diff: the distribution of one numeric or date column on both sides, in shared bins.

The type, whole: :mod:`.spec` (params, spec, title), :mod:`.result`, :mod:`.bins` (the bins, decided in
Python), :mod:`.sql` (the range and bin-count statements and the reading of their named outputs),
:mod:`.run`, :mod:`.markdown` (the details) and :mod:`.terminal` (the CLI's table).
"""

from __future__ import annotations

from spyglass.checks.base import CheckDefinition
from spyglass.checks.histogram import markdown, terminal
from spyglass.checks.histogram.result import HistogramDiffResult, HistogramSide
from spyglass.checks.histogram.run import run as run_histogram
from spyglass.checks.histogram.spec import HistogramDiffParams, HistogramDiffSpec, title

HISTOGRAM_DIFF = CheckDefinition(spec_model=HistogramDiffSpec, result_model=HistogramDiffResult, run=run_histogram,
                                 title=title, markdown=markdown.render, terminal=terminal.view)

__all__ = ["HISTOGRAM_DIFF", "HistogramDiffParams", "HistogramDiffResult", "HistogramDiffSpec", "HistogramSide",
           "title"]

"""PLACEHOLDER: Markdown details for histogram results (to be implemented)."""

from __future__ import annotations

from spyglass.checks.histogram import HistogramDiffResult


def render(result: HistogramDiffResult) -> str:
    return ""

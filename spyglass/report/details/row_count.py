"""PLACEHOLDER: Markdown details for row_count results (to be implemented)."""

from __future__ import annotations

from spyglass.checks.row_count import RowCountDiffResult


def render(result: RowCountDiffResult) -> str:
    return ""

"""PLACEHOLDER: Markdown details for lineage_check results (to be implemented)."""

from __future__ import annotations

from spyglass.checks.lineage_check import LineageDiffResult


def render(result: LineageDiffResult) -> str:
    return ""

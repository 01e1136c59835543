"""PLACEHOLDER: Markdown details for top_k results (to be implemented)."""

from __future__ import annotations

from spyglass.checks.top_k import TopKDiffResult


def render(result: TopKDiffResult) -> str:
    return ""

"""PLACEHOLDER: Markdown details for query_diff results (to be implemented)."""

from __future__ import annotations

from spyglass.checks.query_diff import QueryDiffResult


def render(result: QueryDiffResult) -> str:
    return ""

"""PLACEHOLDER: Markdown details for query results (to be implemented)."""

from __future__ import annotations

from spyglass.checks.query import QueryResultModel


def render(result: QueryResultModel) -> str:
    return ""

"""PLACEHOLDER: Markdown details for schema_diff results (to be implemented)."""

from __future__ import annotations

from spyglass.checks.schema_diff import SchemaDiffResult


def render(result: SchemaDiffResult) -> str:
    return ""

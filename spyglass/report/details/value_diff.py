"""PLACEHOLDER: Markdown details for value_diff results (to be implemented)."""

from __future__ import annotations

from spyglass.checks.value_diff import ValueDiffResult


def render(result: ValueDiffResult) -> str:
    return ""

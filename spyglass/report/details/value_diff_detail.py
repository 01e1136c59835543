"""PLACEHOLDER: Markdown details for value_diff_detail results (to be implemented)."""

from __future__ import annotations

from spyglass.checks.value_diff_detail import ValueDiffDetailResult


def render(result: ValueDiffDetailResult) -> str:
    return ""

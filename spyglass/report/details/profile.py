"""PLACEHOLDER: Markdown details for profile results (to be implemented)."""

from __future__ import annotations

from spyglass.checks.profile import ProfileDiffResult


def render(result: ProfileDiffResult) -> str:
    return ""

"""Tracking changes for the store tests: the product's decisions (:mod:`spyglass.gitlab.tracking`), bound."""

from __future__ import annotations

from spyglass.gitlab.tracking import after_validation, seen
from spyglass.store import TrackingChange

__all__ = ["seen", "validated"]


def validated(project: str, iid: int, sha: str) -> TrackingChange:
    """``sha`` of the MR was validated."""
    return lambda row, now: after_validation(row, project, iid, sha, now=now)

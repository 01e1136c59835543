"""PLACEHOLDER until spyglass.gitlab.service lands."""

from __future__ import annotations

from collections.abc import Mapping


class GitLabPort:
    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> GitLabPort | None:
        return None

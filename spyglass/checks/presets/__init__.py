"""Preset checks: ``spyglass.yml``, else Recce's ``recce.yml``, else the defaults the change calls for.

:mod:`.config` reads (and writes) the config file's ``checks:`` list; :mod:`.suggest` chooses the default
checks from the classification of each modified node. :func:`load_presets` picks one or the other.
"""

from __future__ import annotations

from pathlib import Path

from spyglass.checks.presets.config import (
    CONFIG_FILES,
    PresetCheck,
    PresetConfig,
    find_config,
    parse_budget,
    parse_presets,
    presets_yaml,
)
from spyglass.checks.presets.suggest import MAX_VALUE_DIFFS, Suggestions, fallback_checks, suggest_checks
from spyglass.checks.scope import NodeSelection
from spyglass.project.changes import ChangeAnalysis

__all__ = ["CONFIG_FILES", "MAX_VALUE_DIFFS", "PresetCheck", "PresetConfig", "Suggestions", "fallback_checks",
           "find_config", "load_presets", "parse_budget", "parse_presets", "presets_yaml", "suggest_checks"]


def load_presets(project_dir: Path, changes: ChangeAnalysis | None = None, *,
                 selection: NodeSelection | None = None) -> PresetConfig:
    """The preset checks of a dbt project: its config file's, else the defaults :func:`suggest_checks`
    chooses from ``changes`` within ``selection`` (without ``changes``: :func:`fallback_checks`).

    Raises:
        ConfigError: the file is not valid YAML, or a check lacks a ``type``, has an unknown one or
            params that do not fit it (said before anything runs).
    """
    path = find_config(project_dir)
    if path is not None:
        text = path.read_text(encoding="utf-8")
        return PresetConfig(source=path.name, checks=parse_presets(text, path), budget=parse_budget(text, path))
    if changes is None:
        return PresetConfig(source="defaults", checks=fallback_checks())
    suggested = suggest_checks(changes, selection)
    return PresetConfig(source="defaults", checks=suggested.checks, notes=suggested.notes)

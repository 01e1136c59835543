"""Preset checks: ``spyglass.yml``, else Recce's ``recce.yml``, else the defaults.

Both files share one shape, so a Recce user switches with no edits::

    checks:
      - name: Row count of changed tables
        description: optional
        type: row_count_diff
        params: {select: "state:modified,config.materialized:table"}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError

from spyglass.checks.registry import AnySpec, parse_spec
from spyglass.checks.row_count import RowCountDiffParams, RowCountDiffSpec
from spyglass.checks.schema_diff import SchemaDiffParams, SchemaDiffSpec
from spyglass.exceptions import ConfigError, InvalidSpec

CONFIG_FILES = ("spyglass.yml", "spyglass.yaml", "recce.yml", "recce.yaml")


class _Entry(BaseModel):
    """One check as written in the config file (Recce's shape; other keys such as ``view_options``
    are ignored)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str | None = None
    description: str = ""
    type: str
    params: dict[str, JsonValue] = Field(default_factory=dict)


@dataclass(frozen=True)
class PresetCheck:
    """One preset: its name (None: named after its spec), description and parsed spec."""

    spec: AnySpec
    name: str | None = None
    description: str = ""


@dataclass(frozen=True)
class PresetConfig:
    #: the file the presets came from, or "defaults"
    source: str
    checks: tuple[PresetCheck, ...] = field(default_factory=tuple)


DEFAULT_CHECKS = (
    PresetCheck(
        name="Schema diff of modified nodes",
        description="Columns added, removed, retyped or reordered in every modified node.",
        spec=SchemaDiffSpec(params=SchemaDiffParams(select="state:modified")),
    ),
    PresetCheck(
        name="Row count diff of modified tables",
        description="Row counts on both sides for every modified table.",
        spec=RowCountDiffSpec(params=RowCountDiffParams(select="state:modified,config.materialized:table")),
    ),
)


def find_config(project_dir: Path) -> Path | None:
    """The first of ``spyglass.yml`` / ``recce.yml`` present in the project directory."""
    for name in CONFIG_FILES:
        path = project_dir / name
        if path.is_file():
            return path
    return None


def load_presets(project_dir: Path) -> PresetConfig:
    """Read the preset checks of a dbt project.

    Raises:
        ConfigError: the file is not valid YAML, or a check lacks a ``type``, has an unknown one or
            params that do not fit it (said before anything runs).
    """
    path = find_config(project_dir)
    if path is None:
        return PresetConfig(source="defaults", checks=DEFAULT_CHECKS)
    return PresetConfig(source=path.name, checks=parse_presets(path.read_text(encoding="utf-8"), path))


def parse_presets(text: str, path: Path) -> tuple[PresetCheck, ...]:
    """Parse the ``checks:`` list of a config file's text (pure)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}.",
                          remedy="Fix the file's syntax (a YAML linter shows the line).") from None
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must be a mapping with a `checks:` list at the top.",
                          remedy="Start the file with `checks:` and list the checks under it.")
    raw = data.get("checks") or []
    if not isinstance(raw, list):
        raise ConfigError(f"`checks:` in {path} must be a list.",
                          remedy="Write each check as a list item starting with `- name:`.")
    return tuple(_preset(item, index, path) for index, item in enumerate(raw, start=1))


def _preset(item: object, index: int, path: Path) -> PresetCheck:
    """Check #``index`` of the file, its spec parsed (pure)."""
    try:
        entry = _Entry.model_validate(item)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'check'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"Check #{index} in {path} is invalid: {problems}.",
                          remedy="Each check needs a `type` (e.g. row_count_diff) and optional "
                                 "`name`, `description` and `params` mapping.") from None
    try:
        spec = parse_spec(entry.type, entry.params)
    except InvalidSpec as exc:
        named = f" ({entry.name!r})" if entry.name else ""
        raise ConfigError(f"Check #{index}{named} in {path} is invalid: {exc.message}", remedy=exc.remedy) from None
    return PresetCheck(spec=spec, name=entry.name, description=entry.description)

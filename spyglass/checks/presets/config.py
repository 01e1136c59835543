"""The config file's shape: read the ``checks:`` list of ``spyglass.yml``/``recce.yml``, and write one back.

Both files share one shape, so a Recce user switches with no edits::

    checks:
      - name: Row count of changed tables
        description: optional
        type: row_count_diff
        params: {select: "state:modified,config.materialized:table"}

:func:`presets_yaml` writes checks in that shape (what ``spyglass run --suggest`` prints); :func:`parse_presets`
reads them back to the same checks.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError

from spyglass.checks.budget import Budget, budget_from
from spyglass.checks.registry import AnySpec, parse_spec
from spyglass.exceptions import ConfigError, InvalidSpec

CONFIG_FILES = ("spyglass.yml", "spyglass.yaml", "recce.yml", "recce.yaml")
#: width of the comment lines :func:`presets_yaml` writes
_COMMENT_WIDTH = 100


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
    #: defaults only: what was not given a check and why (no primary key, ephemeral, over the limit)
    notes: tuple[str, ...] = ()
    #: the file's ``budget:`` (:mod:`spyglass.checks.budget`); none set: unlimited
    budget: Budget = field(default_factory=Budget)


def find_config(project_dir: Path) -> Path | None:
    """The first of ``spyglass.yml`` / ``recce.yml`` present in the project directory."""
    for name in CONFIG_FILES:
        path = project_dir / name
        if path.is_file():
            return path
    return None


def _load_yaml(text: str, path: Path) -> object:
    """The YAML of a config file's text (pure).

    Raises:
        ConfigError: the text is not valid YAML.
    """
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}.",
                          remedy="Fix the file's syntax (a YAML linter shows the line).") from None


def _problems(exc: ValidationError, what: str) -> str:
    """A validation error's problems on one line: ``field: message; ...`` (``what`` for the whole)."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or what}: {e['msg']}" for e in exc.errors())


def parse_presets(text: str, path: Path) -> tuple[PresetCheck, ...]:
    """Parse the ``checks:`` list of a config file's text (pure).

    Raises:
        ConfigError: the text is not valid YAML, or a check lacks a ``type``, has an unknown one or
            params that do not fit it.
    """
    data = _load_yaml(text, path)
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
        raise ConfigError(f"Check #{index} in {path} is invalid: {_problems(exc, 'check')}.",
                          remedy="Each check needs a `type` (e.g. row_count_diff) and optional "
                                 "`name`, `description` and `params` mapping.") from None
    try:
        spec = parse_spec(entry.type, entry.params)
    except InvalidSpec as exc:
        named = f" ({entry.name!r})" if entry.name else ""
        raise ConfigError(f"Check #{index}{named} in {path} is invalid: {exc.message}", remedy=exc.remedy) from None
    return PresetCheck(spec=spec, name=entry.name, description=entry.description)


class _BudgetEntry(BaseModel):
    """The config file's ``budget:`` mapping."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_rows: int | None = Field(default=None, ge=1)
    max_run_rows: int | None = Field(default=None, ge=1)
    sample: bool = False


def parse_budget(text: str, path: Path) -> Budget:
    """The ``budget:`` mapping at the top of a config file's text (no mapping: no limit) (pure).

    Raises:
        ConfigError: the text is not valid YAML, or ``budget:`` is not a mapping of those keys.
    """
    data = _load_yaml(text, path)
    raw = data.get("budget") if isinstance(data, dict) else None
    if raw is None:
        return Budget()
    try:
        entry = _BudgetEntry.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"`budget:` in {path} is invalid: {_problems(exc, 'budget')}.",
                          remedy="Write it as `budget: {max_rows: 10000000, max_run_rows: 100000000, "
                                 "sample: true}` (each key optional; rows are whole numbers above 0).") from None
    return budget_from(entry.model_dump(), {"max_rows": f"budget.max_rows in {path.name}",
                                            "max_run_rows": f"budget.max_run_rows in {path.name}"})


def presets_yaml(checks: Sequence[PresetCheck], *, comments: Sequence[str] = ()) -> str:
    """``checks`` as a config file, ``comments`` first as ``#`` lines (pure). :func:`parse_presets` reads
    the text back to the same checks: keys that hold their default are left out, as a person writes them."""
    head = "".join(_comment(text) for text in comments)
    body = yaml.safe_dump({"checks": [_written(check) for check in checks]}, sort_keys=False, allow_unicode=True,
                          default_flow_style=False, width=_COMMENT_WIDTH)
    return head + body


def _written(check: PresetCheck) -> dict[str, object]:
    entry: dict[str, object] = {}
    if check.name is not None:
        entry["name"] = check.name
    if check.description:
        entry["description"] = check.description
    entry["type"] = check.spec.type
    params = check.spec.params.model_dump(mode="json")
    if params:
        entry["params"] = params
    return entry


def _comment(text: str) -> str:
    """One paragraph as ``#`` lines (an empty paragraph: a bare ``#``)."""
    lines = textwrap.wrap(text, _COMMENT_WIDTH - 2, break_long_words=False, break_on_hyphens=False) or [""]
    return "".join(f"# {line}\n" if line else "#\n" for line in lines)

"""Find and render the dbt profile target the way ``dbt`` does, without dbt's global flags.

``profiles.yml`` is read from ``settings.profiles_dir`` (the CLI fills it from ``--profiles-dir`` or
``DBT_PROFILES_DIR``), else as dbt Core does: the current directory when it has one, else ``~/.dbt``
(:func:`spyglass.settings.default_profiles_dir`). The profile name comes from ``--profile`` or the
project's ``dbt_project.yml``; the target from ``--target`` or the profile's ``target:``.
Every value is rendered with dbt-common's native Jinja (as dbt's ``ProfileRenderer`` does), with
``env_var(name, default)`` reading ``os.environ``; dbt-core's config package (slow to import, and
bound to dbt's global flags) is not used.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from spyglass.exceptions import ConfigError, WarehouseUnavailable
from spyglass.settings import ProjectSettings, default_profiles_dir
from spyglass.warehouse.dialect_table import dialect_for

DEFAULT_THREADS = 1


@dataclass(frozen=True)
class TargetConfig:
    """One rendered profile target: the adapter's credentials plus dbt's bookkeeping fields."""

    profiles_path: Path
    profile_name: str
    target_name: str
    adapter_type: str
    threads: int
    # Any: the adapter's own Credentials dataclass (dbt type, varies per adapter)
    credentials: Any


def profiles_dir(settings: ProjectSettings) -> Path:
    """The directory whose ``profiles.yml`` dbt would read for these settings."""
    if settings.profiles_dir is not None:
        return settings.profiles_dir
    return default_profiles_dir(Path.cwd(), Path.home())


def project_profile_name(project_dir: Path) -> str | None:
    """The ``profile:`` of ``dbt_project.yml`` (None when the file or the key is missing)."""
    path = project_dir / "dbt_project.yml"
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}", remedy="Fix dbt_project.yml.") from exc
    name = data.get("profile") if isinstance(data, dict) else None
    return str(name) if name else None


def load_target(settings: ProjectSettings) -> TargetConfig:
    """Read and render the selected target of profiles.yml (raises ConfigError / WarehouseUnavailable)."""
    directory = profiles_dir(settings)
    path = directory / "profiles.yml"
    if not path.is_file():
        raise ConfigError(
            f"No profiles.yml in {directory}.",
            remedy="Pass --profiles-dir (or set DBT_PROFILES_DIR) to the directory dbt uses for this project.",
        )
    name = settings.profile or project_profile_name(settings.project_dir)
    if name is None:
        raise ConfigError(
            f"No dbt profile name: --profile was not given and {settings.project_dir / 'dbt_project.yml'} "
            "has no `profile:`.",
            remedy="Pass --profile NAME or --project-dir pointing at the dbt project.",
        )
    target_name, data = _render(path, name, settings.target)
    return _target_config(path, name, target_name, _with_defaults(data, settings.project_dir))


def _with_defaults(data: dict[str, Any], project_dir: Path) -> dict[str, Any]:
    """``data`` completed by the dialect's ``profile_defaults`` (a dotted ``module:function``)."""
    hook = dialect_for(str(data.get("type", "") or "")).profile_defaults
    if hook is None:
        return data
    module, _, function = hook.partition(":")
    completed: dict[str, Any] = getattr(importlib.import_module(module), function)(data, project_dir)
    return completed


def _render(path: Path, name: str, target: str | None) -> tuple[str, dict[str, Any]]:
    try:
        raw_profiles = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path} cannot be read as YAML: {exc}", remedy="Fix profiles.yml.") from exc
    raw = raw_profiles.get(name) if isinstance(raw_profiles, dict) else None
    if not isinstance(raw, dict) or not raw:
        known = ", ".join(sorted(str(k) for k in raw_profiles if k != "config")) if isinstance(
            raw_profiles, dict) else ""
        raise ConfigError(f"{path} has no profile named {name!r} (profiles: {known or 'none'}).",
                          remedy="Pass --profile with one of those names or add the profile.")
    target_name = target or str(_render_value(raw.get("target", "default"), path))
    outputs = raw.get("outputs")
    if not isinstance(outputs, dict) or not isinstance(outputs.get(target_name), dict):
        known = ", ".join(sorted(outputs)) if isinstance(outputs, dict) else "none"
        raise ConfigError(f"Profile {name!r} in {path} has no target {target_name!r} (targets: {known}).",
                          remedy="Pass --target with one of those targets or add it under `outputs:`.")
    data = _render_value(outputs[target_name], path)
    return target_name, dict(data)


def _render_value(value: Any, path: Path) -> Any:
    """Render every string of a profile value as dbt does (native Jinja: ``'5432'`` becomes 5432)."""
    # Any: YAML values of any shape
    if isinstance(value, dict):
        return {key: _render_value(item, path) for key, item in value.items()}
    if isinstance(value, list):
        return [_render_value(item, path) for item in value]
    if not isinstance(value, str):
        return value
    from dbt_common.clients.jinja import get_template, render_template
    from dbt_common.exceptions import DbtBaseException

    context = {"env_var": _env_var}
    try:
        return render_template(get_template(value, context, native=True), context)
    except DbtBaseException as exc:
        message = " ".join(str(exc).split())
        raise ConfigError(f"Cannot render {value!r} in {path}: {message}",
                          remedy="Set the environment variable it names, or give env_var() a default.") from exc


def _env_var(name: str, default: str | None = None) -> str:
    """dbt's ``env_var()``: the variable's value, else the default, else an error."""
    value = os.environ.get(name, default)
    if value is None:
        raise ConfigError(f"profiles.yml uses env_var({name!r}), which is not set and has no default.",
                          remedy=f"Set {name} in the environment or pass a default: env_var({name!r}, '...').")
    return value


def _target_config(path: Path, name: str, target_name: str, data: dict[str, Any]) -> TargetConfig:
    adapter_type = str(data.pop("type", "") or "")
    if not adapter_type:
        raise ConfigError(f"Target {target_name!r} of profile {name!r} in {path} has no `type`.",
                          remedy="Add `type: duckdb` (or your adapter) to the target.")
    threads = int(data.pop("threads", DEFAULT_THREADS) or DEFAULT_THREADS)
    plugin = adapter_plugin(adapter_type)
    credentials_cls = plugin.credentials
    try:
        values = credentials_cls.translate_aliases(data)
        credentials_cls.validate(values)
        credentials = credentials_cls.from_dict(values)
    except Exception as exc:  # dbt raises its own ValidationError types here
        message = scrub_secrets(" ".join(str(exc).split()), data)
        raise ConfigError(f"Target {target_name!r} of profile {name!r} in {path} is invalid: {message}",
                          remedy="Fix the target's settings in profiles.yml.") from None
    return TargetConfig(path, name, target_name, adapter_type, max(1, threads), credentials)


_SECRET_KEY_PARTS = ("password", "pass", "token", "secret", "private_key", "key")


def scrub_secrets(message: str, values: dict[str, Any]) -> str:
    """``message`` with the values of secret-looking profile keys replaced by ``****``."""
    for key, value in values.items():
        text = str(value) if value is not None else ""
        if text and any(part in str(key).lower() for part in _SECRET_KEY_PARTS):
            message = message.replace(text, "****")
    return message


def adapter_plugin(adapter_type: str) -> Any:
    """The ``Plugin`` of ``dbt.adapters.<type>`` (raises WarehouseUnavailable if not installed)."""
    # Any: dbt's AdapterPlugin (untyped for our purposes)
    try:
        module = importlib.import_module(f"dbt.adapters.{adapter_type}")
    except ImportError as exc:
        raise WarehouseUnavailable(
            f"The dbt adapter for {adapter_type!r} is not installed.",
            remedy=f"Install it in Spyglass's environment: pip install dbt-{adapter_type}.",
        ) from exc
    plugin = getattr(module, "Plugin", None)
    if plugin is None:
        raise WarehouseUnavailable(f"dbt.adapters.{adapter_type} is not a dbt adapter plugin.",
                                   remedy=f"Reinstall dbt-{adapter_type}.")
    return plugin

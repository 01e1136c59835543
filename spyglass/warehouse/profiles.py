"""Find and render the dbt profile target the way ``dbt`` does, without dbt's global flags.

Resolution order of ``profiles.yml``: ``--profiles-dir``, then ``DBT_PROFILES_DIR``, then the project
directory, then the current directory, then ``~/.dbt``. The profile name comes from ``--profile`` or
the project's ``dbt_project.yml``; the target from ``--target`` or the profile's ``target:``.
``env_var()`` in profiles.yml is rendered by dbt's own ``ProfileRenderer`` against ``os.environ``
(inside a private ``contextvars`` context, so nothing leaks into the process).
"""

from __future__ import annotations

import contextvars
import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from spyglass.exceptions import ConfigError, WarehouseUnavailable
from spyglass.settings import ProjectSettings

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
    env_dir = os.environ.get("DBT_PROFILES_DIR")
    if env_dir:
        return Path(env_dir)
    for candidate in (settings.project_dir, Path.cwd()):
        if (candidate / "profiles.yml").is_file():
            return candidate
    return Path.home() / ".dbt"


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
    target_name, data = _render(directory, path, name, settings.target)
    return _target_config(path, name, target_name, data)


def _render(directory: Path, path: Path, name: str, target: str | None) -> tuple[str, dict[str, Any]]:
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context
    from dbt_common.exceptions import DbtBaseException

    def render() -> tuple[str, dict[str, Any]]:
        set_invocation_context(dict(os.environ))
        raw_profiles = read_profile(str(directory))
        raw = raw_profiles.get(name)
        if not raw:
            known = ", ".join(sorted(raw_profiles)) or "none"
            raise ConfigError(f"{path} has no profile named {name!r} (profiles: {known}).",
                              remedy="Pass --profile with one of those names or add the profile.")
        target_name, data = Profile.render_profile(raw, name, target, ProfileRenderer({}))
        return str(target_name), dict(data)

    try:
        return contextvars.copy_context().run(render)
    except DbtBaseException as exc:
        message = " ".join(str(exc).split())
        raise ConfigError(f"Cannot read profile {name!r} from {path}: {message}",
                          remedy="Fix profiles.yml or pass --target with an existing target.") from exc


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
        message = " ".join(str(exc).split())
        raise ConfigError(f"Target {target_name!r} of profile {name!r} in {path} is invalid: {message}",
                          remedy="Fix the target's settings in profiles.yml.") from exc
    return TargetConfig(path, name, target_name, adapter_type, max(1, threads), credentials)


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

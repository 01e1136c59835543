"""Option groups shared by several commands: dbt's own options, taken as dbt takes them.

Precedence is dbt's: the flag, else its environment variable, else dbt's default. dbt 1.11 reads
``DBT_ENGINE_<NAME>`` before ``DBT_<NAME>``; both are honoured in that order (dbt 1.10 has only the
second). ``--vars`` is a YAML mapping, as ``dbt --vars '{key: value}'``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import yaml
from pydantic import JsonValue, TypeAdapter, ValidationError

from spyglass.settings import ProjectSettings, default_project_dir

F = TypeVar("F", bound=Callable[..., Any])

_VARS = TypeAdapter(dict[str, JsonValue])


def dbt_envvar(name: str) -> list[str]:
    """The environment variables dbt reads for one option, preferred first (``PROFILES_DIR`` ->
    ``DBT_ENGINE_PROFILES_DIR``, ``DBT_PROFILES_DIR``)."""
    return [f"DBT_ENGINE_{name}", f"DBT_{name}"]


class _VarsLoader(yaml.SafeLoader):
    """YAML as dbt reads ``--vars``, except that dates stay text (``{day: 2024-01-31}`` renders the same)."""


_VarsLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_vars(ctx: click.Context, param: click.Parameter, value: str | None) -> dict[str, JsonValue]:
    """``--vars``: a YAML (or JSON) mapping of names to values; anything else is a usage error (exit 2)."""
    if value is None:
        return {}
    try:
        data = yaml.load(value, Loader=_VarsLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise click.BadParameter(f"{value!r} is not valid YAML: {' '.join(str(exc).split())}. Write a mapping, "
                                 "e.g. --vars '{start_date: 2024-01-01, days: 7}'.", ctx, param) from None
    if not isinstance(data, dict):
        raise click.BadParameter(f"{value!r} is not a YAML mapping. Write e.g. --vars '{{key: value}}'.", ctx, param)
    try:
        return _VARS.validate_python(data)
    except ValidationError:
        raise click.BadParameter(f"{value!r} has keys that are not text or values that are not text, numbers, "
                                 "booleans, null, lists or mappings.", ctx, param) from None


def project_options(func: F) -> F:
    """dbt's ``--project-dir --profiles-dir --profile --target --target-path --vars`` and Spyglass's
    ``--target-base-path``."""
    options = [
        click.option("--project-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
                     envvar=dbt_envvar("PROJECT_DIR"), show_envvar=True,
                     help="The dbt project directory (default: as dbt, the nearest of the current directory "
                          "and its parents with a dbt_project.yml)."),
        click.option("--profiles-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                     envvar=dbt_envvar("PROFILES_DIR"), show_envvar=True,
                     help="Directory of profiles.yml (default: as dbt Core, the current directory if it has "
                          "one, else ~/.dbt)."),
        click.option("--profile", default=None, envvar=dbt_envvar("PROFILE"), show_envvar=True,
                     help="Profile name (default: the project's)."),
        click.option("--target", "-t", default=None, envvar=dbt_envvar("TARGET"), show_envvar=True,
                     help="Profile target (default: the profile's)."),
        click.option("--target-path", type=click.Path(path_type=Path), default=Path("target"),
                     envvar=dbt_envvar("TARGET_PATH"), show_envvar=True, show_default=True,
                     help="Artifacts of the current environment (relative to the project directory)."),
        click.option("--target-base-path", type=click.Path(path_type=Path), default=Path("target-base"),
                     show_default=True, help="Artifacts of the base (production) environment."),
        click.option("--vars", "dbt_vars", metavar="YAML", default=None, callback=parse_vars,
                     help="Variables for var() in SQL templates, as dbt takes them: a YAML mapping, "
                          "e.g. '{start_date: 2024-01-01}'."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def settings_from(kwargs: dict[str, Any]) -> ProjectSettings:
    """Pop the project options out of a command's kwargs into ProjectSettings."""
    project_dir = kwargs.pop("project_dir")
    return ProjectSettings(
        project_dir=project_dir if project_dir is not None else default_project_dir(Path.cwd()),
        profiles_dir=kwargs.pop("profiles_dir"),
        profile=kwargs.pop("profile"),
        target=kwargs.pop("target"),
        target_path=kwargs.pop("target_path"),
        target_base_path=kwargs.pop("target_base_path"),
        vars=kwargs.pop("dbt_vars"),
    )

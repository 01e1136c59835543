"""Option groups shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from spyglass.settings import ProjectSettings

F = TypeVar("F", bound=Callable[..., Any])


def project_options(func: F) -> F:
    """``--project-dir --profiles-dir --profile --target --target-path --target-base-path``."""
    options = [
        click.option("--project-dir", type=click.Path(path_type=Path), default=Path("."),
                     show_default=True, help="The dbt project directory."),
        click.option("--profiles-dir", type=click.Path(path_type=Path), default=None,
                     help="Directory of profiles.yml (default: as dbt: project dir, then ~/.dbt)."),
        click.option("--profile", default=None, help="Profile name (default: the project's)."),
        click.option("--target", "-t", default=None, help="Profile target (default: the profile's)."),
        click.option("--target-path", type=click.Path(path_type=Path), default=Path("target"),
                     show_default=True, help="Artifacts of the current environment."),
        click.option("--target-base-path", type=click.Path(path_type=Path), default=Path("target-base"),
                     show_default=True, help="Artifacts of the base (production) environment."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def settings_from(kwargs: dict[str, Any]) -> ProjectSettings:
    """Pop the project options out of a command's kwargs into ProjectSettings."""
    return ProjectSettings(
        project_dir=kwargs.pop("project_dir"),
        profiles_dir=kwargs.pop("profiles_dir"),
        profile=kwargs.pop("profile"),
        target=kwargs.pop("target"),
        target_path=kwargs.pop("target_path"),
        target_base_path=kwargs.pop("target_base_path"),
    )

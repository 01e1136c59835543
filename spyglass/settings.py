"""Where the dbt project, its artifacts and its profile are: what every entry point passes in.

The defaults follow dbt Core (https://docs.getdbt.com/docs/local/profiles.yml, ``dbt/cli/resolvers.py``):
the project is the nearest of the working directory and its parents holding ``dbt_project.yml``;
``profiles.yml`` is read from ``--profiles-dir``, else ``DBT_PROFILES_DIR`` (both applied by the CLI),
else the working directory when it has one, else ``~/.dbt``. dbt Core never looks in the project
directory (only dbt Fusion does), so neither does Spyglass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import JsonValue


@dataclass(frozen=True)
class ProjectSettings:
    """Paths and dbt profile selection, as ``dbt`` itself takes them."""

    project_dir: Path = Path(".")
    target_path: Path = Path("target")
    target_base_path: Path = Path("target-base")
    profiles_dir: Path | None = None
    profile: str | None = None
    target: str | None = None
    #: dbt's ``--vars`` (already parsed from YAML): what ``var()`` returns when rendering SQL
    vars: Mapping[str, JsonValue] = field(default_factory=dict)

    def resolve(self, path: Path) -> Path:
        """``path`` relative to the project directory unless absolute."""
        return path if path.is_absolute() else self.project_dir / path

    @property
    def current_dir(self) -> Path:
        return self.resolve(self.target_path)

    @property
    def base_dir(self) -> Path:
        return self.resolve(self.target_base_path)


def default_project_dir(cwd: Path) -> Path:
    """dbt's default ``--project-dir``: the nearest of ``cwd`` and its parents with a ``dbt_project.yml``,
    as a path relative to ``cwd`` (``.``, ``..`` ...); ``.`` when there is none."""
    for up, directory in enumerate((cwd, *cwd.parents)):
        if (directory / "dbt_project.yml").is_file():
            return Path(*[".."] * up)
    return Path(".")


def default_profiles_dir(cwd: Path, home: Path) -> Path:
    """dbt's default ``--profiles-dir`` (no flag, no ``DBT_PROFILES_DIR``): ``cwd`` when it holds a
    ``profiles.yml``, else ``home/.dbt``."""
    return cwd if (cwd / "profiles.yml").is_file() else home / ".dbt"

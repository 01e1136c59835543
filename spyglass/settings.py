"""Where the dbt project, its artifacts and its profile are: what every entry point passes in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProjectSettings:
    """Paths and dbt profile selection, as ``dbt`` itself takes them."""

    project_dir: Path = Path(".")
    target_path: Path = Path("target")
    target_base_path: Path = Path("target-base")
    profiles_dir: Path | None = None
    profile: str | None = None
    target: str | None = None

    def resolve(self, path: Path) -> Path:
        """``path`` relative to the project directory unless absolute."""
        return path if path.is_absolute() else self.project_dir / path

    @property
    def current_dir(self) -> Path:
        return self.resolve(self.target_path)

    @property
    def base_dir(self) -> Path:
        return self.resolve(self.target_base_path)

"""Build the bundled demo shop twice: base (as on main) and current (with the change set applied).

Both builds go into one warehouse (:mod:`spyglass.demo.engines`: a DuckDB file by default, a local Spark
metastore, or a PostgreSQL database), base in schema ``prod`` and current in schema ``dev``; the
artifacts go to ``target-base/`` and ``target/`` of the copied project, exactly as a user would lay out
their own project for Spyglass.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from spyglass.demo.changeset import apply_change_set
from spyglass.demo.engines import DATABASE_FILE, SECRET_ENV, DemoEngine
from spyglass.demo.runner import DbtInvocation, run_dbt
from spyglass.exceptions import UsageError
from spyglass.settings import ProjectSettings

#: The bundled dbt project (package data).
PROJECT_SOURCE = Path(__file__).parent / "project"
PROFILE_NAME = "spyglass_demo"
BASE_TARGET, CURRENT_TARGET = "prod", "dev"
DEFAULT_ROWS = 10_000
MIN_ROWS = 10
#: Written into every directory the demo builds; only such directories are ever wiped on re-runs.
MARKER_FILE = ".spyglass-demo"

StepFn = Callable[[str], None]


def _no_step(message: str) -> None:
    """A StepFn that reports nothing."""


@dataclass(frozen=True)
class DemoPaths:
    """Where a built demo lives, and the settings every Spyglass entry point takes for it."""

    project_dir: Path
    profiles_dir: Path
    #: the DuckDB file, or the Spark home (table files + metastore); None on PostgreSQL
    database: Path | None
    rows: int
    settings: ProjectSettings
    engine: DemoEngine = field(default_factory=DemoEngine)


def demo_settings(project_dir: Path) -> ProjectSettings:
    """The ProjectSettings of a demo project built in ``project_dir`` (pure)."""
    return ProjectSettings(
        project_dir=project_dir,
        target_path=Path("target"),
        target_base_path=Path("target-base"),
        profiles_dir=project_dir,
        profile=PROFILE_NAME,
        target=CURRENT_TARGET,
    )


def profiles_yaml(database: Path, threads: int = 2, engine: DemoEngine | None = None) -> str:
    """``profiles.yml`` with targets ``prod`` and ``dev``: two schemas of one DuckDB file ``database``,
    or of the ``engine``'s warehouse for a demo in ``database.parent`` (pure)."""
    if engine is None or engine.name == "duckdb":
        outputs = {target: {"type": "duckdb", "path": str(database), "schema": target, "threads": threads}
                   for target in (BASE_TARGET, CURRENT_TARGET)}
    else:
        outputs = {target: engine.output(database.parent, target, threads) for target in (BASE_TARGET, CURRENT_TARGET)}
    return yaml.safe_dump({PROFILE_NAME: {"target": CURRENT_TARGET, "outputs": outputs}}, sort_keys=False)


def build_demo(directory: Path, rows: int = DEFAULT_ROWS, *, verbose: bool = False,
               on_step: StepFn = _no_step, engine: DemoEngine | None = None) -> DemoPaths:
    """Copy the demo project into ``directory`` and build base and current with dbt on ``engine``.

    Re-running rebuilds from scratch (``--full-refresh``: a PostgreSQL database keeps the last build).
    Raises UsageError when ``directory`` holds something that is not a demo build (it is never wiped)
    or the engine cannot run here, and SpyglassError with dbt's messages when dbt fails.
    """
    engine = engine or DemoEngine()
    engine.validate()
    if rows < MIN_ROWS:
        raise UsageError(f"--rows must be at least {MIN_ROWS}, not {rows}.",
                         remedy=f"Pass --rows {MIN_ROWS} or more (default {DEFAULT_ROWS}).")
    project_dir = directory.expanduser().resolve()
    _prepare_directory(project_dir)
    shutil.copytree(PROJECT_SOURCE, project_dir, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "target", "target-base", "logs"))
    database = engine.database(project_dir)
    (project_dir / "profiles.yml").write_text(profiles_yaml(project_dir / DATABASE_FILE, engine=engine),
                                              encoding="utf-8")
    dbt = DbtInvocation(project_dir=project_dir, profiles_dir=project_dir, verbose=verbose)
    settings = demo_settings(project_dir)

    on_step(f"Building base (schema {BASE_TARGET} on {engine.name}, {rows:,} orders) into {settings.base_dir}")
    _build_side(dbt, BASE_TARGET, settings.target_base_path, rows)
    on_step("Applying the change set (the merge request)")
    apply_change_set(project_dir)
    on_step(f"Building current (schema {CURRENT_TARGET}) into {settings.current_dir}")
    _build_side(dbt, CURRENT_TARGET, settings.target_path, rows)
    return DemoPaths(project_dir=project_dir, profiles_dir=project_dir, database=database, rows=rows,
                     settings=settings, engine=engine)


def _build_side(dbt: DbtInvocation, target: str, target_path: Path, rows: int) -> None:
    variables = {"rows": rows, **({SECRET_ENV: os.environ[SECRET_ENV]} if SECRET_ENV in os.environ else {})}
    common = ["--target", target, "--target-path", str(target_path), "--vars", json.dumps(variables)]
    run_dbt(dbt, ["build", "--full-refresh", *common])
    # build already wrote the compiled manifest; --no-compile only adds catalog.json (seconds faster)
    run_dbt(dbt, ["docs", "generate", "--no-compile", *common])


def _prepare_directory(project_dir: Path) -> None:
    """Empty a previous demo build in ``project_dir``; refuse to touch anything else."""
    if project_dir.exists() and not project_dir.is_dir():
        raise UsageError(f"{project_dir} is a file, not a directory.",
                         remedy="Pass --dir with a new or empty directory, or a previous demo directory.")
    if project_dir.is_dir() and any(project_dir.iterdir()):
        if not (project_dir / MARKER_FILE).is_file():
            raise UsageError(
                f"{project_dir} is not empty and was not created by `spyglass demo`; it is left untouched.",
                remedy="Pass --dir with a new or empty directory (the demo rebuilds its own directories).",
            )
        shutil.rmtree(project_dir)
    project_dir.mkdir(parents=True, exist_ok=True)
    (project_dir / MARKER_FILE).write_text("Built by `spyglass demo`; rebuilt from scratch on every run.\n",
                                           encoding="utf-8")

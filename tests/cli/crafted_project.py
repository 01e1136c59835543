"""What the CLI tests share: crafted models written out as dbt artifacts, and running `spyglass`."""

from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.cli.main import main
from spyglass.project.models import Env
from tests.fixtures.warehouses import Crafted
from tests.project.manifest_builder import ManifestBuilder, write_pair


def orders_project(crafted: Crafted, monkeypatch: pytest.MonkeyPatch, base_sql: str, current_sql: str) -> Path:
    """The crafted ``orders`` table plus manifests on disk (target-base/, target/) naming it, no catalogs."""
    return models_project(crafted, monkeypatch, {"orders": (base_sql, current_sql)})


def models_project(crafted: Crafted, monkeypatch: pytest.MonkeyPatch, models: dict[str, tuple[str, str]]) -> Path:
    """Crafted tables (name: base SQL, current SQL) plus manifests on disk (target-base/, target/) naming
    them, no catalogs.

    The working directory becomes the project's, as a dbt user works: dbt Core (and Spyglass) read
    ``profiles.yml`` from there, not from ``--project-dir``."""
    base = ManifestBuilder("crafted", database=crafted.database, schema=crafted.schemas[Env.BASE])
    current = base.copy(schema=crafted.schemas[Env.CURRENT])
    for name, (base_sql, current_sql) in models.items():
        crafted.create_model(name, base_sql, current_sql)
        base.model(name, sql=base_sql, materialized="table")
        current.model(name, sql=current_sql, materialized="table")
    write_pair(crafted.project_dir, base, current)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(crafted.project_dir)
    return crafted.project_dir


def spyglass(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run the CLI in process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        main([*map(str, args)])
        raise SystemExit(0)
    out = capsys.readouterr()
    return int(exited.value.code or 0), out.out, out.err

"""Real dbt projects for tests: files written to a directory, a DuckDB profile, dbt run in process
(``dbtRunner``, dbt-duckdb). Tests using these are marked ``slow``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def run_dbt(root: Path, *args: str) -> None:
    """``dbt <args>`` on the project at ``root`` with its own profiles.yml; fails the test when dbt fails."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke([*args, "--project-dir", str(root), "--profiles-dir", str(root), "--quiet"])
    assert result.success, f"dbt {' '.join(args)} failed: {result.exception}"


def write_files(root: Path, files: Mapping[str, str | None]) -> None:
    """Write each file (path relative to ``root``); None deletes it."""
    for rel, text in files.items():
        path = root / rel
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)


def write_duckdb_profile(root: Path, profile: str, *, threads: int = 1) -> None:
    """``root/profiles.yml`` with ``profile`` on a DuckDB file in ``root`` (schema ``main``)."""
    (root / "profiles.yml").write_text(
        f"{profile}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {root / f'{profile}.duckdb'}\n      schema: main\n      threads: {threads}\n")

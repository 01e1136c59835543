"""The warehouses the demo builds on: DuckDB (default, a file), Spark (local, in process), PostgreSQL (a DSN).

Each engine gives the demo's two targets (schemas ``prod`` and ``dev``) as profiles.yml outputs. A
PostgreSQL password is never written: the profile reads ``PGPASSWORD`` (see :meth:`DemoEngine.environment`).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from spyglass.exceptions import UsageError
from spyglass.warehouse.spark import session_parameters

ENGINES = ("duckdb", "spark", "postgres")
DATABASE_FILE = "demo.duckdb"
#: where a Spark demo keeps its table files and metastore, inside the demo directory
SPARK_HOME = ".spark"
_PASSWORD = "{{ env_var('PGPASSWORD', '') }}"
#: dbt replaces the values of ``DBT_ENV_SECRET_*`` variables (and of such ``--vars``) by ``*****`` in its log
#: and run_results.json, which record the command line (with the --dsn password)
SECRET_ENV = "DBT_ENV_SECRET_SPYGLASS_DSN_PASSWORD"


@dataclass(frozen=True)
class PostgresDsn:
    """The parts of ``postgresql://user[:password]@host[:port]/database`` (password kept out of repr)."""

    host: str
    port: int
    user: str
    database: str
    password: str | None = None

    def __repr__(self) -> str:
        return f"PostgresDsn(host={self.host!r}, port={self.port}, user={self.user!r}, database={self.database!r})"

    @classmethod
    def parse(cls, dsn: str) -> PostgresDsn:
        parts = urlsplit(dsn)
        if parts.scheme not in ("postgresql", "postgres") or not parts.hostname or not parts.path.strip("/"):
            raise UsageError("--dsn is not a PostgreSQL URL with a host and a database.",
                             remedy="Pass --dsn postgresql://USER@HOST:5432/DATABASE (password in PGPASSWORD).")
        try:
            port = parts.port or 5432
        except ValueError:
            raise UsageError("--dsn has an invalid port.", remedy="Pass a port between 1 and 65535.") from None
        return cls(host=parts.hostname, port=port, user=unquote(parts.username or "postgres"),
                   database=unquote(parts.path.strip("/")),
                   password=unquote(parts.password) if parts.password is not None else None)


@dataclass(frozen=True)
class DemoEngine:
    """The engine of one demo build (``name`` one of :data:`ENGINES`; ``dsn`` for PostgreSQL only)."""

    name: str = "duckdb"
    dsn: str | None = None

    def validate(self) -> None:
        """Raise UsageError (exit 2) when the engine cannot run here, saying what to install or pass."""
        if self.name not in ENGINES:
            raise UsageError(f"Unknown demo engine {self.name!r}.", remedy=f"Pass --engine {'|'.join(ENGINES)}.")
        if (self.name == "postgres") != (self.dsn is not None):
            raise UsageError("--dsn goes with --engine postgres, and --engine postgres needs --dsn.",
                             remedy="Pass --engine postgres --dsn postgresql://USER@HOST:5432/DATABASE.")
        for module, package in _MODULES.get(self.name, ()):
            if importlib.util.find_spec(module) is None:
                raise UsageError(f"The {self.name} demo needs {module}, which is not installed.",
                                 remedy=f"pip install 'spyglass[{package}]'")
        if self.name == "spark" and not _java_found():
            raise UsageError("The spark demo needs Java (17), and no `java` was found on PATH or in JAVA_HOME.",
                             remedy="Install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or "
                                    "set JAVA_HOME.")
        if self.dsn is not None:
            PostgresDsn.parse(self.dsn)

    def database(self, project_dir: Path) -> Path | None:
        """The DuckDB file or the Spark home of a build in ``project_dir`` (None: a PostgreSQL server)."""
        return {"duckdb": project_dir / DATABASE_FILE, "spark": project_dir / SPARK_HOME}.get(self.name)

    def output(self, project_dir: Path, schema: str, threads: int) -> dict[str, Any]:
        """The profiles.yml output of target ``schema``."""
        if self.name == "spark":
            return {"type": "spark", "method": "session", "host": "NA", "schema": schema, "threads": threads,
                    "server_side_parameters": session_parameters(project_dir / SPARK_HOME)}
        if self.dsn is not None:
            dsn = PostgresDsn.parse(self.dsn)
            return {"type": "postgres", "host": dsn.host, "port": dsn.port, "user": dsn.user,
                    "password": _PASSWORD, "dbname": dsn.database, "schema": schema, "threads": threads}
        return {"type": "duckdb", "path": str(project_dir / DATABASE_FILE), "schema": schema, "threads": threads}

    def environment(self) -> dict[str, str]:
        """Variables the profile reads: ``PGPASSWORD`` from the DSN (unless already set), also as a dbt
        secret (:data:`SECRET_ENV`), whose value dbt scrubs from its log and its record of the command."""
        password = PostgresDsn.parse(self.dsn).password if self.dsn is not None else None
        if not password:
            return {}
        return {SECRET_ENV: password, **({} if "PGPASSWORD" in os.environ else {"PGPASSWORD": password})}


_MODULES: dict[str, tuple[tuple[str, str], ...]] = {
    "spark": (("pyspark", "spark"), ("dbt.adapters.spark", "spark")),
    "postgres": (("psycopg2", "postgres"), ("dbt.adapters.postgres", "postgres")),
}


def _java_found() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is not None or bool(java_home and (Path(java_home) / "bin" / "java").is_file())

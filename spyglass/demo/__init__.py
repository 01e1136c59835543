"""The bundled demo: a small shop dbt project (DuckDB, Spark or PostgreSQL), built as base and current with a
change set."""

from spyglass.demo.build import DEFAULT_ROWS, DemoPaths, build_demo

__all__ = ["DEFAULT_ROWS", "DemoPaths", "build_demo"]

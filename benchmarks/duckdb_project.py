"""A throwaway DuckDB dbt project with one model on two schemas: what the data-diff benchmarks share."""

from __future__ import annotations

from pathlib import Path

from spyglass.project.models import ArtifactPair, Artifacts, Env, Manifest, ManifestMetadata, Node, ResourceType
from spyglass.settings import ProjectSettings

DATABASE = "bench"
SCHEMAS = {Env.BASE: "base", Env.CURRENT: "current"}


def write_project(directory: Path, threads: int) -> ProjectSettings:
    """profiles.yml + dbt_project.yml for a DuckDB file in ``directory``."""
    (directory / "profiles.yml").write_text(
        f"bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {directory / (DATABASE + '.duckdb')}\n      threads: {threads}\n")
    (directory / "dbt_project.yml").write_text("name: bench\nprofile: bench\nversion: '1.0'\n")
    return ProjectSettings(project_dir=directory, profiles_dir=directory)


def single_model_pair(name: str) -> ArtifactPair:
    """Base and current manifests holding one table model ``name`` in the base/current schemas."""
    return ArtifactPair(base=_artifacts(Env.BASE, name), current=_artifacts(Env.CURRENT, name))


def _artifacts(env: Env, name: str) -> Artifacts:
    schema = SCHEMAS[env]
    node = Node(unique_id=f"model.bench.{name}", name=name, resource_type=ResourceType.MODEL, package_name="bench",
                database=DATABASE, schema=schema, alias=name, relation_name=f'"{DATABASE}"."{schema}"."{name}"',
                materialized="table")
    metadata = ManifestMetadata(dbt_version="1.11.0", schema_version=12, generated_at="", adapter_type="duckdb")
    manifest = Manifest(path="<bench>", metadata=metadata, nodes={node.unique_id: node}, parent_map={},
                        child_map={})
    return Artifacts(env=env, manifest=manifest, catalog=None)

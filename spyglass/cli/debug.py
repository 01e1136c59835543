"""``spyglass debug``: check artifacts, catalogs, base freshness, the dbt profile and the connection, and
that base and current relations are both reachable through that one connection, saying what to fix.

Each item passes, fails, or warns (a missing catalog only limits schema diff, and stale base artifacts
still compare, so they warn). Exit code 0 when nothing failed, 2 otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from sqlglot import exp

from spyglass.checks.sql import SqlBuilder
from spyglass.cli.interrupt import run_interruptibly
from spyglass.cli.options import project_options, settings_from
from spyglass.exceptions import SpyglassError
from spyglass.project.artifacts import dbt_command, load_catalog, load_manifest
from spyglass.project.freshness import Freshness
from spyglass.project.git_log import base_branch, base_freshness
from spyglass.project.models import Artifacts, Env, Manifest, Node, ResourceType
from spyglass.settings import ProjectSettings
from spyglass.warehouse.dbt import DbtWarehouse, probe
from spyglass.warehouse.profiles import TargetConfig, load_target


class Outcome(str, Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class DebugItem:
    name: str
    outcome: Outcome
    detail: str
    fix: str = ""


_ICONS = {Outcome.PASS: "[green]✔ pass[/]", Outcome.WARN: "[yellow]! warn[/]", Outcome.FAIL: "[red]✘ fail[/]"}


def _failed(name: str, exc: SpyglassError) -> DebugItem:
    return DebugItem(name, Outcome.FAIL, exc.message, exc.remedy)


def check_artifacts(settings: ProjectSettings, env: Env) -> tuple[list[DebugItem], Artifacts | None]:
    """The manifest (must load) and catalog (may be missing) of one environment; its artifacts when the
    manifest loaded (the catalog None when missing or unreadable)."""
    directory = settings.base_dir if env is Env.BASE else settings.current_dir
    label = "Base" if env is Env.BASE else "Current"
    try:
        manifest = load_manifest(directory / "manifest.json", env)
    except SpyglassError as exc:
        return [_failed(f"{label} manifest", exc)], None
    meta = manifest.metadata
    items = [DebugItem(f"{label} manifest", Outcome.PASS,
                       f"{directory / 'manifest.json'}: schema v{meta.schema_version}, dbt {meta.dbt_version}, "
                       f"{len(manifest.nodes)} nodes, generated {meta.generated_at}")]
    try:
        catalog = load_catalog(directory / "catalog.json", env)
    except SpyglassError as exc:
        return [*items, _failed(f"{label} catalog", exc)], Artifacts(env, manifest, None)
    if catalog is None:
        items.append(DebugItem(f"{label} catalog", Outcome.WARN,
                               f"{directory / 'catalog.json'} is missing: schema diff will report unknown coverage.",
                               f"Run `{dbt_command(env, directory)}` (it writes the catalog).")
                     )
    else:
        items.append(DebugItem(f"{label} catalog", Outcome.PASS,
                               f"{len(catalog.tables)} relations, generated {catalog.generated_at}"))
    return items, Artifacts(env, manifest, catalog)


def check_warehouse(settings: ProjectSettings) -> tuple[list[DebugItem], TargetConfig | None]:
    """The profile target and a ``select 1`` through its adapter."""
    try:
        target = load_target(settings)
    except SpyglassError as exc:
        return [_failed("Profile", exc)], None
    profile = DebugItem("Profile", Outcome.PASS,
                        f"profile {target.profile_name!r}, target {target.target_name!r} ({target.adapter_type}, "
                        f"{target.threads} threads) from {target.profiles_path}")
    try:
        seconds = probe(target)
    except SpyglassError as exc:
        return [profile, _failed("Connection", exc)], target
    return [profile, DebugItem("Connection", Outcome.PASS,
                               f"`select 1` through dbt-{target.adapter_type} took {seconds:.2f} s")], target


def adapter_consistency(manifests: list[Manifest], target: TargetConfig) -> list[DebugItem]:
    """Warn when the artifacts were built with another adapter than the profile's target uses."""
    built_with = sorted({m.metadata.adapter_type for m in manifests if m.metadata.adapter_type})
    if not built_with or built_with == [target.adapter_type]:
        return []
    return [DebugItem("Adapter", Outcome.WARN,
                      f"artifacts were built with {', '.join(built_with)} but the target uses {target.adapter_type}",
                      "Pass --target (or --profile) for the warehouse the artifacts describe.")]


def check_freshness(settings: ProjectSettings, base: Manifest, environ: Mapping[str, str]) -> DebugItem:
    """``spyglass check-base``'s verdict on the base manifest already loaded (stale or unknown warn)."""
    branch = base_branch(settings.project_dir, None, environ)
    report = base_freshness(settings, branch, base.metadata.generated_at)
    outcome = Outcome.PASS if report.status is Freshness.FRESH else Outcome.WARN
    return DebugItem("Base freshness", outcome, f"{report.line} Base branch chosen by {branch.source}.", report.remedy)


#: what to do when base and current cannot both be queried through the target's one connection
SAME_CONNECTION = ("Spyglass compares base and current through the profile target's one connection: keep both in "
                   "one database (on PostgreSQL: schemas such as prod and dev of one database) and point the "
                   "target at it, or pass --target-base-path artifacts of a base built against the database the "
                   "target connects to. A relation that is only missing needs building (`dbt build`, with "
                   "--target prod for the base).")


def _models(artifacts: Artifacts | None) -> dict[str, Node]:
    """The side's models with a relation; only those its catalog lists (built) when it has a catalog that
    lists any."""
    nodes = artifacts.manifest.nodes.values() if artifacts is not None else ()
    models = {n.unique_id: n for n in nodes if n.resource_type is ResourceType.MODEL and n.relation_name}
    catalog = artifacts.catalog if artifacts is not None else None
    built = {uid: node for uid, node in models.items() if catalog is not None and uid in catalog.tables}
    return built or models


def probe_nodes(artifacts: Mapping[Env, Artifacts]) -> dict[Env, Node]:
    """The model each side is probed on: the first (by unique id) present on both sides (built, when the
    catalogs say), else the first present on each side."""
    sides = {env: _models(artifacts.get(env)) for env in (Env.BASE, Env.CURRENT)}
    shared = sorted(sides[Env.BASE].keys() & sides[Env.CURRENT].keys())
    if shared:
        return {env: nodes[shared[0]] for env, nodes in sides.items()}
    return {env: nodes[min(nodes)] for env, nodes in sides.items() if nodes}


def check_relations(target: TargetConfig, artifacts: Mapping[Env, Artifacts]) -> list[DebugItem]:
    """``select 1 from <relation> where 1=0`` on one base and one current model, through one connection."""
    nodes = probe_nodes(artifacts)
    if len(nodes) < 2:
        return []
    failures: list[str] = []
    shown: list[str] = []
    try:
        with DbtWarehouse(target) as warehouse:
            sql = SqlBuilder.for_warehouse(warehouse)
            for env, node in nodes.items():
                relation = warehouse.relation(node)
                one = exp.Literal.number(1)
                query = exp.select(one).from_(sql.relation(relation)).where(
                    exp.EQ(this=one.copy(), expression=exp.Literal.number(0)))
                shown.append(f"{env.value} {relation}")
                try:
                    warehouse.execute(sql.render(query), limit=1)
                except SpyglassError as exc:
                    failures.append(f"the {env.value} relation {relation} ({node.unique_id}): {exc.message}")
    except SpyglassError as exc:
        return [_failed("Base and current relations", exc)]
    if failures:
        return [DebugItem("Base and current relations", Outcome.FAIL,
                          "not both reachable through the target's connection: " + "; ".join(failures),
                          SAME_CONNECTION)]
    return [DebugItem("Base and current relations", Outcome.PASS,
                      f"`select 1 ... where 1=0` ran on {' and '.join(shown)} through one connection")]


def diagnose(settings: ProjectSettings, environ: Mapping[str, str]) -> list[DebugItem]:
    """Every debug item, in the order they are printed."""
    items: list[DebugItem] = []
    sides: dict[Env, Artifacts] = {}
    for env in (Env.BASE, Env.CURRENT):
        env_items, artifacts = check_artifacts(settings, env)
        items += env_items
        if artifacts is not None:
            sides[env] = artifacts
    if Env.BASE in sides:
        items.append(check_freshness(settings, sides[Env.BASE].manifest, environ))
    warehouse_items, target = check_warehouse(settings)
    items += warehouse_items
    if target is not None:
        items += adapter_consistency([side.manifest for side in sides.values()], target)
        if all(item.outcome is Outcome.PASS for item in warehouse_items):
            items += check_relations(target, sides)
    return items


def exit_code(items: list[DebugItem]) -> int:
    return 2 if any(item.outcome is Outcome.FAIL for item in items) else 0


def print_items(items: list[DebugItem], console: Console) -> None:
    for item in items:
        console.print(f"{_ICONS[item.outcome]}  [bold]{escape(item.name)}[/]: {escape(item.detail)}",
                      highlight=False)
        if item.fix and item.outcome is not Outcome.PASS:
            console.print(f"         fix: {escape(item.fix)}", highlight=False)
    failed = sum(1 for item in items if item.outcome is Outcome.FAIL)
    console.print("All checks passed." if not failed else f"{failed} check(s) failed.", highlight=False)


@click.command("debug")
@project_options
def debug_command(**kwargs: Any) -> None:
    """Check artifacts, catalogs, base freshness, the dbt profile, the warehouse connection and that base and
    current relations are reachable through it."""
    settings = settings_from(kwargs)
    # Ctrl+C during a hanging connect: exit 130
    items = run_interruptibly(lambda _cancel: diagnose(settings, os.environ))
    print_items(items, Console(soft_wrap=True))
    code = exit_code(items)
    if code:
        raise SystemExit(code)  # not click's Exit: main() runs click with standalone_mode=False


def register(group: click.Group) -> None:
    """Add ``spyglass debug`` to the group."""
    group.add_command(debug_command)

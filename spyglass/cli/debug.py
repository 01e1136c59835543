"""``spyglass debug``: check artifacts, catalogs, the dbt profile and the connection, saying what to fix.

Each item passes, fails, or warns (a missing catalog only limits schema diff, so it warns). Exit code
0 when nothing failed, 2 otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from spyglass.cli.interrupt import run_interruptibly
from spyglass.cli.options import project_options, settings_from
from spyglass.exceptions import SpyglassError
from spyglass.project.artifacts import dbt_command, load_catalog, load_manifest
from spyglass.project.models import Env, Manifest
from spyglass.settings import ProjectSettings
from spyglass.warehouse.dbt import probe
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


def check_artifacts(settings: ProjectSettings, env: Env) -> tuple[list[DebugItem], Manifest | None]:
    """The manifest (must load) and catalog (may be missing) of one environment."""
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
        return [*items, _failed(f"{label} catalog", exc)], manifest
    if catalog is None:
        items.append(DebugItem(f"{label} catalog", Outcome.WARN,
                               f"{directory / 'catalog.json'} is missing: schema diff will report unknown coverage.",
                               f"Run `{dbt_command(env, directory)}` (it writes the catalog).")
                     )
    else:
        items.append(DebugItem(f"{label} catalog", Outcome.PASS,
                               f"{len(catalog.tables)} relations, generated {catalog.generated_at}"))
    return items, manifest


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


def diagnose(settings: ProjectSettings) -> list[DebugItem]:
    """Every debug item, in the order they are printed."""
    items: list[DebugItem] = []
    manifests: list[Manifest] = []
    for env in (Env.BASE, Env.CURRENT):
        env_items, manifest = check_artifacts(settings, env)
        items += env_items
        if manifest is not None:
            manifests.append(manifest)
    warehouse_items, target = check_warehouse(settings)
    items += warehouse_items
    if target is not None:
        items += adapter_consistency(manifests, target)
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
    """Check artifacts, catalogs, the dbt profile and the warehouse connection."""
    settings = settings_from(kwargs)
    items = run_interruptibly(lambda _cancel: diagnose(settings))  # Ctrl+C during a hanging connect: exit 130
    print_items(items, Console(soft_wrap=True))
    code = exit_code(items)
    if code:
        raise SystemExit(code)  # not click's Exit: main() runs click with standalone_mode=False


def register(group: click.Group) -> None:
    """Add ``spyglass debug`` to the group."""
    group.add_command(debug_command)

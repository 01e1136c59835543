"""``spyglass impact`` and ``spyglass column-lineage``: what a change can affect, and where a column comes
from and goes.

Both read the artifacts only (manifests and catalogs, through :class:`ProjectSnapshot`'s change analysis):
they never open the warehouse and never import dbt, so they run wherever the artifacts are. ``--json``
prints the shapes scripts depend on (the field names are kept as they are); without it, rich tables.
``impact`` reports the nodes of its selection (default ``state:modified+``) as
:func:`spyglass.checks.lineage_diff.run.selected_impact` finds them, the same entries the
``lineage_diff`` check carries.

``column-lineage`` takes ``MODEL.COLUMN`` split at its last dot, so every spelling of a model that holds
dots (``shop.orders``, ``orders.v2``, ``source:raw.orders``, a unique id) works as is; a column whose
own name holds a dot is named as two arguments, ``MODEL COLUMN``. Exit codes: 0 done, 2 a usage error
(bad selector, unknown or ambiguous model, unknown column) or unusable artifacts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from spyglass.checks.lineage_diff.result import ImpactFields, category_label
from spyglass.checks.lineage_diff.run import selected_impact
from spyglass.checks.scope import NodeSelection
from spyglass.cli.options import project_options, settings_from
from spyglass.exceptions import CheckError, NotFound, UsageError
from spyglass.markup.escape import one_line
from spyglass.project.change_types import ColumnHop, ColumnLineageView, ImpactChange, ImpactReport, NodeImpact
from spyglass.project.changes import ChangeAnalysis
from spyglass.project.lookup import find_in_pair
from spyglass.project.models import Env, Node
from spyglass.project.selection import describe_selection, select_nodes
from spyglass.project.snapshot import ProjectSnapshot, load_snapshot
from spyglass.report.terminal import output_console

#: what ``spyglass impact`` looks at without ``--select``: the changed nodes and everything downstream
DEFAULT_SELECT = "state:modified+"
#: at most this many names in one table cell (``--json`` has them all)
MAX_CELL_NAMES = 10
_CHANGE_ORDER = {ImpactChange.ADDED: 0, ImpactChange.REMOVED: 1, ImpactChange.MODIFIED: 2, ImpactChange.IMPACTED: 3}
_CHANGE_STYLES = {ImpactChange.ADDED: "green", ImpactChange.REMOVED: "red", ImpactChange.MODIFIED: "yellow",
                  ImpactChange.IMPACTED: "magenta"}
_CATEGORY_STYLES = {"breaking": "bold red", "partial_breaking": "yellow", "non_breaking": "green", "unknown": "dim"}


# -- spyglass impact ---------------------------------------------------------------------------------------
def ordered(report: ImpactReport) -> list[NodeImpact]:
    """Added, removed, modified, then impacted nodes; by unique id within each (pure, deterministic)."""
    return sorted(report.nodes, key=lambda n: (_CHANGE_ORDER[n.change], n.unique_id))


def impact_json(report: ImpactReport) -> str:
    """``{"nodes": [{"unique_id", "name", "resource_type", "change", "category", "reasons", "columns",
    "impacted_columns"}]}``: what ``spyglass impact --json`` prints (pure)."""
    nodes = [{"unique_id": node.unique_id, "name": node.name, "resource_type": node.resource_type.value,
              **ImpactFields.of(node).model_dump(mode="json")} for node in ordered(report)]
    return json.dumps({"nodes": nodes}, indent=2)


def impact_table(report: ImpactReport, selection: str) -> Table:
    """One row per node: change, category, node, why, changed columns, the columns it can affect (for a
    changed node: downstream; for an impacted one: its own) and the exposures downstream (pure)."""
    table = Table(title=f"Impact of {one_line(selection)}")
    for header in ("Change", "Category", "Node", "Why", "Changed columns", "Impacted columns", "Exposures"):
        table.add_column(header, overflow="fold", no_wrap=header in ("Change", "Category"))
    for node in ordered(report):
        fields = ImpactFields.of(node)
        category = Text(category_label(fields.category), style=_CATEGORY_STYLES[fields.category]) \
            if fields.category else Text("-", style="dim")
        columns = ", ".join(f"{name} ({kind})" for name, kind in fields.columns.items())
        count = len(fields.impacted_columns)
        impacted = f"{count}: {_capped(fields.impacted_columns)}" if count else ""
        table.add_row(Text(node.change.value, style=_CHANGE_STYLES[node.change]), category,
                      Text(one_line(f"{node.name} ({node.resource_type.value})")),
                      Text(one_line("; ".join(fields.reasons))), Text(one_line(columns)), Text(one_line(impacted)),
                      Text(one_line(_capped(sorted(node.exposures)))))
    return table


def impact_totals(report: ImpactReport) -> str:
    """One line under the table: changed nodes by category, impacted nodes and columns, exposures (pure)."""
    changed = [n for n in report.nodes if n.change is not ImpactChange.IMPACTED]
    if not report.nodes:
        return "Nothing changed in the selection."
    by_category = Counter(category_label(n.category.value) for n in changed if n.category is not None)
    categories = f" ({', '.join(f'{n} {c}' for c, n in sorted(by_category.items()))})" if by_category else ""
    impacted = [n for n in report.nodes if n.change is ImpactChange.IMPACTED]
    columns = {c for n in changed for c in n.impacted_columns}
    exposures = sorted({e for n in changed for e in n.exposures})
    text = (f"{_count(len(changed), 'changed node')}{categories}; {_count(len(impacted), 'impacted node')}, "
            f"{_count(len(columns), 'impacted column')}.")
    return text + (f" Exposures downstream: {', '.join(exposures)}." if exposures else "")


def _capped(names: Sequence[str]) -> str:
    shown = ", ".join(names[:MAX_CELL_NAMES])
    return shown + (f" and {len(names) - MAX_CELL_NAMES} more" if len(names) > MAX_CELL_NAMES else "")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


@click.command("impact")
@click.option("--select", "-s", "select", multiple=True, metavar="SELECTOR",
              help=f"The nodes to report, in dbt's syntax (repeatable; default: {DEFAULT_SELECT}): the changed "
                   "ones with what they can affect, and the unchanged ones a change upstream can affect.")
@click.option("--exclude", multiple=True, metavar="SELECTOR", help="Leave these nodes out (dbt's syntax).")
@click.option("--json", "as_json", is_flag=True,
              help="Print {\"nodes\": [...]}: unique_id, name, resource_type, change, category, reasons, "
                   "columns, impacted_columns.")
@project_options
def impact_command(select: tuple[str, ...], exclude: tuple[str, ...], as_json: bool, **kwargs: Any) -> None:
    """The changed nodes, what each change means (category, why, changed columns) and the downstream
    nodes and columns it can affect. Reads the artifacts only; never the warehouse.

    A selected unchanged node is reported when a change upstream can affect it, whether that change is
    selected or not (`--select orders` says whether anything changed can affect orders)."""
    selection = NodeSelection.parse(select or (DEFAULT_SELECT,), exclude)  # a bad selector: exit 2 at once
    snapshot = load_snapshot(settings_from(kwargs))
    ids = select_nodes(snapshot.artifacts, snapshot.lineage, selection.select, selection.exclude or None)
    report = ImpactReport(nodes=tuple(selected_impact(snapshot.changes, ids).values()))
    if as_json:
        # straight to stdout: rich's highlighting costs seconds on a large project's report
        click.echo(impact_json(report))
        return
    console = output_console()
    if report.nodes:
        console.print(impact_table(report, describe_selection(select=selection.select, exclude=selection.exclude)))
    console.print(Text(impact_totals(report)))


# -- spyglass column-lineage -------------------------------------------------------------------------------
def split_target(target: str, column: str | None) -> tuple[str, str]:
    """(model, column) of ``MODEL.COLUMN`` (split at the last dot), or of ``MODEL COLUMN`` (pure).

    Raises:
        UsageError: no column is named.
    """
    if column is not None:
        model, name = target.strip(), column.strip()
    else:
        model, _, name = target.strip().rpartition(".")
    if not model or not name:
        raise UsageError(f"{target!r} does not name a column.",
                         remedy="Write MODEL.COLUMN (e.g. orders.amount), or MODEL COLUMN as two arguments.")
    return model, name.lower()


def resolve_node(snapshot: ProjectSnapshot, model: str, env: Env) -> tuple[Node, tuple[str, ...]]:
    """The node ``model`` means on the ``env`` side, and the notes saying how it was chosen.

    Raises:
        NotFound: no such node, or not on that side (exit 2).
        UsageError: ambiguous (exit 2).
    """
    try:
        found = find_in_pair(snapshot.artifacts, model)
    except CheckError as exc:  # unknown or ambiguous: a bad argument here, not a failed check
        raise NotFound(exc.message, remedy=exc.remedy) from None
    node = found.base if env is Env.BASE else found.current
    if node is None:
        other = Env.CURRENT if env is Env.BASE else Env.BASE
        raise NotFound(f"{model!r} is not in the {env.value} manifest, only in the {other.value} one.",
                       remedy="Drop --base to see its current lineage." if env is Env.BASE
                       else "Add --base to see its lineage in the base environment.")
    return node, found.notes


def known_column(changes: ChangeAnalysis, env: Env, node: Node, column: str) -> None:
    """Raises NotFound (exit 2), naming the node's columns, when ``node`` has no ``column`` on ``env``."""
    lineage = changes.columns(env, node.unique_id)
    if column in lineage.columns:
        return
    names = ", ".join(sorted(lineage.columns)) or "none known"
    why = f" ({lineage.reason})" if lineage.reason else ""
    raise NotFound(f"{node.name} has no column {column!r} in the {env.value} environment; its columns: "
                   f"{names}{why}.",
                   remedy="Name one of its columns. Columns come from the catalog (`dbt docs generate`) "
                          "and the model's compiled SQL (`dbt compile`).")


def hops_json(hops: Sequence[ColumnHop]) -> list[dict[str, object]]:
    return [{"node": hop.node, "column": hop.column, "transformation": hop.transformation.value, "depth": hop.depth}
            for hop in _sorted_hops(hops)]


def lineage_json(view: ColumnLineageView) -> str:
    """``{"node", "column", "upstream": [{"node", "column", "transformation", "depth"}], "downstream"}``
    (pure; hops by depth, then node and column)."""
    return json.dumps({"node": view.node, "column": view.column, "upstream": hops_json(view.upstream),
                       "downstream": hops_json(view.downstream)}, indent=2)


def lineage_table(view: ColumnLineageView, env: Env) -> Table:
    """Upstream columns from the farthest to the nearest, then downstream from the nearest (pure)."""
    table = Table(title=f"Column lineage of {one_line(view.node)}.{one_line(view.column)} ({env.value})")
    for header in ("Direction", "Hops", "Column", "Transformation"):
        table.add_column(header, overflow="fold", justify="right" if header == "Hops" else "left")
    rows = [("upstream", hop) for hop in reversed(_sorted_hops(view.upstream))]
    rows += [("downstream", hop) for hop in _sorted_hops(view.downstream)]
    for direction, hop in rows:
        table.add_row(direction, str(hop.depth), Text(one_line(f"{hop.node}.{hop.column}")), hop.transformation.value)
    return table


def _sorted_hops(hops: Sequence[ColumnHop]) -> list[ColumnHop]:
    return sorted(hops, key=lambda hop: (hop.depth, hop.node, hop.unique_id, hop.column))


@click.command("column-lineage")
@click.argument("model_column", metavar="MODEL.COLUMN")
@click.argument("column", required=False, metavar="[COLUMN]")
@click.option("--base", is_flag=True, help="The base environment's lineage instead of current.")
@click.option("--depth", type=click.IntRange(min=1), default=None, metavar="N",
              help="At most N hops upstream and downstream (default: all).")
@click.option("--json", "as_json", is_flag=True,
              help="Print {\"node\", \"column\", \"upstream\": [{\"node\", \"column\", \"transformation\", "
                   "\"depth\"}], \"downstream\": [...]}.")
@project_options
def column_lineage_command(model_column: str, column: str | None, base: bool, depth: int | None, as_json: bool,
                           **kwargs: Any) -> None:
    """Where MODEL.COLUMN comes from and where it goes, column by column across models (MODEL COLUMN, two
    arguments, for a column whose name holds a dot). Reads the artifacts only; never the warehouse."""
    model, name = split_target(model_column, column)
    env = Env.BASE if base else Env.CURRENT
    snapshot = load_snapshot(settings_from(kwargs))
    node, notes = resolve_node(snapshot, model, env)
    changes = snapshot.changes
    known_column(changes, env, node, name)
    view = changes.column_lineage(node.unique_id, name, env=env, depth=depth)
    console = output_console(soft_wrap=as_json)
    _print_notes(notes, Console(stderr=True, soft_wrap=True) if as_json else console)
    if as_json:
        click.echo(lineage_json(view))
        return
    console.print(lineage_table(view, env))
    console.print(Text(f"{view.node}.{view.column}: {_count(len(view.upstream), 'upstream column')}, "
                       f"{_count(len(view.downstream), 'downstream column')}."))


def _print_notes(notes: Sequence[str], console: Console) -> None:
    """Which node a model name meant when it could mean another (user text: never markup)."""
    for note in notes:
        console.print("Note: ", Text(note), sep="", highlight=False)


def register(group: click.Group) -> None:
    """Add ``impact`` and ``column-lineage`` to the ``spyglass`` group."""
    for command in (impact_command, column_lineage_command):
        group.add_command(command)

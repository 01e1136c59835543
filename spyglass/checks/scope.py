"""A run's node selection (``spyglass run --select/--exclude``): which checks it keeps, on which nodes.

A check's params say which nodes it is about (``Params.nodes()``): one model (value, profile, top-k and
histogram diffs), explicit node names (``node_names``/``node_id``), or a dbt selector (row count, schema
and lineage diffs). A check about no node in particular (a query: its nodes are whatever its SQL refs)
is not limited by a selection. Within a selection, as dbt limits a command to the selected nodes:

* a check whose nodes are all outside it is skipped (:class:`~spyglass.exceptions.CheckSkipped`), saying so;
* a check over several nodes runs on the intersection: its selector and the run's are intersected as
  dbt does (``a,b``), the excludes are united, and explicit names outside the selection are dropped;
* a check whose own selection is empty, or names an unknown node, runs as it would without a selection
  (its result, or its error, says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from spyglass.exceptions import CheckError, CheckSkipped
from spyglass.project.lineage import LineageDiff
from spyglass.project.models import ArtifactPair
from spyglass.project.selection import parse_selector, resolve_node_ids, select_nodes

#: How many node names a skip message lists before "and N more".
_NAMES_SHOWN = 5


def as_selector(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """A params selector (one string, a list, or nothing) as a tuple of selector strings."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class NodeSelection:
    """A run's ``--select`` and ``--exclude`` in dbt's syntax; no ``select`` means every node."""

    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def parse(cls, select: Sequence[str] = (), exclude: Sequence[str] = ()) -> NodeSelection:
        """A selection from the command line, checked at once.

        Raises:
            SelectionError: a selector cannot be parsed (before anything runs).
        """
        parse_selector(list(select))
        parse_selector(list(exclude))
        return cls(select=tuple(select), exclude=tuple(exclude))

    @property
    def active(self) -> bool:
        return bool(self.select or self.exclude)

    def describe(self) -> str:
        """As the user wrote it: ``--select orders+ --exclude tag:slow``."""
        parts = [f"--select {' '.join(self.select)}"] if self.select else []
        if self.exclude:
            parts.append(f"--exclude {' '.join(self.exclude)}")
        return " ".join(parts)


@dataclass(frozen=True)
class CheckNodes:
    """The nodes a check's params name: explicit ``names`` (names or unique ids) win over ``select``
    (Recce's rule, with the check's default already applied; empty = every node); ``exclude`` applies to both."""

    names: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


_S = TypeVar("_S", bound="Scoped")


class Scoped(Protocol):
    """What a check's params offer a selection (``Params`` implements it)."""

    def nodes(self) -> CheckNodes | None: ...

    def narrowed(self: _S, nodes: CheckNodes) -> _S: ...


def within(params: _S, selection: NodeSelection, pair: ArtifactPair, lineage: LineageDiff) -> _S:
    """``params`` limited to ``selection`` (pure).

    Raises:
        CheckSkipped: none of the check's nodes is in the selection.
    """
    nodes = params.nodes()
    if nodes is None or not selection.active:
        return params
    chosen = select_nodes(pair, lineage, selection.select or None, selection.exclude or None)
    try:
        own = _targets(pair, lineage, nodes)
    except CheckError:  # an unknown name: the check itself says so when it runs
        return params
    if not own or own <= chosen:
        return params
    if not own & chosen:
        names = sorted(uid.rsplit(".", 1)[-1] for uid in own)
        shown = ", ".join(names[:_NAMES_SHOWN]) + (f" and {len(names) - _NAMES_SHOWN} more"
                                                   if len(names) > _NAMES_SHOWN else "")
        raise CheckSkipped(f"Not in this run's selection ({selection.describe()}): {shown}.",
                           remedy="Widen --select/--exclude, or run without them, to run this check.")
    return params.narrowed(_intersect(nodes, selection, pair, chosen))


def _targets(pair: ArtifactPair, lineage: LineageDiff, nodes: CheckNodes) -> frozenset[str]:
    excluded = select_nodes(pair, lineage, nodes.exclude) if nodes.exclude else frozenset()
    if nodes.names:
        return resolve_node_ids(pair, nodes.names) - excluded
    return select_nodes(pair, lineage, nodes.select or None) - excluded


def _intersect(nodes: CheckNodes, selection: NodeSelection, pair: ArtifactPair,
               chosen: frozenset[str]) -> CheckNodes:
    names = tuple(name for name in nodes.names if resolve_node_ids(pair, name) <= chosen)
    if not selection.select:
        select = nodes.select
    elif not nodes.select:
        select = selection.select
    else:  # (a or b) and (c or d) = a,c a,d b,c b,d in dbt's syntax (space: union, comma: intersection)
        select = tuple(f"{mine},{theirs}" for item in nodes.select for mine in item.split()
                       for run_item in selection.select for theirs in run_item.split())
    return CheckNodes(names=names, select=select, exclude=nodes.exclude + selection.exclude)

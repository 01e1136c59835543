"""dbt node selection (``--select`` / ``--exclude``) over the two manifests, without dbt's graph compiler.

Semantics follow dbt's documentation:

* syntax, union and intersection: https://docs.getdbt.com/reference/node-selection/syntax and
  https://docs.getdbt.com/reference/node-selection/set-operators — space (or several strings) is a
  union, a comma an intersection; ``--exclude`` is applied last;
* graph operators: https://docs.getdbt.com/reference/node-selection/graph-operators — ``+name``,
  ``name+``, ``n+name``, ``name+n``, ``@name`` (the node, its descendants and their ancestors);
* methods: https://docs.getdbt.com/reference/node-selection/methods — ``fqn`` (the default: a node
  name, a dotted fqn prefix, or shell wildcards ``stg_*``), ``path``, ``file``, ``tag``, ``package``,
  ``resource_type``, ``config.<key>``, ``source``, ``exposure``, ``state``. As in dbt, a value with a
  ``/`` defaults to ``path:`` and one ending in ``.sql``/``.py``/``.csv`` to ``file:``; ``fqn`` never
  selects sources;
* state: https://docs.getdbt.com/reference/node-selection/state-selection — ``state:new``,
  ``state:old``, ``state:unmodified``, ``state:modified`` (new nodes plus changed ones) and the
  sub-selectors ``modified.body``, ``modified.configs``, ``modified.relation``, ``modified.macros``,
  ``modified.contract``, ``modified.persisted_descriptions``; each selects the modified nodes with a
  reason of its kind and, as in dbt, every new node whose resource type has the check
  (``modified.macros``: new nodes that call a changed macro). What each compares is dbt-core's, listed
  in :mod:`spyglass.project.state_modified`.

One deliberate difference, shared with Recce: dbt selects from the current manifest only, so a node
that was *removed* can never be selected. A review must show what disappeared, so here every node of
either manifest is a candidate (a removed node is matched on its base definition) and
``state:modified`` includes removed nodes (its sub-selectors do not, having nothing to compare).
``state:new`` stays dbt's: added nodes only. The comparison itself is
:func:`spyglass.project.lineage.diff_lineage`'s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spyglass.exceptions import SelectionError
from spyglass.project.lineage import LineageDiff, ancestors, descendants
from spyglass.project.lookup import find_in_pair
from spyglass.project.models import ArtifactPair, Node, ResourceType
from spyglass.project.selector_methods import METHODS, Atom, SelectionGraph, fqn_matches, is_versioned

__all__ = ["Atom", "Selector", "describe_selection", "fqn_matches", "is_versioned", "parse_atom", "parse_selector",
           "resolve_node_ids", "select_nodes", "select_targets"]

Selector = str | Sequence[str] | None

_ATOM_RE = re.compile(
    r"\A(?P<at>@)?"
    r"(?:(?P<parents_depth>\d*)(?P<parents>\+))?"
    r"(?:(?P<method>[A-Za-z_][\w.]*):)?"
    r"(?P<value>.*?)"
    r"(?:(?P<children>\+)(?P<children_depth>\d*))?\Z"
)
_SYNTAX_HELP = (
    "Use dbt's selector syntax, e.g. `orders`, `+orders`, `stg_*`, `state:modified+`, `tag:nightly`, "
    "`config.materialized:table`, `path:models/staging` (see "
    "https://docs.getdbt.com/reference/node-selection/syntax)."
)


def parse_atom(raw: str) -> Atom:
    """Parse one term (no spaces, no commas).

    Raises:
        SelectionError: the term has no value, an unknown method or incompatible operators.
    """
    match = _ATOM_RE.match(raw)
    if match is None:  # pragma: no cover - the pattern matches every string
        raise SelectionError(f"Cannot parse the selector {raw!r}.", remedy=_SYNTAX_HELP)
    value = match["value"]
    if not value or "+" in value or "@" in value:
        raise SelectionError(f"The selector {raw!r} has no usable value to match nodes on.", remedy=_SYNTAX_HELP)
    if match["at"] and match["children"]:
        raise SelectionError(f"The selector {raw!r} combines the `@` prefix and the `+` suffix, which dbt "
                             "does not allow.", remedy="Use either `@name` or `name+`.")
    if match["method"]:
        method, *arguments = match["method"].split(".")
    else:
        method, arguments = _default_method(value), []
    if method not in METHODS:
        raise SelectionError(f"The selector {raw!r} uses the unknown method {method!r}.",
                             remedy="Known methods: " + ", ".join(sorted(METHODS)) + ".")
    if (method == "config") != bool(arguments):
        raise SelectionError(f"The selector {raw!r} is malformed: only `config.` takes a key after a dot.",
                             remedy="Write e.g. `config.materialized:table`.")
    return Atom(
        raw=raw, method=method, arguments=tuple(arguments), value=value,
        parents=bool(match["parents"]), parents_depth=_depth(match["parents_depth"]),
        children=bool(match["children"]), children_depth=_depth(match["children_depth"]),
        childrens_parents=bool(match["at"]),
    )


def _depth(raw: str | None) -> int | None:
    return int(raw) if raw else None


def _default_method(value: str) -> str:
    # dbt's SelectionCriteria.default_method: a path separator means path, a file suffix means file.
    if "/" in value or "\\" in value:
        return "path"
    if value.lower().endswith((".sql", ".py", ".csv")):
        return "file"
    return "fqn"


def parse_selector(selector: Selector) -> list[list[Atom]]:
    """A union (outer list) of intersections (inner lists) of terms; empty when nothing was given."""
    if selector is None:
        return []
    items = [selector] if isinstance(selector, str) else list(selector)
    union: list[list[Atom]] = []
    for item in items:
        if not isinstance(item, str):
            raise SelectionError(f"A selector must be a string, not {type(item).__name__}.",
                                 remedy=_SYNTAX_HELP)
        for criterion in item.split():
            terms = criterion.split(",")
            if any(not t for t in terms):
                raise SelectionError(f"The selector {criterion!r} has an empty term around a comma.",
                                     remedy=_SYNTAX_HELP)
            union.append([parse_atom(t) for t in terms])
    return union


def select_nodes(
    pair: ArtifactPair,
    lineage: LineageDiff,
    select: Selector = None,
    exclude: Selector = None,
    resource_types: Sequence[str] | None = None,
) -> frozenset[str]:
    """Unique ids of the nodes ``select`` picks, minus ``exclude``, limited to ``resource_types``.

    With no ``select`` every node of either manifest is selected (as ``dbt ls`` with no ``--select``).

    Raises:
        SelectionError: a selector or resource type cannot be parsed.
    """
    included = parse_selector(select)
    excluded = parse_selector(exclude)
    types = _resource_types(resource_types)
    nodes: dict[str, Node] = dict(pair.base.manifest.nodes)
    nodes.update(pair.current.manifest.nodes)
    graph = SelectionGraph(nodes=nodes, lineage=lineage, project_name=pair.current.manifest.metadata.project_name)
    chosen = _evaluate(graph, included) if included else set(nodes)
    if excluded:
        chosen -= _evaluate(graph, excluded)
    if types is not None:
        chosen = {uid for uid in chosen if nodes[uid].resource_type in types}
    return frozenset(chosen)


def resolve_node_ids(pair: ArtifactPair, names_or_ids: str | Sequence[str]) -> frozenset[str]:
    """Unique ids for explicit node ids or names (Recce's ``node_id`` / ``node_names`` params).

    Each is resolved as :func:`spyglass.project.lookup.find_in_pair` does (unique ids, ``package.name``,
    ``name.v2``, ``source:src.table``; dbt's rules for packages and versions): the current manifest's
    node, else the base's, so a removed model can still be named.

    Raises:
        CheckError: a name or id matches no node of either manifest (AmbiguousNode: several, and dbt's
            rules do not choose).
    """
    wanted = [names_or_ids] if isinstance(names_or_ids, str) else list(names_or_ids)
    out: set[str] = set()
    for item in wanted:
        found = find_in_pair(pair, item)
        node = found.current or found.base
        if node is not None:
            out.add(node.unique_id)
    return frozenset(out)


def select_targets(
    pair: ArtifactPair,
    lineage: LineageDiff,
    *,
    node_ids: str | Sequence[str] | None = None,
    select: Selector = None,
    exclude: Selector = None,
    default_select: Selector = "state:modified",
) -> frozenset[str]:
    """The nodes a check runs on: explicit ``node_ids`` win (Recce's rule), else ``select`` (or
    ``default_select`` when neither is given) minus ``exclude``.

    Raises:
        SelectionError: a selector cannot be parsed.
        CheckError: an explicit node id or name is unknown.
    """
    if node_ids:
        chosen = resolve_node_ids(pair, node_ids)
        return chosen - select_nodes(pair, lineage, exclude) if exclude else chosen
    return select_nodes(pair, lineage, select if select else default_select, exclude)


def describe_selection(*, node_ids: str | Sequence[str] | None = None, select: Selector = None,
                       exclude: Selector = None, default_select: str = "state:modified") -> str:
    """A short human description (``"state:modified"``, ``"orders, customers"``, ``"tag:x excluding y"``)."""
    if node_ids:
        ids = [node_ids] if isinstance(node_ids, str) else list(node_ids)
        text = ", ".join(uid.rsplit(".", 1)[-1] for uid in ids)
    elif select:
        text = select if isinstance(select, str) else " ".join(select)
    else:
        text = default_select
    if exclude:
        text += " excluding " + (exclude if isinstance(exclude, str) else " ".join(exclude))
    return text


def _resource_types(raw: Sequence[str] | None) -> frozenset[ResourceType] | None:
    if raw is None:
        return None
    names = [raw] if isinstance(raw, str) else list(raw)
    try:
        return frozenset(ResourceType(name) for name in names)
    except ValueError:
        raise SelectionError(f"Unknown resource type in {names!r}.",
                             remedy="Use model, seed, snapshot, source or exposure.") from None


def _evaluate(graph: SelectionGraph, union: list[list[Atom]]) -> set[str]:
    out: set[str] = set()
    for intersection in union:
        selected = _select_atom(graph, intersection[0])
        for atom in intersection[1:]:
            selected &= _select_atom(graph, atom)
        out |= selected
    return out


def _select_atom(graph: SelectionGraph, atom: Atom) -> set[str]:
    matcher = METHODS[atom.method](graph, atom)
    direct = {uid for uid, node in graph.nodes.items() if matcher(node)}
    selected = set(direct)
    parent_map, child_map = graph.lineage.parent_map, graph.lineage.child_map
    if atom.parents:
        selected |= ancestors(direct, parent_map, atom.parents_depth)
    if atom.children:
        selected |= descendants(direct, child_map, atom.children_depth)
    if atom.childrens_parents:
        below = direct | descendants(direct, child_map)
        selected |= below | ancestors(below, parent_map)
    return selected & graph.nodes.keys()

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
  sub-selectors ``modified.body``, ``modified.configs``, ``modified.relation``, ``modified.contract``.

One deliberate difference, shared with Recce: dbt selects from the current manifest only, so a node
that was *removed* can never be selected. A review must show what disappeared, so here every node of
either manifest is a candidate (a removed node is matched on its base definition) and
``state:modified`` includes removed nodes. ``state:new`` stays dbt's: added nodes only.
``state:modified`` is computed by :func:`spyglass.project.lineage.diff_lineage` (checksum and relation
config), not by dbt's macro- and description-aware comparison.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from spyglass.exceptions import CheckError, SelectionError
from spyglass.project.artifacts import RELATION_CONFIG_KEYS
from spyglass.project.lineage import ChangeStatus, LineageDiff, ancestors, descendants
from spyglass.project.models import ArtifactPair, Node, ResourceType

Selector = str | Sequence[str] | None

_ATOM_RE = re.compile(
    r"\A(?P<at>@)?"
    r"(?:(?P<parents_depth>\d*)(?P<parents>\+))?"
    r"(?:(?P<method>[A-Za-z_][\w.]*):)?"
    r"(?P<value>.*?)"
    r"(?:(?P<children>\+)(?P<children_depth>\d*))?\Z"
)
_WILDCARDS = frozenset("*?[]")
_STATE_VALUES = ("new", "old", "unmodified", "modified", "modified.body", "modified.configs",
                 "modified.relation", "modified.contract")
_RELATION_REASONS = frozenset({"config.database", "config.schema", "config.alias"})
_SYNTAX_HELP = (
    "Use dbt's selector syntax, e.g. `orders`, `+orders`, `stg_*`, `state:modified+`, `tag:nightly`, "
    "`config.materialized:table`, `path:models/staging` (see "
    "https://docs.getdbt.com/reference/node-selection/syntax)."
)


@dataclass(frozen=True)
class Atom:
    """One selector term such as ``2+state:modified+1`` (dbt's ``SelectionCriteria``)."""

    raw: str
    method: str
    arguments: tuple[str, ...]
    value: str
    parents: bool = False
    parents_depth: int | None = None
    children: bool = False
    children_depth: int | None = None
    childrens_parents: bool = False


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
    if method not in _METHODS:
        raise SelectionError(f"The selector {raw!r} uses the unknown method {method!r}.",
                             remedy="Known methods: " + ", ".join(sorted(_METHODS)) + ".")
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


@dataclass(frozen=True)
class _Graph:
    """Every node of either manifest (current definition first) and the lineage diff."""

    nodes: Mapping[str, Node]
    lineage: LineageDiff
    project_name: str | None


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
    graph = _Graph(nodes=nodes, lineage=lineage,
                   project_name=pair.current.manifest.metadata.project_name)
    chosen = _evaluate(graph, included) if included else set(nodes)
    if excluded:
        chosen -= _evaluate(graph, excluded)
    if types is not None:
        chosen = {uid for uid in chosen if nodes[uid].resource_type in types}
    return frozenset(chosen)


def resolve_node_ids(pair: ArtifactPair, names_or_ids: str | Sequence[str]) -> frozenset[str]:
    """Unique ids for explicit node ids or names (Recce's ``node_id`` / ``node_names`` params).

    A unique id of either manifest is taken as is; a bare name is looked up among models, seeds and
    snapshots (current first, then base, so a removed model can still be named).

    Raises:
        CheckError: a name or id matches no node of either manifest.
    """
    wanted = [names_or_ids] if isinstance(names_or_ids, str) else list(names_or_ids)
    out: set[str] = set()
    for item in wanted:
        node = pair.current.manifest.find(item) or pair.base.manifest.find(item)
        if node is None:
            raise CheckError(f"No node {item!r} in the base or current manifest.",
                             remedy="Use a model, seed or snapshot name, or a unique id such as "
                                    "`model.<project>.<name>`; `dbt ls` lists them.")
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


def _evaluate(graph: _Graph, union: list[list[Atom]]) -> set[str]:
    out: set[str] = set()
    for intersection in union:
        selected = _select_atom(graph, intersection[0])
        for atom in intersection[1:]:
            selected &= _select_atom(graph, atom)
        out |= selected
    return out


def _select_atom(graph: _Graph, atom: Atom) -> set[str]:
    matcher = _METHODS[atom.method](graph, atom)
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


NodeMatcher = Callable[[Node], bool]


def _match_fqn(graph: _Graph, atom: Atom) -> NodeMatcher:
    def match(node: Node) -> bool:
        if node.resource_type is ResourceType.SOURCE or not node.fqn:
            return False
        versioned = is_versioned(node)
        return (fqn_matches(node.fqn, atom.value, versioned=versioned)
                or fqn_matches(node.fqn[1:], atom.value, versioned=versioned))
    return match


def is_versioned(node: Node) -> bool:
    """A versioned model (``model.pkg.name.v2``): its fqn ends with the version after the name."""
    return (node.resource_type is ResourceType.MODEL and len(node.fqn) >= 2 and node.fqn[-2] == node.name
            and node.fqn[-1] != node.name and node.unique_id.endswith("." + node.fqn[-1]))


def fqn_matches(fqn: Sequence[str], selector: str, *, versioned: bool = False) -> bool:
    """dbt's fqn rule: the leaf name, or a dotted prefix of the fqn, with shell wildcards.

    For a versioned model the leaf is the name before the version (``dim_customers`` selects every
    version; ``dim_customers.v2`` or ``dim_customers_v2`` one of them).
    """
    if not fqn:
        return False
    if versioned:
        if fqn[-2] == selector or "_".join(fqn[-2:]) == "_".join(selector.split(".")[-2:]):
            return True
    elif fqn[-1] == selector:
        return True
    flat = [part for segment in fqn for part in segment.split(".")]
    wanted = selector.split(".")
    if len(wanted) > len(flat):
        return False
    for i, part in enumerate(wanted):
        if _WILDCARDS.intersection(part):
            if fnmatchcase(".".join(flat[i:]), ".".join(wanted[i:])):
                return True
            return "." not in selector and fnmatchcase(fqn[-2] if versioned else fqn[-1], selector)
        if flat[i] != part:
            return False
    return True


def _match_path(graph: _Graph, atom: Atom) -> NodeMatcher:
    wanted = atom.value.replace("\\", "/").rstrip("/")
    if wanted.startswith("./"):
        wanted = wanted[2:]
    globbing = bool(_WILDCARDS.intersection(wanted))

    def match(node: Node) -> bool:
        path = PurePosixPath(node.original_file_path.replace("\\", "/"))
        if not node.original_file_path:
            return False
        if globbing:
            return fnmatchcase(str(path), wanted) or any(fnmatchcase(str(p), wanted) for p in path.parents)
        return str(path) == wanted or any(str(p) == wanted for p in path.parents)
    return match


def _match_file(graph: _Graph, atom: Atom) -> NodeMatcher:
    def match(node: Node) -> bool:
        path = PurePosixPath(node.original_file_path.replace("\\", "/"))
        return bool(node.original_file_path) and (fnmatchcase(path.name, atom.value)
                                                  or fnmatchcase(path.stem, atom.value))
    return match


def _match_tag(graph: _Graph, atom: Atom) -> NodeMatcher:
    return lambda node: any(fnmatchcase(tag, atom.value) for tag in node.tags)


def _match_package(graph: _Graph, atom: Atom) -> NodeMatcher:
    wanted = graph.project_name if atom.value == "this" and graph.project_name else atom.value
    return lambda node: fnmatchcase(node.package_name, wanted)


def _match_resource_type(graph: _Graph, atom: Atom) -> NodeMatcher:
    try:
        wanted = ResourceType(atom.value)
    except ValueError:
        raise SelectionError(f"The selector {atom.raw!r} names an unknown resource type.",
                             remedy="Use model, seed, snapshot, source or exposure.") from None
    return lambda node: node.resource_type is wanted


def _match_config(graph: _Graph, atom: Atom) -> NodeMatcher:
    key = ".".join(atom.arguments)
    if key == "materialized":
        return lambda node: node.materialized == atom.value
    if key == "tags":
        return lambda node: atom.value in node.tags
    if key not in RELATION_CONFIG_KEYS:
        raise SelectionError(
            f"The selector {atom.raw!r} filters on config key {key!r}, which Spyglass does not read "
            "from the manifest.",
            remedy="Supported keys: tags, " + ", ".join(RELATION_CONFIG_KEYS) + ".")
    return lambda node: node.relation_config.get(key) == atom.value


def _match_source(graph: _Graph, atom: Atom) -> NodeMatcher:
    parts = atom.value.split(".")
    if len(parts) > 3:
        raise SelectionError(f"The selector {atom.raw!r} has too many parts.",
                             remedy="Use `source:name`, `source:name.table` or `source:package.name.table`.")
    # dbt: `source:name` (every table), `source:name.table`, `source:package.name.table`
    package, source, table = {1: ("*", parts[0], "*"), 2: ("*", *parts), 3: tuple(parts)}[len(parts)]

    def match(node: Node) -> bool:
        if node.resource_type is not ResourceType.SOURCE or len(node.fqn) < 2:
            return False
        return (fnmatchcase(node.package_name, package) and fnmatchcase(node.fqn[-2], source)
                and fnmatchcase(node.name, table))
    return match


def _match_exposure(graph: _Graph, atom: Atom) -> NodeMatcher:
    return lambda node: node.resource_type is ResourceType.EXPOSURE and fnmatchcase(node.name, atom.value)


def _match_state(graph: _Graph, atom: Atom) -> NodeMatcher:
    if atom.value not in _STATE_VALUES:
        raise SelectionError(f"The selector {atom.raw!r} uses an unknown state.",
                             remedy="Use one of: " + ", ".join(f"state:{v}" for v in _STATE_VALUES) + ".")
    changes = graph.lineage.changes
    wanted = atom.value

    def match(node: Node) -> bool:
        change = changes.get(node.unique_id)
        if change is None:
            return False
        status = change.status
        if wanted == "new":
            return status is ChangeStatus.ADDED
        if wanted == "old":
            return status in (ChangeStatus.MODIFIED, ChangeStatus.UNCHANGED)
        if wanted == "unmodified":
            return status is ChangeStatus.UNCHANGED
        if wanted == "modified":
            return status is not ChangeStatus.UNCHANGED
        return status is ChangeStatus.MODIFIED and _has_reason(change.reasons, wanted)
    return match


def _has_reason(reasons: tuple[str, ...], wanted: str) -> bool:
    if wanted == "modified.body":
        return "code" in reasons
    if wanted == "modified.relation":
        return any(r in _RELATION_REASONS for r in reasons)
    if wanted == "modified.contract":
        return "config.contract" in reasons
    return any(r.startswith("config.") for r in reasons)  # modified.configs


_METHODS: dict[str, Callable[[_Graph, Atom], NodeMatcher]] = {
    "fqn": _match_fqn,
    "path": _match_path,
    "file": _match_file,
    "tag": _match_tag,
    "package": _match_package,
    "resource_type": _match_resource_type,
    "config": _match_config,
    "source": _match_source,
    "exposure": _match_exposure,
    "state": _match_state,
}

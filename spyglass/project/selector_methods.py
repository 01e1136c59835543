"""The selector methods of dbt node selection (``tag:``, ``path:``, ``state:`` ...), one matcher each.

Each method turns a parsed term (:class:`Atom`) into a predicate over :class:`Node`; the grammar,
graph operators and set operations live in :mod:`spyglass.project.selection`. Semantics and the
pages they follow are listed there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from spyglass.exceptions import SelectionError
from spyglass.project.artifact_schema import RELATION_CONFIG_KEYS
from spyglass.project.lineage import ChangeStatus, LineageDiff
from spyglass.project.models import Node, ResourceType
from spyglass.project.state_modified import MACROS, NEW_NODE_TYPES, SUB_SELECTORS, sub_selector

_WILDCARDS = frozenset("*?[]")
_STATE_VALUES = ("new", "old", "unmodified", "modified", *(f"modified.{sub}" for sub in SUB_SELECTORS))


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


@dataclass(frozen=True)
class SelectionGraph:
    """Every node of either manifest (current definition first) and the lineage diff."""

    nodes: Mapping[str, Node]
    lineage: LineageDiff
    project_name: str | None


NodeMatcher = Callable[[Node], bool]


def _match_fqn(graph: SelectionGraph, atom: Atom) -> NodeMatcher:
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


def _match_path(graph: SelectionGraph, atom: Atom) -> NodeMatcher:
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


def _match_file(graph: SelectionGraph, atom: Atom) -> NodeMatcher:
    def match(node: Node) -> bool:
        path = PurePosixPath(node.original_file_path.replace("\\", "/"))
        return bool(node.original_file_path) and (fnmatchcase(path.name, atom.value)
                                                  or fnmatchcase(path.stem, atom.value))
    return match


def _match_tag(graph: SelectionGraph, atom: Atom) -> NodeMatcher:
    return lambda node: any(fnmatchcase(tag, atom.value) for tag in node.tags)


def _match_package(graph: SelectionGraph, atom: Atom) -> NodeMatcher:
    wanted = graph.project_name if atom.value == "this" and graph.project_name else atom.value
    return lambda node: fnmatchcase(node.package_name, wanted)


def _match_resource_type(graph: SelectionGraph, atom: Atom) -> NodeMatcher:
    try:
        wanted = ResourceType(atom.value)
    except ValueError:
        raise SelectionError(f"The selector {atom.raw!r} names an unknown resource type.",
                             remedy="Use model, seed, snapshot, source or exposure.") from None
    return lambda node: node.resource_type is wanted


def _match_config(graph: SelectionGraph, atom: Atom) -> NodeMatcher:
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


def _match_source(graph: SelectionGraph, atom: Atom) -> NodeMatcher:
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


def _match_exposure(graph: SelectionGraph, atom: Atom) -> NodeMatcher:
    return lambda node: node.resource_type is ResourceType.EXPOSURE and fnmatchcase(node.name, atom.value)


def _match_state(graph: SelectionGraph, atom: Atom) -> NodeMatcher:
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
        return _sub_selected(graph.lineage, node, wanted.removeprefix("modified."))
    return match


def _sub_selected(lineage: LineageDiff, node: Node, sub: str) -> bool:
    """dbt's ``state:modified.<sub>``: a modified node with a reason of ``sub``; a new node when its
    resource type has the check (``macros``: when it calls a changed macro); never a removed node."""
    change = lineage.changes[node.unique_id]
    if change.status is ChangeStatus.ADDED:
        if sub == MACROS:
            return node.unique_id in lineage.macro_reasons
        return node.resource_type in NEW_NODE_TYPES[sub]
    if change.status is not ChangeStatus.MODIFIED:
        return False
    return any(sub_selector(reason, node.resource_type) == sub for reason in change.reasons)


METHODS: dict[str, Callable[[SelectionGraph, Atom], NodeMatcher]] = {
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

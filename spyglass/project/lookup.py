"""Find nodes by the names people write, resolved the way dbt resolves ``ref()`` (pure).

The one lookup for everything that takes a node name: the checks' ``model``, Recce's ``node_names``,
and ``ref()`` / ``source()`` in SQL templates. Spellings:

==================================  ======================================================
``orders``                          the model, seed or snapshot named ``orders``
``shop.orders``                     the one of package ``shop``
``orders.v2``, ``shop.orders.v2``   version 2 of a versioned model
``source:raw.orders``               table ``orders`` of source ``raw``
``model.shop.orders.v2``            a unique id, as is
==================================  ======================================================

dbt's rules (docs.getdbt.com/reference/dbt-jinja-functions/ref, .../resource-properties/versions): a
name without a version means the model's ``latest_version`` (else its highest version); a name defined
in several packages means the root project's, and with none there it is ambiguous; a model, seed or
snapshot wins over a source table of the same name. Whenever a rule chose, the answer's note says which
node was chosen and how to name the others; when no rule can choose, :class:`AmbiguousNode` lists every
candidate with the spelling that picks it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from spyglass.exceptions import AmbiguousNode, CheckError
from spyglass.project.models import ArtifactPair, Env, Manifest, Node, ResourceType, version_text

#: what ``ref()`` and a bare name can mean (sources only when no such node has the name)
REF_TYPES = frozenset({ResourceType.MODEL, ResourceType.SEED, ResourceType.SNAPSHOT})
SOURCE_PREFIX = "source:"
#: ``[package.]name.v<version>``; a version may hold dots (``orders.v1.5``)
_VERSIONED = re.compile(r"(?:(?P<package>[^.]+)\.)?(?P<name>[^.]+)\.v(?P<version>[0-9][\w.]*)")
_QUALIFIED = re.compile(r"(?P<package>[^.]+)\.(?P<name>[^.]+)")


@dataclass(frozen=True)
class FoundPair:
    """A name looked up in the base and the current manifest; a side is None where it is missing."""

    base: Node | None
    current: Node | None
    #: which node was chosen and why, when the name could mean another (empty when it could not)
    notes: tuple[str, ...] = ()

    @property
    def nodes(self) -> tuple[Node | None, Node | None]:
        return self.base, self.current


@dataclass(frozen=True)
class Found:
    """The node a name means; ``note`` says how it was chosen when the name could mean another."""

    node: Node
    note: str | None = None


# -- spellings ------------------------------------------------------------------------------------------
def spelling(node: Node, *, qualified: bool = False) -> str:
    """How to write ``node`` so that a lookup means it (``shop.orders.v2`` when ``qualified``)."""
    if node.resource_type is ResourceType.SOURCE:
        return f"{SOURCE_PREFIX}{node.source_name}.{node.name}"
    if node.resource_type not in REF_TYPES:
        return node.unique_id
    text = f"{node.package_name}.{node.name}" if qualified else node.name
    return f"{text}.v{node.version}" if node.version is not None else text


def ref_call(node: Node) -> str:
    """The ``ref()`` (or ``source()``) call that means ``node`` in a template."""
    if node.resource_type is ResourceType.SOURCE:
        return f"source({node.source_name!r}, {node.name!r})"
    version = f", v={node.version}" if node.version is not None else ""
    return f"ref({node.package_name!r}, {node.name!r}{version})"


def _readings(text: str) -> Iterator[tuple[str | None, str, str | None]]:
    """(package, name, version) readings of ``text``, the versioned one first (``orders.v2``)."""
    versioned = _VERSIONED.fullmatch(text)
    if versioned:
        yield versioned["package"], versioned["name"], versioned["version"]
    qualified = _QUALIFIED.fullmatch(text)
    if qualified:
        yield qualified["package"], qualified["name"], None
    if "." not in text:
        yield None, text, None


# -- one manifest ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Ambiguous:
    """Several nodes a name could mean, and no rule of dbt's chooses (raised as AmbiguousNode)."""

    candidates: tuple[Node, ...]


_Outcome = Found | _Ambiguous | None


def _version_order(node: Node) -> tuple[int, float, str]:
    text = node.version or ""
    try:
        return 0, float(text), text
    except ValueError:
        return 1, 0.0, text


def _latest(group: Sequence[Node]) -> tuple[Node, str | None]:
    """What a name without a version means within one package: the unversioned node, else the
    ``latest_version`` (the highest version when none is declared)."""
    plain = [n for n in group if n.version is None]
    if plain:
        return plain[0], None
    declared = [n for n in group if n.version == n.latest_version]
    latest = declared[0] if declared else max(group, key=_version_order)
    if len(group) == 1:
        return latest, None
    why = "its latest_version" if declared else "its highest version (no latest_version declared)"
    others = ", ".join(spelling(n) for n in sorted(group, key=_version_order) if n is not latest)
    return latest, f"{latest.name!r} means {latest.unique_id}, {why}; other versions: {others}."


def _prefer_root(manifest: Manifest, chosen: dict[str, str | None]) -> _Outcome:
    """One node of several packages' candidates (node id -> note): the only one, or the root project's."""
    nodes = [manifest.nodes[uid] for uid in chosen]
    if len(nodes) <= 1:
        return Found(nodes[0], chosen[nodes[0].unique_id]) if nodes else None
    root = [n for n in nodes if n.package_name == manifest.metadata.project_name]
    if len(root) != 1:
        return _Ambiguous(tuple(nodes))
    others = ", ".join(spelling(n, qualified=True) for n in nodes if n is not root[0])
    note = (f"{root[0].name!r} is defined in several packages; as in dbt, the root project's "
            f"{root[0].unique_id} was chosen (name another as {others}).")
    return Found(root[0], " ".join(filter(None, (chosen[root[0].unique_id], note))))


def _ref(manifest: Manifest, name: str, package: str | None, version: object) -> _Outcome:
    named = [n for n in manifest.by_name.get(name, ()) if n.resource_type in REF_TYPES
             and package in (None, n.package_name)]
    wanted = version_text(version)
    if wanted is not None:
        return _prefer_root(manifest, {n.unique_id: None for n in named if n.version == wanted})
    packages: dict[str, list[Node]] = {}
    for node in named:
        packages.setdefault(node.package_name, []).append(node)
    return _prefer_root(manifest, {node.unique_id: note for node, note in map(_latest, packages.values())})


def _source(manifest: Manifest, source_name: str, table: str) -> _Outcome:
    return _prefer_root(manifest, {n.unique_id: None for n in manifest.by_name.get(table, ())
                                   if n.resource_type is ResourceType.SOURCE and n.source_name == source_name})


def _sources_named(manifest: Manifest, name: str) -> list[Node]:
    return [n for n in manifest.by_name.get(name, ()) if n.resource_type is ResourceType.SOURCE]


def _resolve(manifest: Manifest, text: str) -> _Outcome:
    if text in manifest.nodes:
        return Found(manifest.nodes[text])
    if text.startswith(SOURCE_PREFIX):
        source_name, _, table = text.removeprefix(SOURCE_PREFIX).rpartition(".")
        return _source(manifest, source_name, table)
    for package, name, version in _readings(text):
        outcome = _ref(manifest, name, package, version)
        if outcome is None:
            continue
        sources = _sources_named(manifest, name) if package is None and version is None else []
        if isinstance(outcome, Found) and sources:
            shadowed = ", ".join(spelling(s) for s in sources)
            note = (f"{text!r} means {outcome.node.unique_id}: a model, seed or snapshot wins over a source "
                    f"table of the same name, as in ref() (write {shadowed} for the source).")
            return Found(outcome.node, " ".join(filter(None, (outcome.note, note))))
        return outcome
    sources = _sources_named(manifest, text)
    if len(sources) > 1:
        return _Ambiguous(tuple(sources))
    return Found(sources[0]) if sources else None


def _ambiguous(what: str, found: Sequence[Node], spell: Callable[[Node], str]) -> AmbiguousNode:
    candidates = sorted(found, key=lambda n: n.unique_id)
    names = [spell(n) for n in candidates]
    if len(set(names)) < len(names):  # e.g. the same source in two packages: only ids tell them apart
        names = [n.unique_id for n in candidates]
    listed = "; ".join(f"{name} ({n.unique_id})" for name, n in zip(names, candidates, strict=True))
    return AmbiguousNode(f"{what} matches {len(candidates)} nodes and dbt's rules do not choose between them: "
                         f"{listed}.", remedy=f"Name the one you mean: {' or '.join(names)}.")


def _answer(outcome: _Outcome, what: str, spell: Callable[[Node], str]) -> Found | None:
    if isinstance(outcome, _Ambiguous):
        raise _ambiguous(what, outcome.candidates, spell)
    return outcome


def find_ref(manifest: Manifest, name: str, *, package: str | None = None, version: object = None) -> Found | None:
    """What ``ref(name)``, ``ref(package, name)`` or ``ref(name, v=version)`` means in ``manifest``
    (None when nothing does). Raises AmbiguousNode, naming each candidate's ``ref()`` call."""
    args = [repr(package)] if package else []
    args += [repr(name)] + ([f"v={version!r}"] if version is not None else [])
    call = ", ".join(args)
    return _answer(_ref(manifest, name, package, version), f"ref({call})", ref_call)


def find_source(manifest: Manifest, source_name: str, table_name: str) -> Found | None:
    """What ``source(source_name, table_name)`` means in ``manifest`` (None when nothing does)."""
    return _answer(_source(manifest, source_name, table_name), f"source({source_name!r}, {table_name!r})",
                   lambda n: n.unique_id)


def find_node(manifest: Manifest, text: str) -> Found | None:
    """The node ``text`` (any spelling of this module) means in ``manifest``; None when nothing does.
    Raises AmbiguousNode when dbt's rules cannot choose."""
    return _answer(_resolve(manifest, text.strip()), repr(text), lambda n: spelling(n, qualified=True))


# -- both manifests -------------------------------------------------------------------------------------
def find_in_pair(pair: ArtifactPair, text: str) -> FoundPair:
    """The node ``text`` means in the base and in the current manifest, each as :func:`find_node`
    resolves it there. Where one side cannot choose but the other's node is among its candidates,
    that node is taken, so both sides mean the same node when they can.

    Raises:
        CheckError: neither manifest has such a node (close spellings are suggested).
        AmbiguousNode: a side has several candidates and no rule chooses.
    """
    text = text.strip()
    outcomes = {env: _resolve(pair.side(env).manifest, text) for env in Env}
    for env, other in ((Env.BASE, Env.CURRENT), (Env.CURRENT, Env.BASE)):
        mine, theirs = outcomes[env], outcomes[other]
        if isinstance(mine, _Ambiguous) and isinstance(theirs, Found):
            same = [n for n in mine.candidates if n.unique_id == theirs.node.unique_id]
            if same:
                outcomes[env] = Found(same[0], f"{text!r} matches {len(mine.candidates)} nodes in the {env.value} "
                                               f"manifest; {same[0].unique_id} was chosen, as in the "
                                               f"{other.value} manifest.")
    base, current = (_answer(outcomes[env], repr(text), lambda n: spelling(n, qualified=True)) for env in Env)
    if base is None and current is None:
        raise _unknown(pair, text)
    notes = [f.note for f in (base, current) if f is not None and f.note]
    if base is not None and current is not None and base.node.unique_id != current.node.unique_id:
        notes.append(f"{text!r} is {base.node.unique_id} in base and {current.node.unique_id} in current.")
    return FoundPair(base.node if base else None, current.node if current else None,
                     tuple(dict.fromkeys(notes)))


def _unknown(pair: ArtifactPair, text: str) -> CheckError:
    known = sorted({s for side in (pair.base, pair.current) for n in side.manifest.nodes.values()
                    if n.resource_type in REF_TYPES or n.resource_type is ResourceType.SOURCE
                    for s in (spelling(n), spelling(n, qualified=True))})
    close = difflib.get_close_matches(text, known, n=3)
    hint = f"Did you mean {', '.join(close)}? " if close else ""
    return CheckError(f"No model, seed, snapshot or source {text!r} in the base or current manifest.",
                      remedy=f"{hint}Name it as `dbt ls` does (`orders`, `package.orders`, `orders.v2`, "
                             "`source:raw.orders` or a unique id), or rebuild the artifacts with "
                             "`dbt docs generate`.")

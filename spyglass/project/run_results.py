"""dbt's own evidence about a build: which tests passed, from ``run_results.json`` beside the manifest.

A value diff scans its key for duplicates and NULLs before joining (one GROUP BY per side). When dbt's
``unique`` test on exactly that key column (or a ``unique_combination_of_columns`` test on exactly those
columns, as dbt_utils names it) passed in the same build, that scan only repeats what dbt proved:
:func:`passed_key_test` finds such a test. The test must be a node of the manifest read (attached to the
model's node, with that test name and those columns) and its status in ``run_results.json`` must be
``pass``; a failed, errored, skipped or absent test, no ``run_results.json``, or one another dbt command
wrote than the one that wrote the manifest (their ``invocation_id`` differ: a later ``dbt parse``,
``compile`` or ``run`` may have changed what the test proved) finds nothing.

``run_results.json`` is small and read whole; the manifest's test nodes are decoded again, with only
their test fields, and only when the model declares that key unique and ``run_results.json`` holds a
passed test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from spyglass.project.artifact_schema import DependsOn
from spyglass.project.models import Manifest, Node

#: the name of dbt's run results file, written beside ``manifest.json``
RUN_RESULTS = "run_results.json"


class _Outcome(msgspec.Struct, gc=False):
    unique_id: str = ""
    status: str | None = None


class _Metadata(msgspec.Struct, gc=False):
    invocation_id: str | None = None


class _RunResults(msgspec.Struct, gc=False):
    metadata: _Metadata | None = None
    results: list[_Outcome] = []


class _TestMetadata(msgspec.Struct, gc=False):
    name: str | None = None
    namespace: str | None = None
    kwargs: dict[str, Any] = {}


class _TestNode(msgspec.Struct, gc=False):
    resource_type: str | None = None
    name: str | None = None
    test_metadata: _TestMetadata | None = None
    column_name: str | None = None
    attached_node: str | None = None
    depends_on: DependsOn | None = None


class _TestNodes(msgspec.Struct, gc=False):
    nodes: dict[str, _TestNode] = {}


_RESULTS_DECODER = msgspec.json.Decoder(_RunResults)
_NODES_DECODER = msgspec.json.Decoder(_TestNodes)


@dataclass(frozen=True)
class KeyTest:
    """A dbt test that proved a key unique in a build: its unique id and name."""

    unique_id: str
    name: str


def passed_tests(directory: Path, invocation_id: str | None = None) -> frozenset[str]:
    """Unique ids of the tests whose status is ``pass`` in ``directory/run_results.json`` (empty when the
    file is missing or unreadable, or when ``invocation_id`` is given and the file was written by another
    dbt command: no evidence, never an error)."""
    try:
        results = _RESULTS_DECODER.decode((directory / RUN_RESULTS).read_bytes())
    except (OSError, msgspec.DecodeError):
        return frozenset()
    written_by = results.metadata.invocation_id if results.metadata is not None else None
    if invocation_id and written_by and written_by != invocation_id:
        return frozenset()
    return frozenset(r.unique_id for r in results.results if r.status == "pass" and r.unique_id.startswith("test."))


def passed_key_test(manifest: Manifest, node: Node, keys: Sequence[str]) -> KeyTest | None:
    """A test that proved ``keys`` unique for ``node`` in the build that wrote ``manifest`` (None when
    there is none: see the module's doc)."""
    if not manifest.path or not keys:
        return None
    path = Path(manifest.path)
    if not _declared_unique(node, keys) or not path.is_file():  # no such test, or a manifest not from a file
        return None
    passed = sorted(passed_tests(path.parent, manifest.metadata.invocation_id))
    if not passed:
        return None
    try:
        tests = _NODES_DECODER.decode(path.read_bytes()).nodes
    except (OSError, msgspec.DecodeError):
        return None
    wanted = {_bare(k) for k in keys}
    for uid in passed:
        test = tests.get(uid)
        if test is not None and _proves(test, node.unique_id, wanted, len(keys)):
            return KeyTest(unique_id=uid, name=test.name or uid)
    return None


def _declared_unique(node: Node, keys: Sequence[str]) -> bool:
    """The manifest declares ``keys`` unique for ``node`` (a test, or a constraint) (pure)."""
    wanted = sorted(_bare(k) for k in keys)
    declared = [(c,) for c in node.unique_columns] + list(node.unique_combinations)
    return any(sorted(_bare(c) for c in columns) == wanted for columns in declared)


def _proves(test: _TestNode, model_id: str, wanted: set[str], count: int) -> bool:
    """True when ``test`` is a uniqueness test on exactly the ``wanted`` columns of ``model_id``."""
    meta = test.test_metadata
    if test.resource_type != "test" or meta is None:
        return False
    parents = test.depends_on.nodes if test.depends_on else []
    if (test.attached_node or (parents[0] if len(parents) == 1 else None)) != model_id:
        return False
    if meta.name == "unique" and count == 1:
        column = test.column_name or meta.kwargs.get("column_name")
        return isinstance(column, str) and _bare(column) == next(iter(wanted))
    if meta.name == "unique_combination_of_columns" and meta.namespace in (None, "dbt_utils"):
        columns = meta.kwargs.get("combination_of_columns")
        return (isinstance(columns, list) and len(columns) == count
                and all(isinstance(c, str) for c in columns) and {_bare(c) for c in columns} == wanted)
    return False


def _bare(column: str) -> str:
    """A tested column's name without the quotes a test may carry (``"Order_Id"`` → ``order_id``)."""
    return column.strip().strip('"`[]').lower()

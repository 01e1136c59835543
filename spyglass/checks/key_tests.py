"""Whether dbt already proved a value diff's key unique, so the key scan can be skipped on that side.

dbt's ``unique`` test on exactly the key column (or ``unique_combination_of_columns`` on exactly the key's
columns) that passed in the current build's ``run_results.json`` proves the current side's key unique;
the base build's proves the base side's (:func:`spyglass.project.run_results.passed_key_test`). A side
without such proof is scanned as before. NULL keys are not what ``unique`` tests, but a NULL key never
pairs in the join, and the join's own consistency check (``in_both + removed == base rows``) still
refuses a key that was not unique after all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from spyglass.checks.base import CheckContext
from spyglass.checks.compare import ModelPair
from spyglass.project.models import Env
from spyglass.project.run_results import KeyTest, passed_key_test


@dataclass(frozen=True)
class KeyProof:
    """The sides whose key dbt's tests proved unique, and by which test."""

    keys: tuple[str, ...]
    tests: Mapping[Env, KeyTest] = field(default_factory=dict)

    @property
    def skipped(self) -> frozenset[Env]:
        return frozenset(self.tests)

    @property
    def notes(self) -> tuple[str, ...]:
        """``key order_id: dbt test unique_orders_order_id passed in this build; uniqueness scan skipped``."""
        current, base = self.tests.get(Env.CURRENT), self.tests.get(Env.BASE)
        if current is None:
            return ()
        where = "in this build and in the base build" if base is not None else "in this build"
        scope = "" if base is not None else " on the current side (base was scanned)"
        return (f"key {', '.join(self.keys)}: dbt test {current.name} passed {where}; "
                f"uniqueness scan skipped{scope}",)


def key_proof(ctx: CheckContext, nodes: ModelPair, keys: Sequence[str]) -> KeyProof:
    """Which sides' keys passed dbt's uniqueness test in their build. Only the current build's test
    lets a scan be skipped; the base's then spares the base side's scan too."""
    current = passed_key_test(ctx.artifacts.current.manifest, nodes.current, keys)
    if current is None:
        return KeyProof(tuple(keys))
    base = passed_key_test(ctx.artifacts.base.manifest, nodes.base, keys)
    tests = {Env.CURRENT: current} if base is None else {Env.CURRENT: current, Env.BASE: base}
    return KeyProof(tuple(keys), tests)

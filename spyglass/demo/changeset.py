"""The demo's change set: what the "merge request" does to the shop project, declared as data.

Each :class:`Change` names a file of the dbt project (relative to its root) and what happens to it. Files
that are modified or added take their new content from the overlay directory ``spyglass/demo/changes/``
(same relative path); removed files are deleted. The expectations the tests and the docs rely on
(which models are added, removed, modified, filtered) are derived from this one list.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath

from spyglass.exceptions import SpyglassError

#: The overlay with the new content of modified and added files.
CHANGES_DIR = Path(__file__).parent / "changes"


class ChangeKind(str, Enum):
    MODIFY = "modify"
    ADD = "add"
    REMOVE = "remove"


@dataclass(frozen=True)
class Change:
    """One file of the change set and the kind of change it shows off."""

    kind: ChangeKind
    path: str
    what: str

    @property
    def model(self) -> str | None:
        """The model this file defines (a ``models/**.sql`` file), else None."""
        pure = PurePosixPath(self.path)
        if pure.parts[0] == "models" and pure.suffix == ".sql":
            return pure.stem
        return None


CHANGE_SET: tuple[Change, ...] = (
    Change(ChangeKind.MODIFY, "models/staging/stg_payments.sql",
           "values change: coupon payments no longer count as revenue (amount 0)"),
    Change(ChangeKind.MODIFY, "models/staging/stg_customers.sql",
           "column removed: email (personal data clean-up)"),
    Change(ChangeKind.MODIFY, "models/staging/stg_orders.sql", "type change: quantity integer -> bigint"),
    Change(ChangeKind.MODIFY, "models/marts/fct_orders.sql", "row filter: cancelled orders are excluded"),
    Change(ChangeKind.MODIFY, "models/marts/dim_customers.sql", "column added: last_order_date"),
    Change(ChangeKind.ADD, "models/marts/payment_method_summary.sql", "model added"),
    Change(ChangeKind.REMOVE, "models/marts/customer_segments.sql", "model removed"),
    Change(ChangeKind.MODIFY, "models/staging/staging.yml", "docs: email column removed"),
    Change(ChangeKind.MODIFY, "models/marts/marts.yml", "docs and tests of the added and removed models"),
)

#: The model whose row filter removes rows (its row count drops in current).
FILTERED_MODEL = "fct_orders"
#: Models whose code does not change but that sit downstream of changed ones.
UNCHANGED_DOWNSTREAM = ("daily_revenue", "product_sales", "country_summary")

#: What the summary says each modified model's change means (its category, from the SQL).
CATEGORIES = {
    "fct_orders": "breaking",  # a new filter: every row may change
    "stg_payments": "partial_breaking",  # one column's expression changed
    "stg_orders": "partial_breaking",  # one column's type changed
    "stg_customers": "partial_breaking",  # a column removed
    "dim_customers": "non_breaking",  # a column added
}
#: Changed models the demo's own checks leave unverified: views whose changed values no value diff
#: compares (their rows are counted), listed under "Not verified" in the summary.
UNVERIFIED_MODELS = ("stg_orders", "stg_payments")


def _models(kind: ChangeKind) -> frozenset[str]:
    return frozenset(c.model for c in CHANGE_SET if c.kind is kind and c.model is not None)


ADDED_MODELS = _models(ChangeKind.ADD)
REMOVED_MODELS = _models(ChangeKind.REMOVE)
MODIFIED_MODELS = _models(ChangeKind.MODIFY)


def apply_change_set(project_dir: Path, changes_dir: Path = CHANGES_DIR) -> None:
    """Apply :data:`CHANGE_SET` to the copy of the demo project in ``project_dir``."""
    for change in CHANGE_SET:
        target = project_dir / change.path
        if change.kind is ChangeKind.REMOVE:
            target.unlink(missing_ok=True)
            continue
        source = changes_dir / change.path
        if not source.is_file():
            raise SpyglassError(
                f"The demo change set is incomplete: {source} is missing.",
                remedy="Reinstall Spyglass (the package data of spyglass/demo/changes is damaged).",
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)

"""What a reviewer would say about each case of the crafted project (``base/`` → ``current/``).

Written from the SQL, not from Spyglass's output. Every case model reads the shared staging models
(``stg_orders``: order_id, customer_id, status, amount_cents, ordered_at; ``stg_customers``: customer_id,
customer_name, region) and has downstream models that use some, not all, of its columns.

``impacted`` lists the downstream columns the change can affect, as ``<node name>.<column>``:

* breaking (and unknown: nothing can be ruled out) → every column of every downstream model;
* partial_breaking → the downstream columns made from a modified or removed column (a removed column
  through the base side, where it still exists: a ``select *`` downstream loses it), plus every column of
  a downstream model that filters, joins or groups on one (``expr_change_big`` keeps the rows where
  ``amount > 10``); added columns affect nothing that exists downstream;
* non_breaking → nothing.

| case (model)                         | category         | changed columns     | impacted downstream columns  |
|--------------------------------------|------------------|---------------------|------------------------------|
| added column (add_col)               | non_breaking     | amount_cents added  | -                            |
| removed column (remove_col)          | partial_breaking | status removed      | remove_col_down.status       |
| renamed column (rename_col)          | partial_breaking | status removed,     | rename_col_down.status       |
|                                      |                  | order_status added  |                              |
| expression changed (expr_change)     | partial_breaking | amount modified     | expr_change_big.order_id,    |
|                                      |                  |                     | expr_change_big.status,      |
|                                      |                  |                     | expr_change_down.total_amount|
| new WHERE (new_where)                | breaking         | -                   | new_where_down.customer_id,  |
|                                      |                  |                     | new_where_down.n_orders      |
| left → inner join (join_type)        | breaking         | -                   | join_type_down.n_orders,     |
|                                      |                  |                     | join_type_down.region        |
| GROUP BY changed (group_by)          | breaking         | -                   | group_by_down.customer_id,   |
|                                      |                  |                     | group_by_down.total_cents    |
| DISTINCT added (distinct_added)      | breaking         | -                   | distinct_added_down.         |
|                                      |                  |                     | customer_id                  |
| comments/whitespace (comment_only)   | non_breaking     | -                   | -                            |
| materialized, set in yml             | non_breaking     | -                   | -                            |
|   (materialization_only)             |                  |                     |                              |
| macro cents_to_dollars (macro_only)  | partial_breaking | amount modified     | macro_only_down.revenue      |
| SELECT * over a changed upstream     | partial_breaking | status modified     | star_down.status,            |
|   (star_upstream)                    |                  |                     | star_model.status            |
| SQL sqlglot cannot parse             | unknown          | -                   | unparseable_down.order_id,   |
|   (unparseable)                      |                  |                     | unparseable_down.weight      |

``star_model`` (``select * from star_upstream``) is unchanged: it is impacted only through its columns as
the catalog expands them. ``remove_col_down`` and ``rename_col_down`` are ``select *`` too, so that they
still build once the column is gone. ``exposure orders_dashboard`` depends on ``new_where_down``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from spyglass.project.change_types import Category, ColumnChange

ADDED, REMOVED, MODIFIED = ColumnChange.ADDED, ColumnChange.REMOVED, ColumnChange.MODIFIED


@dataclass(frozen=True)
class Expect:
    """One row of the table above."""

    case: str
    model: str
    category: Category
    columns: Mapping[str, ColumnChange] = field(default_factory=dict)
    impacted: tuple[str, ...] = ()
    #: a word that one of the classification's reasons must contain
    reason: str | None = None
    exposures: tuple[str, ...] = ()


CASES: tuple[Expect, ...] = (
    Expect("added column", "add_col", Category.NON_BREAKING, {"amount_cents": ADDED}),
    Expect("removed column", "remove_col", Category.PARTIAL_BREAKING, {"status": REMOVED},
           ("remove_col_down.status",)),
    Expect("renamed column", "rename_col", Category.PARTIAL_BREAKING, {"status": REMOVED, "order_status": ADDED},
           ("rename_col_down.status",)),
    Expect("one column's expression changed", "expr_change", Category.PARTIAL_BREAKING, {"amount": MODIFIED},
           ("expr_change_big.order_id", "expr_change_big.status", "expr_change_down.total_amount")),
    Expect("new WHERE", "new_where", Category.BREAKING, {},
           ("new_where_down.customer_id", "new_where_down.n_orders"), reason="status",
           exposures=("orders_dashboard",)),
    Expect("join type changed", "join_type", Category.BREAKING, {},
           ("join_type_down.n_orders", "join_type_down.region"), reason="join"),
    Expect("GROUP BY changed", "group_by", Category.BREAKING, {},
           ("group_by_down.customer_id", "group_by_down.total_cents"), reason="group"),
    Expect("DISTINCT added", "distinct_added", Category.BREAKING, {},
           ("distinct_added_down.customer_id",), reason="distinct"),
    Expect("comment/whitespace only", "comment_only", Category.NON_BREAKING),
    Expect("materialization only", "materialization_only", Category.NON_BREAKING, reason="materialized"),
    Expect("macro only", "macro_only", Category.PARTIAL_BREAKING, {"amount": MODIFIED},
           ("macro_only_down.revenue",), reason="cents_to_dollars"),
    Expect("SELECT * over a changed upstream", "star_upstream", Category.PARTIAL_BREAKING, {"status": MODIFIED},
           ("star_down.status", "star_model.status")),
    Expect("SQL sqlglot cannot parse", "unparseable", Category.UNKNOWN, {},
           ("unparseable_down.order_id", "unparseable_down.weight")),
)

#: models that no case changes and that no change can affect
UNTOUCHED = ("stg_orders", "stg_customers", "add_col_down", "comment_only_down", "materialization_only_down")

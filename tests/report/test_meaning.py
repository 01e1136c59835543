"""The summary's "What the change means" line per changed node and its "Not verified" list."""

from __future__ import annotations

from spyglass.checks.schema_diff import NodeSchemaDiff, SchemaColumn, SchemaDiffResult
from spyglass.checks.schema_diff.result import TypeChange
from spyglass.checks.value_diff import ValueDiffResult
from spyglass.checks.value_diff.result import Segment
from spyglass.report.markdown import render_summary
from spyglass.report.meaning import md_reason, render_meaning, render_not_verified
from spyglass.state.models import RunStatus
from tests.records import spec_of
from tests.report.explained_state import Checks, counts, node, state, uid


def _orders_diff(segments: tuple[Segment, ...] = ()) -> ValueDiffResult:
    return ValueDiffResult(model="fct_orders", primary_key=("order_id",), base_rows=10_000, current_rows=9_500,
                           added=0, removed=500, in_both=9_500, changed=46, columns=(), segments=segments)


def _shop() -> tuple[list, Checks]:  # type: ignore[type-arg]
    nodes = [
        node("fct_orders", category="breaking", category_reasons=["new filter `status <> 'returned'`"],
             impacted_nodes=[uid("daily_revenue"), uid("dim_customers")], impacted_node_count=2,
             impacted_column_counts={"daily_revenue": 4, "dim_customers": 5}, primary_key=["order_id"]),
        node("stg_payments", category="partial_breaking", category_reasons=["columns modified: amount"],
             columns={"amount": "modified"}, materialized="view", primary_key=["payment_id"],
             impacted_nodes=[uid("fct_orders"), uid("dim_customers")], impacted_node_count=2,
             impacted_column_counts={"fct_orders": 1, "dim_customers": 1}),
        node("dim_customers", category="non_breaking", category_reasons=["columns added: last_order_date"],
             columns={"last_order_date": "added"}, whole_node=True, column_count=5, primary_key=["customer_id"]),
        node("daily_revenue", "impacted", whole_node=True, column_count=4, primary_key=[]),
        node("payment_method_summary", "added"),
        node("customer_segments", "removed"),
    ]
    segments = (Segment(kind="removed", column="status", value="returned", rows=500, kind_rows=500,
                        overall_rows=500, side_rows=10_000),
                Segment(kind="changed", column="method", value="o'coupon", rows=43, kind_rows=46, overall_rows=80,
                        side_rows=9_500))
    schema = SchemaDiffResult(nodes=(NodeSchemaDiff(
        unique_id=uid("dim_customers"), name="dim_customers", resource_type="model", status="modified",
        coverage="complete", added=(SchemaColumn(name="last_order_date", type="date", index=5),),
        type_changes=(TypeChange(column="customer_id", base_type="INTEGER", current_type="BIGINT"),)),))
    checks = (Checks()
              .ran("Order values", spec_of("value_diff", model="fct_orders"), _orders_diff(segments))
              .ran("Row counts", spec_of("row_count_diff"), counts(("stg_payments", 2_200, 2_200),
                                                                   ("dim_customers", 200, 200),
                                                                   ("payment_method_summary", None, 5)))
              .ran("Schema", spec_of("schema_diff"), schema)
              .ran("Revenue values", spec_of("value_diff", model="daily_revenue"), status=RunStatus.FAILED,
                   error="No primary key given for model 'daily_revenue', and none is declared in dbt."))
    return nodes, checks


def test_one_line_per_changed_node_joins_category_reasons_data_and_impact() -> None:
    nodes, checks = _shop()
    text = render_meaning(state(nodes, checks))

    assert text is not None
    assert text.splitlines() == [
        "## What the change means",
        "",
        "1 breaking, 1 partial breaking, 1 non-breaking, 1 added, 1 removed, 1 impacted downstream.",
        "",
        "- `fct_orders` — **breaking**: new filter `status <> 'returned'`; 500 of 10,000 rows removed, all with "
        "`status = 'returned'`; 46 of 9,500 rows changed, 93% with `method = 'o''coupon'`; impacts "
        "`daily_revenue`, `dim_customers`",
        "- `stg_payments` — **partial breaking**: columns modified: amount; 2,200 rows, as before; impacts "
        "`dim_customers` (1 of 5 columns), `fct_orders`",
        "- `dim_customers` — **non-breaking**: columns added: last\\_order\\_date; 200 rows, as before; columns "
        "retyped `customer_id` (INTEGER → BIGINT)",
        "- `payment_method_summary` — **added**; 5 rows",
        "- `customer_segments` — **removed**",
    ]


def test_the_not_verified_list_says_why_for_each_node() -> None:
    nodes, checks = _shop()
    text = render_not_verified(state(nodes, checks))

    assert text is not None
    assert text.splitlines() == [
        "## Not verified",
        "",
        "2 changed or impacted nodes that no check verified:",
        "",
        "- `stg_payments` (partial breaking, view) — no value diff compared its values (by its key "
        "`payment_id`); only its rows were counted",
        "- `daily_revenue` (impacted) — check `Revenue values` failed: No primary key given for model "
        "'daily\\_revenue', and none is declared in dbt.",
    ]


def test_every_reason_reads_in_plain_words() -> None:
    nodes = [node("outside", category="breaking", selected=False), node("eph", category="breaking",
                                                                       materialized="ephemeral"),
             node("unbuilt", category="breaking", built=False), node("nokey", "impacted", primary_key=[]),
             node("view", category="breaking", materialized="view"), node("fresh", "added"),
             node("cols", category="non_breaking")]
    text = render_not_verified(state(nodes, selection="--select tag:nightly"))

    assert text is not None
    assert text.splitlines()[4:] == [
        "- `eph` (breaking, ephemeral) — ephemeral: it has no table or view to query",
        "- `outside` (breaking) — outside this run's selection (`--select tag:nightly`)",
        "- `unbuilt` (breaking) — not built: its table or view is missing in current",
        "- `view` (breaking, view) — a view: no check counted its rows",
        "- `cols` (non-breaking) — no schema diff covered its columns",
        "- `fresh` (added) — no check counted its rows",
        "- `nokey` (impacted) — no primary key, so no value diff compared its values (declare one with a "
        "`unique` test)",
    ]


def test_when_every_change_is_verified_the_list_says_so() -> None:
    nodes = [node("fct_orders", category="breaking")]
    checks = Checks().ran("counts", spec_of("row_count_diff"), counts(("fct_orders", 10, 9)))
    assert render_not_verified(state(nodes, checks)) == (
        "## Not verified\n\nEvery changed and impacted node was verified by a check.\n")
    assert render_meaning(state(nodes, checks)) == (
        "## What the change means\n\n1 breaking.\n\n- `fct_orders` — **breaking**; rows 10 → 9 (-1, -10.0%)\n")


def test_no_sections_without_the_analysis_or_without_a_change() -> None:
    for plain in (state([node("a", category="breaking")], analysed=False), state([node("a", "impacted")])):
        assert render_meaning(plain) is None and render_not_verified(plain) is None
        assert "## What the change means" not in render_summary(plain)


def test_long_lists_are_capped_with_a_count_of_the_rest() -> None:
    nodes = [node(f"m{i:03d}", category="breaking") for i in range(60)]
    meaning, missing = render_meaning(state(nodes)), render_not_verified(state(nodes))
    assert meaning is not None and missing is not None
    assert meaning.count("\n- ") == 51 and "- … and 10 more changed nodes (`spyglass impact` lists all)." in meaning
    assert missing.count("\n- ") == 51 and "- … and 10 more nodes" in missing
    many = node("wide", category="breaking", impacted_nodes=[uid(f"d{i}") for i in range(30)],
                impacted_node_count=45, exposures=["a", "b"])
    line = (render_meaning(state([many])) or "").splitlines()[-1]
    assert line.endswith("impacts `d0`, `d1`, `d10`, `d11`, `d12` and 40 more; exposures `a`, `b`")


def test_the_summary_opens_with_the_explanations_and_cuts_them_before_the_not_verified_list() -> None:
    nodes, checks = _shop()
    explained = state(nodes, checks)
    full = render_summary(explained)
    assert full.index("# Spyglass summary") < full.index("## What the change means") < full.index(
        "## Not verified") < full.index("## Checks")
    assert render_summary(explained) == full

    seen = set()
    for limit in range(len(full), 300, -100):
        cut = render_summary(explained, max_chars=limit)
        assert len(cut) <= limit
        meaning, missing = "## What the change means" in cut, "## Not verified" in cut
        assert missing or not meaning  # the list outlives the explanations
        assert "## Checks" in cut or not missing  # and the checks table outlives both
        seen.add((meaning, missing))
    assert seen >= {(True, True), (False, True), (False, False)}

def test_reasons_show_their_sql_as_code_and_their_words_as_text() -> None:
    assert md_reason("new filter `status <> 'returned'`") == "new filter `status <> 'returned'`"
    assert md_reason("macro changed: cents_to_dollars") == "macro changed: cents\\_to\\_dollars"
    assert md_reason("where changed: `a | b` → `@all`") == "where changed: <code>a \\| b</code> → `@all`"
    assert md_reason("odd ` tick") == "odd \\` tick"

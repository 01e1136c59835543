"""The default checks follow the change: each modified node's classification decides what is checked
(over compiled manifests and catalogs, as dbt writes them; see tests/checks/suggest_project.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.checks.presets import (
    PresetCheck,
    fallback_checks,
    load_presets,
    parse_presets,
    presets_yaml,
    suggest_checks,
)
from spyglass.checks.presets.suggest import ROW_COUNT_NAME, SCHEMA_DIFF_NAME, model_name
from spyglass.checks.scope import NodeSelection
from spyglass.project.artifacts import load_pair
from spyglass.project.changes import ChangeAnalysis
from tests.checks.suggest_project import BASE_MODELS, CURRENT_MODELS, analysis, side, uid, write_suggest_project
from tests.project.manifest_builder import ManifestBuilder, write_pair


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_suggest_project(tmp_path_factory.mktemp("suggest"))


@pytest.fixture(scope="module")
def changes(project: Path) -> ChangeAnalysis:
    return analysis(project)


def _specs(checks: tuple[PresetCheck, ...]) -> list[tuple[str | None, dict[str, object]]]:
    return [(check.name, check.spec.model_dump(mode="json")) for check in checks]


def test_each_category_gets_the_checks_a_reviewer_would_run(changes: ChangeAnalysis) -> None:
    suggested = suggest_checks(changes)
    modified = sorted(uid(n) for n in ("completed", "nokey", "order_lines", "orders", "stable", "wide"))
    assert _specs(suggested.checks) == [
        # every modified relation (the ephemeral one has none)
        (SCHEMA_DIFF_NAME, {"type": "schema_diff", "params": {"node_id": modified}}),
        # the breaking change and the table downstream of it; not customer_revenue, whose rows stay
        (ROW_COUNT_NAME, {"type": "row_count_diff",
                          "params": {"node_ids": [uid("completed"), uid("completed_report")]}}),
        # partial breaking with a key: the changed columns only, on the declared key (composite too)
        ("Value diff of order_lines (partial breaking: qty)",
         {"type": "value_diff", "params": {"model": "order_lines", "primary_key": ["order_id", "line"],
                                           "columns": ["qty"]}}),
        ("Value diff of orders (partial breaking: amount)",
         {"type": "value_diff", "params": {"model": "orders", "primary_key": "order_id", "columns": ["amount"]}}),
    ]


def test_what_got_no_check_is_said_with_what_to_do(changes: ChangeAnalysis) -> None:
    notes = suggest_checks(changes).notes
    assert len(notes) == 2
    eph, nokey = notes
    assert eph.startswith("No value diff of eph (partial breaking): it is ephemeral")
    assert nokey.startswith("No value diff of nokey (partial breaking): no primary key is declared")
    assert "add a `unique` test" in nokey and "dbt_utils.unique_combination_of_columns" in nokey


def test_descriptions_say_why_in_words(changes: ChangeAnalysis) -> None:
    schema, rows, lines, orders = suggest_checks(changes).checks
    assert schema.description.startswith("Columns added, removed, retyped or reordered in the 6 modified nodes: ")
    for words in ("completed (breaking", "orders (partial breaking", "stable (non-breaking", "wide (non-breaking"):
        assert words in schema.description
    assert "changed: completed (breaking" in rows.description and "impacted: completed_report" in rows.description
    assert "status" in rows.description  # the new filter, in the classification's words
    assert "row by row on order_id, line in the columns the change can alter: qty." in lines.description
    assert orders.description.startswith("orders changed some of its columns (")


def test_the_same_artifacts_give_the_same_checks(project: Path, changes: ChangeAnalysis) -> None:
    again = analysis(project)
    assert suggest_checks(again) == suggest_checks(changes)
    assert presets_yaml(suggest_checks(again).checks) == presets_yaml(suggest_checks(changes).checks)


def test_value_diffs_are_bounded_and_the_rest_named(changes: ChangeAnalysis) -> None:
    suggested = suggest_checks(changes, max_value_diffs=1)
    assert [c.name for c in suggested.checks][2:] == ["Value diff of order_lines (partial breaking: qty)"]
    assert suggested.notes[-1] == ("No value diff of orders: at most 1 value diffs are suggested; add the ones "
                                   "you need to spyglass.yml.")


def test_a_selection_keeps_its_own_modified_nodes_and_counts_only_its_nodes(changes: ChangeAnalysis) -> None:
    only_orders = suggest_checks(changes, NodeSelection.parse(["orders+"]))
    assert _specs(only_orders.checks) == [
        (SCHEMA_DIFF_NAME, {"type": "schema_diff", "params": {"node_id": [uid("orders")]}}),
        ("Value diff of orders (partial breaking: amount)",
         {"type": "value_diff", "params": {"model": "orders", "primary_key": "order_id", "columns": ["amount"]}}),
    ]
    assert only_orders.notes == ()
    without_report = suggest_checks(changes, NodeSelection.parse(["completed"]))
    assert without_report.checks[1].spec.model_dump(mode="json")["params"] == {"node_ids": [uid("completed")]}


def test_no_modified_node_means_the_schema_diff_of_state_modified(tmp_path: Path) -> None:
    base = side("main", BASE_MODELS)
    current = side("dev", {**BASE_MODELS, "extra": "select 1 as id"})
    suggested = suggest_checks(analysis(write_suggest_project(tmp_path, base, current)))
    assert suggested.checks == fallback_checks()
    assert _specs(suggested.checks) == [(SCHEMA_DIFF_NAME, {"type": "schema_diff",
                                                            "params": {"select": "state:modified"}})]
    assert "adds or removes" in suggested.checks[0].description


def test_only_non_breaking_changes_need_only_the_schema_diff(tmp_path: Path) -> None:
    changed = {name: CURRENT_MODELS[name] for name in ("stable", "wide")}
    root = write_suggest_project(tmp_path, side("main", BASE_MODELS), side("dev", {**BASE_MODELS, **changed}))
    assert _specs(suggest_checks(analysis(root)).checks) == [
        (SCHEMA_DIFF_NAME, {"type": "schema_diff", "params": {"node_id": [uid("stable"), uid("wide")]}})]


def test_a_model_is_named_so_that_the_lookup_finds_it_again(tmp_path: Path) -> None:
    """A name two packages define is qualified; a versioned model keeps its version."""
    builder = ManifestBuilder()
    builder.model("orders")
    builder.model("orders", package="other")
    builder.model("items", version=2, latest_version=2)
    builder.model("items", version=1, latest_version=2)
    write_pair(tmp_path, builder, builder)
    pair = load_pair(tmp_path / "target-base", tmp_path / "target")
    nodes = pair.current.manifest.nodes
    assert model_name(pair, nodes["model.shop.orders"]) == "shop.orders"
    assert model_name(pair, nodes["model.other.orders"]) == "other.orders"
    assert model_name(pair, nodes["model.shop.items.v1"]) == "items.v1"
    assert model_name(pair, nodes["model.shop.items.v2"]) == "items.v2"


def test_suggested_yaml_reads_back_to_the_same_checks(changes: ChangeAnalysis, tmp_path: Path) -> None:
    suggested = suggest_checks(changes)
    text = presets_yaml(suggested.checks, comments=["Kept from a suggestion.", *suggested.notes])
    assert text.startswith("# Kept from a suggestion.\n# No value diff of eph")
    assert all(len(line) <= 100 for line in text.splitlines() if line.startswith("#"))
    (tmp_path / "spyglass.yml").write_text(text)
    config = load_presets(tmp_path)
    assert config.source == "spyglass.yml"
    assert config.checks == suggested.checks
    assert parse_presets(presets_yaml(config.checks), tmp_path / "again.yml") == suggested.checks


def test_without_a_config_file_the_defaults_follow_the_change(project: Path, changes: ChangeAnalysis) -> None:
    config = load_presets(project, changes)
    assert config.source == "defaults"
    assert config.checks == suggest_checks(changes).checks
    assert config.notes == suggest_checks(changes).notes
    limited = load_presets(project, changes, selection=NodeSelection.parse(["orders"]))
    assert limited.checks == suggest_checks(changes, NodeSelection.parse(["orders"])).checks
    assert load_presets(project).checks == fallback_checks()  # no change analysis: the schema diff alone


def test_a_value_diff_also_compares_the_columns_an_upstream_change_reaches(tmp_path: Path) -> None:
    """customer_revenue changes order_count itself, and its revenue is summed from orders.amount, which
    orders changes: both are compared, nothing else."""
    revenue = "select customer_id, sum(amount) as revenue, count(distinct order_id) as order_count " \
              "from {{ ref('orders') }} group by customer_id"
    base = side("main", BASE_MODELS)
    current = side("dev", {**BASE_MODELS, "orders": CURRENT_MODELS["orders"], "customer_revenue": revenue})
    for builder in (base, current):
        builder.test("unique", uid("customer_revenue"), "customer_id")
    suggested = suggest_checks(analysis(write_suggest_project(tmp_path, base, current)))
    by_name = dict(_specs(suggested.checks))
    assert by_name["Value diff of customer_revenue (partial breaking: order_count, revenue)"] == {
        "type": "value_diff", "params": {"model": "customer_revenue", "primary_key": "customer_id",
                                         "columns": ["order_count", "revenue"]}}


def test_a_model_that_only_lost_columns_is_left_to_the_schema_diff(tmp_path: Path) -> None:
    fewer = "select order_id, customer_id, amount from {{ ref('raw_orders') }}"
    root = write_suggest_project(tmp_path, side("main", BASE_MODELS), side("dev", {**BASE_MODELS, "orders": fewer}))
    suggested = suggest_checks(analysis(root))
    assert [c.name for c in suggested.checks] == [SCHEMA_DIFF_NAME]
    assert suggested.notes == ("No value diff of orders (partial breaking): no column it keeps was modified; the "
                               "schema diff shows the removed ones.",)

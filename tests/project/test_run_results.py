"""Which dbt test proved a key unique in a build: run_results.json statuses checked against the manifest."""

from __future__ import annotations

import json
from pathlib import Path

from spyglass.project.artifacts import load_manifest
from spyglass.project.models import Env, Manifest
from spyglass.project.run_results import KeyTest, passed_key_test, passed_tests
from tests.project.manifest_builder import ManifestBuilder

#: what ManifestBuilder writes: dbt writes the same id into the manifest and run_results.json of one command
INVOCATION = "00000000-0000-0000-0000-000000000000"


def _write_results(directory: Path, statuses: dict[str, str], invocation: str = INVOCATION) -> None:
    """``run_results.json`` as ``dbt build`` writes it (the fields Spyglass reads, and some it skips)."""
    results = [{"unique_id": uid, "status": status, "timing": [], "thread_id": "Thread-1", "execution_time": 0.1,
                "adapter_response": {}, "message": None, "failures": 0 if status == "pass" else 2,
                "compiled": True, "compiled_code": "select 1", "relation_name": None, "batch_results": None}
               for uid, status in statuses.items()]
    (directory / "run_results.json").write_text(json.dumps({
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json",
                     "dbt_version": "1.11.0", "generated_at": "2026-11-30T00:00:00Z", "invocation_id": invocation},
        "results": results, "elapsed_time": 1.0, "args": {"which": "build"}}))


def _project(tmp_path: Path) -> tuple[ManifestBuilder, str, dict[str, str]]:
    builder = ManifestBuilder()
    orders = builder.model("orders", materialized="table")
    builder.model("customers", materialized="table")
    tests = {"unique": builder.test("unique", orders, "order_id"),
             "not_null": builder.test("not_null", orders, "order_id"),
             "other": builder.test("unique", orders, "customer_id")}
    combo = "test.shop.dbt_utils_unique_combination_of_columns_orders_a__b.abc"
    builder.nodes[combo] = {**builder.nodes[tests["unique"]], "unique_id": combo, "name": combo.split(".")[2],
                            "column_name": None,
                            "test_metadata": {"name": "unique_combination_of_columns", "namespace": "dbt_utils",
                                              "kwargs": {"combination_of_columns": ["b", "A"],
                                                         "model": "{{ get_where_subquery(ref('orders')) }}"}}}
    tests["combo"] = combo
    return builder, orders, tests


def _manifest(builder: ManifestBuilder, directory: Path) -> Manifest:
    return load_manifest(builder.write(directory), Env.CURRENT)


def test_a_passed_unique_test_on_exactly_the_key_proves_it(tmp_path: Path) -> None:
    builder, orders, tests = _project(tmp_path)
    manifest = _manifest(builder, tmp_path)
    node = manifest.nodes[orders]
    assert passed_key_test(manifest, node, ["order_id"]) is None  # no run_results.json: no evidence
    _write_results(tmp_path, {tests["unique"]: "pass", tests["not_null"]: "pass", tests["combo"]: "pass",
                              orders: "success"})
    assert passed_tests(tmp_path) == {tests["unique"], tests["not_null"], tests["combo"]}
    assert passed_key_test(manifest, node, ["order_id"]) == KeyTest(tests["unique"], "unique_orders_order_id")
    assert passed_key_test(manifest, node, ["ORDER_ID"]) is not None  # names compare as identifiers do
    assert passed_key_test(manifest, node, ["customer_id"]) is None  # its test did not run
    assert passed_key_test(manifest, node, ["order_id", "customer_id"]) is None  # not exactly the key
    assert passed_key_test(manifest, node, ["a", "b"]) == KeyTest(tests["combo"], tests["combo"].split(".")[2])
    assert passed_key_test(manifest, node, ["a"]) is None
    customers = manifest.nodes["model.shop.customers"]
    assert passed_key_test(manifest, customers, ["order_id"]) is None  # the test is another model's


def test_failed_errored_skipped_or_stale_tests_prove_nothing(tmp_path: Path) -> None:
    builder, orders, tests = _project(tmp_path)
    manifest = _manifest(builder, tmp_path)
    node = manifest.nodes[orders]
    for status in ("fail", "error", "skipped", "warn"):
        _write_results(tmp_path, {tests["unique"]: status})
        assert passed_key_test(manifest, node, ["order_id"]) is None, status
    (tmp_path / "run_results.json").write_text("{not json")
    assert passed_key_test(manifest, node, ["order_id"]) is None
    _write_results(tmp_path, {"test.shop.unique_orders_order_id.gone": "pass"})  # not a node of this manifest
    assert passed_key_test(manifest, node, ["order_id"]) is None
    _write_results(tmp_path, {tests["unique"]: "pass"}, invocation="another-command")  # e.g. dbt parse since
    assert passed_key_test(manifest, node, ["order_id"]) is None
    assert passed_tests(tmp_path) == {tests["unique"]} and not passed_tests(tmp_path, INVOCATION)
    _write_results(tmp_path, {tests["unique"]: "pass"})
    assert passed_key_test(manifest, node, ["order_id"]) is not None

"""Loading manifest.json / catalog.json: node fields, tests-derived keys, and every bad input."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from spyglass.exceptions import ArtifactError
from spyglass.project.artifact_nodes import ConfigMap
from spyglass.project.artifacts import load_catalog, load_manifest, load_pair
from spyglass.project.models import Env, ResourceType
from tests.project.manifest_builder import ManifestBuilder, shop_builders, write_catalog, write_pair


@pytest.fixture
def shop_dirs(tmp_path: Path) -> tuple[Path, Path]:
    base, current = shop_builders()
    return write_pair(tmp_path, base, current)


def test_nodes_carry_every_field(shop_dirs: tuple[Path, Path]) -> None:
    manifest = load_manifest(shop_dirs[1] / "manifest.json", Env.CURRENT)
    customers = manifest.nodes["model.shop.customers"]
    assert customers.name == "customers"
    assert customers.resource_type is ResourceType.MODEL
    assert customers.package_name == "shop"
    assert customers.original_file_path == "models/marts/customers.sql"
    assert (customers.database, customers.schema, customers.alias) == ("shop", "dev", "customers")
    assert customers.relation_name == '"shop"."dev"."customers"'
    assert customers.materialized == "table"
    assert customers.relation_config == {"materialized": "table"}
    assert customers.tags == ("mart",)
    assert customers.fqn == ("shop", "marts", "customers")
    assert customers.depends_on == ("model.shop.stg_customers", "model.shop.stg_orders")
    assert customers.columns["customer_id"].data_type == "integer"
    assert len(customers.checksum) == 64
    assert customers.unique_columns == ("customer_id",)
    assert customers.not_null_columns == ("customer_id",)
    assert customers.primary_key == "customer_id"
    assert manifest.metadata.schema_version == 12
    assert manifest.metadata.adapter_type == "duckdb"
    assert manifest.metadata.project_name == "shop"


def test_only_graph_resource_types_become_nodes(shop_dirs: tuple[Path, Path]) -> None:
    manifest = load_manifest(shop_dirs[0] / "manifest.json", Env.BASE)
    types = {n.resource_type for n in manifest.nodes.values()}
    assert types == {ResourceType.MODEL, ResourceType.SEED, ResourceType.SNAPSHOT, ResourceType.SOURCE,
                     ResourceType.EXPOSURE}
    assert not [uid for uid in manifest.nodes if uid.startswith("test.")]
    # the maps hold only those nodes: the tests hanging off customers are not its children
    assert manifest.child_map["model.shop.customers"] == ("exposure.shop.customer_dashboard",)
    assert manifest.parent_map["model.shop.orders"] == ("model.shop.stg_orders", "model.shop.stg_payments")


def test_source_and_exposure_fields(shop_dirs: tuple[Path, Path]) -> None:
    manifest = load_manifest(shop_dirs[0] / "manifest.json", Env.BASE)
    source = manifest.nodes["source.shop.stripe.payments"]
    assert source.alias == "payments"
    assert source.materialized is None
    assert source.is_relation
    assert source.relation_config == {"schema": "raw", "identifier": "payments"}
    exposure = manifest.nodes["exposure.shop.customer_dashboard"]
    assert not exposure.is_relation
    assert exposure.depends_on == ("model.shop.customers",)
    assert json.loads(exposure.relation_config["depends_on"]) == ["model.shop.customers"]


def test_tests_without_attached_node_use_depends_on(tmp_path: Path) -> None:
    builder = ManifestBuilder()
    uid = builder.model("orders")
    builder.test("unique", uid, "order_id", attached=False)
    builder.test("not_null", uid, "customer_id", attached=False)
    manifest = load_manifest(builder.write(tmp_path / "target"), Env.CURRENT)
    node = manifest.nodes[uid]
    assert node.unique_columns == ("order_id",)
    assert node.not_null_columns == ("customer_id",)
    assert node.primary_key == "order_id"  # unique only, as no column is both


def test_constraints_give_primary_key(tmp_path: Path) -> None:
    builder = ManifestBuilder()
    uid = builder.model("orders", columns=["order_id", "amount"])
    builder.nodes[uid]["columns"]["order_id"]["constraints"] = [{"type": "primary_key"}]
    manifest = load_manifest(builder.write(tmp_path / "target"), Env.CURRENT)
    assert manifest.nodes[uid].primary_key == "order_id"


def test_ephemeral_model_is_not_a_relation(tmp_path: Path) -> None:
    builder = ManifestBuilder()
    uid = builder.model("helper", materialized="ephemeral")
    node = load_manifest(builder.write(tmp_path / "target"), Env.CURRENT).nodes[uid]
    assert node.relation_name is None
    assert not node.is_relation


@pytest.mark.parametrize("version", [10, 11, 12])
def test_supported_manifest_versions(tmp_path: Path, version: int) -> None:
    builder = ManifestBuilder(version=version)
    builder.model("orders")
    manifest = load_manifest(builder.write(tmp_path / "target"), Env.CURRENT)
    assert manifest.metadata.schema_version == version
    assert "model.shop.orders" in manifest.nodes


def test_catalog_columns_in_order(tmp_path: Path) -> None:
    path = write_catalog(tmp_path, {"model.shop.orders": [("order_id", "INTEGER"), ("amount", "DOUBLE")],
                                    "source.shop.stripe.payments": [("id", "INTEGER")]})
    catalog = load_catalog(path)
    assert catalog is not None
    table = catalog.tables["model.shop.orders"]
    assert [(c.name, c.type, c.index) for c in table.columns] == [("order_id", "INTEGER", 1), ("amount", "DOUBLE", 2)]
    assert table.column("AMOUNT") is not None
    assert "source.shop.stripe.payments" in catalog.tables
    assert catalog.generated_at == "2026-01-01T00:00:00Z"


def test_missing_catalog_is_not_an_error(shop_dirs: tuple[Path, Path]) -> None:
    pair = load_pair(*shop_dirs)
    assert pair.base.catalog is None
    assert pair.current.catalog is None
    assert pair.side(Env.BASE).env is Env.BASE


# -- bad inputs: one paragraph naming the file and the dbt command; exit code 2 ------------------------


def _assert_artifact_error(exc: ArtifactError, path: Path, command: str) -> None:
    text = str(exc)
    assert str(path) in text
    assert command in text
    assert "\n" not in text
    assert exc.exit_code == 2


def test_missing_base_directory(tmp_path: Path) -> None:
    (tmp_path / "target").mkdir()
    with pytest.raises(ArtifactError) as info:
        load_pair(tmp_path / "target-base", tmp_path / "target")
    _assert_artifact_error(info.value, tmp_path / "target-base", "dbt docs generate --target prod --target-path")
    assert "does not exist" in info.value.message


def test_missing_current_manifest(tmp_path: Path) -> None:
    base, _current = shop_builders()
    base.write(tmp_path / "target-base")
    (tmp_path / "target").mkdir()
    with pytest.raises(ArtifactError) as info:
        load_pair(tmp_path / "target-base", tmp_path / "target")
    _assert_artifact_error(info.value, tmp_path / "target" / "manifest.json", "`dbt docs generate")
    assert "current" in info.value.message


def test_default_relative_dirs_name_the_plain_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ArtifactError) as info:
        load_manifest(Path("target-base/manifest.json"), Env.BASE)
    assert "`dbt docs generate --target prod --target-path target-base`" in info.value.remedy
    with pytest.raises(ArtifactError) as info:
        load_manifest(Path("target/manifest.json"), Env.CURRENT)
    assert "`dbt docs generate`" in info.value.remedy


def test_malformed_manifest_json(tmp_path: Path) -> None:
    path = tmp_path / "target" / "manifest.json"
    path.parent.mkdir()
    path.write_text('{"metadata": {"dbt_schema_version": ')
    with pytest.raises(ArtifactError) as info:
        load_manifest(path, Env.CURRENT)
    _assert_artifact_error(info.value, path, "dbt docs generate")
    assert "not valid JSON" in info.value.message


def test_manifest_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text("[1, 2]")
    with pytest.raises(ArtifactError) as info:
        load_manifest(path, Env.BASE)
    _assert_artifact_error(info.value, path, "dbt docs generate --target prod")


@pytest.mark.parametrize("version", [9, 13])
def test_unsupported_manifest_version(tmp_path: Path, version: int) -> None:
    builder = ManifestBuilder(version=version)
    path = builder.write(tmp_path / "target")
    with pytest.raises(ArtifactError) as info:
        load_manifest(path, Env.CURRENT)
    _assert_artifact_error(info.value, path, "dbt docs generate")
    assert f"v{version}.json" in info.value.message
    assert "v10 to v12" in info.value.message


def test_manifest_without_version(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": {}}))
    with pytest.raises(ArtifactError) as info:
        load_manifest(path, Env.CURRENT)
    assert "no metadata.dbt_schema_version" in info.value.message


def test_manifest_with_wrong_shape(tmp_path: Path) -> None:
    builder = ManifestBuilder()
    builder.model("orders")
    data = builder.build()
    data["nodes"]["model.shop.orders"]["depends_on"] = "not a mapping"
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ArtifactError) as info:
        load_manifest(path, Env.CURRENT)
    _assert_artifact_error(info.value, path, "dbt docs generate")


def _without(data: dict[str, object], key: str) -> dict[str, object]:
    return {k: v for k, v in data.items() if k != key}


@pytest.mark.parametrize(
    ("mangle", "problem"),
    [
        (lambda m: _without(m, "nodes"), "missing required field `nodes`"),
        (lambda m: _without(m, "sources"), "missing required field `sources`"),
        (lambda m: _without(m, "exposures"), "missing required field `exposures`"),
        (lambda m: {**m, "nodes": ["model.shop.orders"]}, "$.nodes"),
        (lambda m: {**m, "nodes": None}, "$.nodes"),
        (lambda m: {**m, "nodes": {"model.shop.orders": "a string"}}, "$.nodes"),
        (lambda m: _without(m, "metadata"), "no metadata.dbt_schema_version"),
        (lambda m: {**m, "metadata": "v12"}, "$.metadata"),
        (lambda m: "a manifest", "does not have the shape of a dbt manifest"),
    ],
    ids=["no-nodes", "no-sources", "no-exposures", "nodes-list", "nodes-null", "node-not-object",
         "no-metadata", "metadata-string", "not-an-object"],
)
def test_manifest_not_shaped_as_dbt_writes_it(tmp_path: Path, mangle: object, problem: str) -> None:
    """A manifest without ``nodes`` once loaded as 'no models' (every model removed): it is an error."""
    builder = ManifestBuilder()
    builder.model("orders")
    path = tmp_path / "target" / "manifest.json"
    path.parent.mkdir()
    path.write_text(json.dumps(mangle(builder.build())))  # type: ignore[operator]
    with pytest.raises(ArtifactError) as info:
        load_manifest(path, Env.CURRENT)
    _assert_artifact_error(info.value, path, "dbt docs generate")
    assert problem in info.value.message


@pytest.mark.parametrize("missing", ["nodes", "sources", "metadata"])
def test_catalog_not_shaped_as_dbt_writes_it(tmp_path: Path, missing: str) -> None:
    path = write_catalog(tmp_path / "target", {"model.shop.orders": [("id", "INTEGER")]})
    path.write_text(json.dumps(_without(json.loads(path.read_text()), missing)))
    with pytest.raises(ArtifactError) as info:
        load_catalog(path, Env.CURRENT)
    _assert_artifact_error(info.value, path, "dbt docs generate")
    assert f"missing required field `{missing}`" in info.value.message


def test_malformed_catalog(tmp_path: Path) -> None:
    path = tmp_path / "target" / "catalog.json"
    path.parent.mkdir()
    path.write_text("{not json")
    with pytest.raises(ArtifactError) as info:
        load_catalog(path, Env.CURRENT)
    _assert_artifact_error(info.value, path, "dbt docs generate")


def test_documented_columns_are_a_read_only_mapping(tmp_path: Path) -> None:
    builder = ManifestBuilder()
    uid = builder.model("orders", columns=[("order_id", "integer"), "amount"])
    path = builder.write(tmp_path / "target")
    first = load_manifest(path, Env.CURRENT).nodes[uid]
    second = load_manifest(path, Env.CURRENT).nodes[uid]
    assert list(first.columns) == ["order_id", "amount"]
    assert len(first.columns) == 2
    assert first.columns["amount"].data_type is None
    assert first.columns == second.columns
    assert first == second
    assert "order_id" in repr(first.columns)
    with pytest.raises(TypeError):
        first.columns["x"] = first.columns["amount"]  # type: ignore[index]


def test_columns_of_an_unexpected_shape_read_as_none(tmp_path: Path) -> None:
    builder = ManifestBuilder()
    uid = builder.model("orders")
    builder.nodes[uid]["columns"] = {"id": "not an object"}
    node = load_manifest(builder.write(tmp_path / "target"), Env.CURRENT).nodes[uid]
    assert dict(node.columns) == {}


def test_column_and_model_level_constraints(tmp_path: Path) -> None:
    builder = ManifestBuilder()
    uid = builder.model("orders", columns=["order_id", "customer_id", "note"])
    builder.nodes[uid]["columns"]["customer_id"]["constraints"] = [{"type": "not_null"}]
    builder.nodes[uid]["columns"]["note"]["meta"] = {"type": "free text"}  # a "type" key that is no constraint
    builder.nodes[uid]["constraints"] = [{"type": "primary_key", "columns": ["order_id"]}]
    node = load_manifest(builder.write(tmp_path / "target"), Env.CURRENT).nodes[uid]
    assert node.unique_columns == ("order_id",)
    assert node.not_null_columns == ("customer_id", "order_id")


def test_sources_of_older_manifests_compare_rendered_values(tmp_path: Path) -> None:
    builder = ManifestBuilder(version=11)
    uid = builder.source("stripe", "payments", schema="raw")
    del builder.sources[uid]["unrendered_schema"], builder.sources[uid]["unrendered_database"]
    node = load_manifest(builder.write(tmp_path / "target"), Env.CURRENT).nodes[uid]
    assert node.relation_config == {"database": "shop", "schema": "raw", "identifier": "payments"}


def test_other_resource_types_are_skipped_and_loose_fields_tolerated(tmp_path: Path) -> None:
    builder = ManifestBuilder()
    uid = builder.model("orders")
    builder.nodes["analysis.shop.adhoc"] = {"resource_type": "analysis", "name": "adhoc", "package_name": "shop",
                                            "original_file_path": None, "config": None, "columns": {},
                                            "depends_on": {"nodes": [uid]}}
    builder.nodes["operation.shop.on-run-end"] = {"resource_type": "operation", "name": None}
    builder.nodes[uid]["config"]["unique_key"] = ["order_id", "day"]
    builder.nodes[uid]["config"]["partition_by"] = {"field": "day", "data_type": "date"}
    builder.nodes[uid]["config"]["grants"] = {"select": ["reporter"]}  # not a relation key: ignored
    manifest = load_manifest(builder.write(tmp_path / "target"), Env.CURRENT)
    assert set(manifest.nodes) == {uid}
    assert manifest.child_map[uid] == ()
    assert manifest.nodes[uid].relation_config == {
        "materialized": "view", "unique_key": '["order_id","day"]',
        "partition_by": '{"data_type":"date","field":"day"}'}


def test_what_state_comparison_reads(tmp_path: Path) -> None:
    builder = ManifestBuilder()
    cents = builder.macro("cents_to_dollars", "{% macro cents_to_dollars(c) %}{{ c }}{% endmacro %}")
    money = builder.macro("money", "{% macro money(c) %}{{ cents_to_dollars(c) }}{% endmacro %}", calls=[cents])
    uid = builder.model("orders", columns=["id"], macros=[money], config={"persist_docs": {"columns": True}})
    builder.configure(uid, {"post-hook": "select 1", "tags": ["nightly"]})
    builder.nodes[uid].update(description="Orders.", access="private",
                              contract={"enforced": True, "alias_types": True, "checksum": "abc"})
    manifest = load_manifest(builder.write(tmp_path / "target"), Env.CURRENT)
    node = manifest.nodes[uid]
    assert node.depends_on_macros == (money,)
    assert manifest.macros[money].depends_on == (cents,)
    assert dict(node.unrendered_config or {}) == {"materialized": "view", "persist_docs": '{"columns":true}',
                                                  "post-hook": "select 1", "tags": '["nightly"]'}
    assert node.persist_docs == {"columns"}
    assert (node.description, node.contract_enforced, node.contract_checksum) == ("Orders.", True, "abc")
    assert node.state_properties == {"access": "private"}


def test_unrendered_configs_compare_by_content() -> None:
    same = ConfigMap(msgspec.Raw(b'{"materialized": "table"}'))
    assert same == ConfigMap(msgspec.Raw(b'{"materialized": "table"}'))
    assert same == ConfigMap(msgspec.Raw(b'{"materialized":"table"}'))  # other bytes, same content
    assert same != ConfigMap(msgspec.Raw(b'{"materialized": "view"}'))
    assert ConfigMap(msgspec.Raw(b"[]")) == {}  # not an object: nothing configured

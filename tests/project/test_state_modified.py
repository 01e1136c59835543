"""dbt's ``state:modified`` and its sub-selectors over synthetic manifests: each change that does not touch
a model's SQL (macros, configs, contracts, persisted descriptions ...), its reason and which sub-selector
selects it. The same semantics against dbt itself: test_state_modified_dbt.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.exceptions import SelectionError
from spyglass.project.artifacts import load_pair
from spyglass.project.lineage import ChangeStatus, LineageDiff, change_reasons, diff_lineage
from spyglass.project.models import ArtifactPair, Node, ResourceType
from spyglass.project.selection import select_nodes
from spyglass.project.state_modified import SUB_SELECTORS
from tests.project.manifest_builder import ManifestBuilder, write_pair

CENTS = "{% macro cents_to_dollars(col) %}({{ col }} / 100.0){% endmacro %}"
MONEY = "{% macro money(col) %}round({{ cents_to_dollars(col) }}, 2){% endmacro %}"


def _pair(tmp_path: Path, base: ManifestBuilder, current: ManifestBuilder) -> ArtifactPair:
    return load_pair(*write_pair(tmp_path, base, current))


def _diff(tmp_path: Path, base: ManifestBuilder, current: ManifestBuilder) -> LineageDiff:
    return diff_lineage(_pair(tmp_path, base, current))


def _money_project() -> tuple[ManifestBuilder, dict[str, str]]:
    base = ManifestBuilder()
    cents = base.macro("cents_to_dollars", CENTS)
    money = base.macro("money", MONEY, calls=[cents])
    base.macro("unused", "{% macro unused() %}1{% endmacro %}")
    seed = base.seed("raw_orders")
    ids = {
        "orders": base.model("orders", depends_on=[seed], macros=[money]),  # through money
        "direct": base.model("direct", depends_on=[seed], macros=[cents]),
        "plain": base.model("plain", depends_on=[seed]),
    }
    ids["report"] = base.model("report", depends_on=[ids["orders"]])
    return base, ids


def test_a_macro_edit_modifies_the_models_that_call_it_directly_or_not(tmp_path: Path) -> None:
    base, ids = _money_project()
    current = base.copy()
    current.macro("cents_to_dollars", CENTS.replace("100.0", "100.0::decimal(18, 2)"))
    diff = _diff(tmp_path, base, current)
    assert diff.modified == {ids["orders"], ids["direct"]}
    assert diff.changes[ids["orders"]].reasons == ("macro.cents_to_dollars",)
    assert diff.changes[ids["direct"]].reasons == ("macro.cents_to_dollars",)
    assert diff.changes[ids["plain"]].status is ChangeStatus.UNCHANGED
    assert diff.impacted == {ids["report"]}


def test_every_changed_macro_is_a_reason_sorted_and_package_macros_are_qualified(tmp_path: Path) -> None:
    base, ids = _money_project()
    star = base.macro("star", "{% macro star(from) %}*{% endmacro %}", package="dbt_utils")
    base.nodes[ids["orders"]]["depends_on"]["macros"].append(star)
    current = base.copy()
    current.macro("cents_to_dollars", CENTS + " ")
    current.macro("money", MONEY.replace("2)", "4)"), calls=["macro.shop.cents_to_dollars"])
    current.macro("star", "{% macro star(from) %}{{ from }}.*{% endmacro %}", package="dbt_utils")
    current.macro("unused", "{% macro unused() %}2{% endmacro %}")  # called by nothing: changes nothing
    diff = _diff(tmp_path, base, current)
    assert diff.changes[ids["orders"]].reasons == ("macro.cents_to_dollars", "macro.dbt_utils.star", "macro.money")
    assert diff.changes[ids["direct"]].reasons == ("macro.cents_to_dollars",)
    assert diff.modified == {ids["orders"], ids["direct"]}


def test_an_added_macro_counts_as_changed(tmp_path: Path) -> None:
    # a project macro now overrides one a package dispatches to: the model's own text is the same
    base, ids = _money_project()
    current = base.copy()
    override = current.macro("duckdb__cents_to_dollars", "{% macro duckdb__cents_to_dollars(c) %}{{ c }}{% endmacro %}")
    current.macros["macro.shop.cents_to_dollars"]["depends_on"]["macros"] = [override]
    diff = _diff(tmp_path, base, current)
    assert diff.changes[ids["direct"]].reasons == ("macro.duckdb__cents_to_dollars",)
    assert diff.changes[ids["orders"]].reasons == ("macro.duckdb__cents_to_dollars",)


def test_a_removed_macro_counts_as_changed(tmp_path: Path) -> None:
    base, ids = _money_project()
    helper = base.macro("helper", "{% macro helper() %}1{% endmacro %}")
    base.macros["macro.shop.money"]["depends_on"]["macros"].append(helper)
    current = base.copy()
    del current.macros[helper]  # still listed by money: dbt marks its callers modified
    diff = _diff(tmp_path, base, current)
    assert diff.changes[ids["orders"]].reasons == ("macro.helper",)
    assert diff.changes[ids["direct"]].status is ChangeStatus.UNCHANGED


def test_dbt_own_macros_count_even_across_dbt_versions(tmp_path: Path) -> None:
    # dbt compares every macro's text, its own included, whatever version wrote the base manifest
    base = ManifestBuilder()
    is_incremental = base.macro("is_incremental", "{% macro is_incremental() %}{{ return(false) }}{% endmacro %}",
                                package="dbt")
    uid = base.model("events", materialized="incremental", macros=[is_incremental])
    current = base.copy()
    current.macro("is_incremental", "{% macro is_incremental() %}\n{{ return(false) }}{% endmacro %}", package="dbt")
    base_dir, current_dir = write_pair(tmp_path, base, current)
    text = (base_dir / "manifest.json").read_text().replace('"dbt_version": "1.11.0"', '"dbt_version": "1.10.2"')
    (base_dir / "manifest.json").write_text(text)
    pair = load_pair(base_dir, current_dir)
    assert pair.base.manifest.metadata.dbt_version != pair.current.manifest.metadata.dbt_version
    assert diff_lineage(pair).changes[uid].reasons == ("macro.dbt.is_incremental",)


def test_macros_that_call_each_other_in_a_cycle_end(tmp_path: Path) -> None:
    base = ManifestBuilder()
    a = base.macro("a", "{% macro a() %}{{ b() }}{% endmacro %}", calls=["macro.shop.b"])
    base.macro("b", "{% macro b() %}{{ a() }}{% endmacro %}", calls=[a])
    uid = base.model("m", macros=[a])
    current = base.copy()
    current.macro("b", "{% macro b() %}{{ a() }} {% endmacro %}", calls=[a])
    assert _diff(tmp_path, base, current).changes[uid].reasons == ("macro.b",)


def test_contract_changes(tmp_path: Path) -> None:
    base = ManifestBuilder()
    loose = base.model("loose", columns=[("id", "integer")])
    typed = base.model("typed", columns=[("id", "integer")], config={"contract": {"enforced": True}})
    dropped = base.model("dropped", config={"contract": {"enforced": True}})
    same = base.model("same", config={"contract": {"enforced": True}})
    for uid in (typed, dropped, same):
        base.nodes[uid]["contract"] = {"enforced": True, "alias_types": True, "checksum": "c1"}
    current = base.copy()
    current.configure(loose, {"contract": {"enforced": True}})
    current.nodes[loose]["contract"] = {"enforced": True, "alias_types": True, "checksum": "c2"}
    current.nodes[typed]["columns"]["id"]["data_type"] = "bigint"
    current.nodes[typed]["contract"]["checksum"] = "c3"  # dbt's checksum of columns, types, constraints
    current.configure(dropped, {"contract": {"enforced": False}})
    current.nodes[dropped]["contract"] = {"enforced": False, "alias_types": True, "checksum": None}
    diff = _diff(tmp_path, base, current)
    assert diff.changes[loose].reasons == ("config.contract", "contract")
    assert diff.changes[typed].reasons == ("contract",)
    assert diff.changes[dropped].reasons == ("config.contract", "contract")
    assert diff.changes[same].status is ChangeStatus.UNCHANGED


def test_descriptions_count_only_where_persist_docs_writes_them(tmp_path: Path) -> None:
    base = ManifestBuilder()
    both = base.model("both", columns=["id"], config={"persist_docs": {"relation": True, "columns": True}})
    relation_only = base.model("relation_only", columns=["id"], config={"persist_docs": {"relation": True}})
    columns_only = base.model("columns_only", columns=["id"], config={"persist_docs": {"columns": True}})
    unpersisted = base.model("unpersisted", columns=["id"])
    current = base.copy()
    for uid in (both, relation_only, columns_only, unpersisted):
        current.nodes[uid]["columns"]["id"]["description"] = "the key"
    current.nodes[relation_only]["description"] = "documented at last"
    current.nodes[unpersisted]["description"] = "documented at last"
    diff = _diff(tmp_path, base, current)
    assert diff.changes[both].reasons == ("descriptions",)
    assert diff.changes[relation_only].reasons == ("descriptions",)
    assert diff.changes[columns_only].reasons == ("descriptions",)
    assert diff.changes[unpersisted].status is ChangeStatus.UNCHANGED


def test_moving_versions_access_and_ref_representation(tmp_path: Path) -> None:
    base = ManifestBuilder()
    moved = base.model("moved", path="models/staging/moved.sql")
    versioned = base.model("orders", version=1, latest_version=1)
    protected = base.model("internal")
    base.nodes[protected]["access"] = "protected"
    current = base.copy()
    current.nodes[moved]["fqn"] = ["shop", "marts", "moved"]  # the file moved: same name, new fqn
    current.nodes[versioned]["latest_version"] = 2
    current.nodes[protected]["access"] = "private"
    diff = _diff(tmp_path, base, current)
    assert diff.changes[moved].reasons == ("fqn",)
    assert diff.changes[versioned].reasons == ("latest_version",)
    assert diff.changes[protected].reasons == ("access",)


def test_source_and_exposure_changes(tmp_path: Path) -> None:
    base = ManifestBuilder()
    tagged = base.source("stripe", "payments")
    fresh = base.source("stripe", "refunds")
    base.sources[tagged]["unrendered_config"] = {"tags": ["pii"]}
    base.sources[fresh]["loaded_at_field"] = "_loaded_at"
    dash = base.exposure("dash", depends_on=[tagged])
    current = base.copy()
    current.sources[tagged]["unrendered_config"] = {"tags": ["pii", "finance"]}  # sources compare tags too
    current.sources[fresh]["loaded_at_field"] = "_synced_at"
    current.exposures[dash]["description"] = "The revenue dashboard"
    current.exposures[dash]["unrendered_config"] = {"enabled": True}
    pair = _pair(tmp_path, base, current)
    diff = diff_lineage(pair)
    assert diff.changes[tagged].reasons == ("config.tags",)
    assert diff.changes[fresh].reasons == ("loaded_at_field",)
    assert diff.changes[dash].reasons == ("config.enabled", "description")
    assert select_nodes(pair, diff, "state:modified.configs") == {tagged, dash}
    assert select_nodes(pair, diff, "state:modified") == {tagged, fresh, dash}


def _one_change_of_each_kind(base: ManifestBuilder) -> tuple[ManifestBuilder, dict[str, str]]:
    seed = base.seed("raw_orders")
    cents = base.macro("cents_to_dollars", CENTS)
    names = ["body", "configs", "relation", "macros", "contract", "descriptions", "tagged", "plain", "removed"]
    ids = {name: base.model(name, depends_on=[seed], columns=["id"]) for name in names}
    base.nodes[ids["macros"]]["depends_on"]["macros"] = [cents]
    base.configure(ids["descriptions"], {"persist_docs": {"relation": True}})
    base.source("stripe", "payments")
    current = base.copy()
    current.model("body", depends_on=[seed], columns=["id"], sql="select 2 as id")
    current.configure(ids["configs"], {"materialized": "table", "post-hook": ["select 1"]})
    current.configure(ids["relation"], {"alias": "relation_v2"})
    current.macro("cents_to_dollars", CENTS.replace("100.0", "100"))
    current.nodes[ids["contract"]]["contract"] = {"enforced": True, "alias_types": True, "checksum": "c"}
    current.nodes[ids["descriptions"]]["description"] = "now documented"
    current.configure(ids["tagged"], {"tags": ["nightly"]})  # dbt does not compare tags
    current.remove(ids["removed"])
    ids["added"] = current.model("added", depends_on=[seed], macros=[cents])
    ids["added_plain"] = current.model("added_plain", depends_on=[seed])
    ids["added_seed"] = current.seed("added_seed")
    ids["added_source"] = current.source("stripe", "refunds")
    return current, ids


def test_each_sub_selector_selects_its_kind_of_change_and_new_nodes_as_dbt(tmp_path: Path) -> None:
    base = ManifestBuilder()
    current, ids = _one_change_of_each_kind(base)
    pair = _pair(tmp_path, base, current)
    diff = diff_lineage(pair)
    by_id = {uid: name for name, uid in ids.items()}

    def selected(selector: str) -> set[str]:
        return {by_id[uid] for uid in select_nodes(pair, diff, selector)}

    new_models = {"added", "added_plain", "added_seed"}  # the types that have the check (dbt: `not old`)
    assert selected("state:modified.body") == {"body"} | new_models
    assert selected("state:modified.configs") == {"configs"} | new_models | {"added_source"}
    assert selected("state:modified.relation") == {"relation"} | new_models | {"added_source"}
    assert selected("state:modified.macros") == {"macros", "added"}  # new nodes only when they call it
    assert selected("state:modified.contract") == {"contract"} | new_models
    assert selected("state:modified.persisted_descriptions") == {"descriptions"} | new_models
    union = set().union(*(selected(f"state:modified.{sub}") for sub in SUB_SELECTORS))
    # plain state:modified: the union, plus (Spyglass's choice) the removed node
    assert selected("state:modified") == union | {"removed"}
    assert "tagged" not in union and diff.changes[ids["tagged"]].status is ChangeStatus.UNCHANGED
    assert diff.changes[ids["configs"]].reasons == ("config.materialized", "config.post-hook")
    assert diff.changes[ids["relation"]].reasons == ("config.alias",)
    assert diff.macro_reasons == {ids["macros"]: ("macro.cents_to_dollars",), ids["added"]: ("macro.cents_to_dollars",)}


@pytest.mark.parametrize("selector", ["state:modified.macro", "state:modified.descriptions", "state:changed"])
def test_unknown_state_values_are_refused(tmp_path: Path, selector: str) -> None:
    base = ManifestBuilder()
    base.model("orders")
    pair = _pair(tmp_path, base, base.copy())
    with pytest.raises(SelectionError, match=r"modified\.persisted_descriptions"):
        select_nodes(pair, diff_lineage(pair), selector)


def test_nodes_built_in_code_compare_their_relation_config() -> None:
    # no unrendered config known (a node built by hand): the relation keys are what is compared
    def node(materialized: str) -> Node:
        return Node(unique_id="model.x.m", name="m", resource_type=ResourceType.MODEL, package_name="x",
                    materialized=materialized, relation_config={"materialized": materialized})

    assert change_reasons(node("view"), node("table")) == ("config.materialized",)
    assert change_reasons(node("view"), node("view")) == ()

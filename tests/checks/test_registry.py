"""The registry: one list of check types, parsed specs (aliases normalised), errors naming the field."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel, TypeAdapter

from spyglass.checks.lineage_check import LineageDiffParams, LineageDiffSpec
from spyglass.checks.registry import DEFINITIONS, AnyResult, AnySpec, definition_of, parse_spec, title
from spyglass.checks.value_diff import ValueDiffParams, ValueDiffSpec
from spyglass.exceptions import InvalidSpec


def _members(union: object) -> tuple[type[BaseModel], ...]:
    return typing.get_args(typing.get_args(union)[0])


def test_the_spec_and_result_unions_hold_every_registered_type_once() -> None:
    spec_types = [model.model_fields["type"].default for model in _members(AnySpec)]
    result_kinds = [model.model_fields["kind"].default for model in _members(AnyResult)]
    assert sorted(spec_types) == sorted(result_kinds) == sorted(DEFINITIONS)
    for name, definition in DEFINITIONS.items():
        assert definition.type == name and definition_of(parse_spec(name, _minimal(name))) is definition


def _minimal(type_name: str) -> dict[str, object]:
    needs = {"value_diff": {"model": "m"}, "value_diff_detail": {"model": "m"}, "query": {"sql_template": "select 1"},
             "query_diff": {"sql_template": "select 1"}, "profile_diff": {"model": "m"},
             "top_k_diff": {"model": "m", "column_name": "c"}, "histogram_diff": {"model": "m", "column_name": "c"}}
    return dict(needs.get(type_name, {}))


def test_recce_aliases_become_the_types_own_name() -> None:
    assert parse_spec("row_count", {"select": "a"}).type == "row_count_diff"
    assert parse_spec("profile", {"model": "m"}).type == "profile_diff"
    adapter: TypeAdapter[AnySpec] = TypeAdapter(AnySpec)
    assert adapter.validate_python({"type": "profile", "params": {"model": "m"}}).type == "profile_diff"
    assert adapter.validate_json('{"type": "lineage_diff"}') == LineageDiffSpec(params=LineageDiffParams())


def test_an_unknown_type_lists_the_known_ones() -> None:
    with pytest.raises(InvalidSpec) as err:
        parse_spec("rowcount_diff", {})
    assert err.value.message == "Spyglass has no check type 'rowcount_diff'."
    assert all(name in err.value.remedy for name in DEFINITIONS)
    assert err.value.http_status == 422 and err.value.exit_code == 2


def test_invalid_params_name_the_field() -> None:
    with pytest.raises(InvalidSpec) as err:
        parse_spec("top_k_diff", {"model": "m", "column_name": "c", "k": 0})
    assert err.value.message == "Invalid params for top_k_diff: k: Input should be greater than or equal to 1."
    with pytest.raises(InvalidSpec, match=r"for value_diff: params: Input should be a valid dictionary"):
        parse_spec("value_diff", ["orders"])


def test_a_spec_serialises_as_written_without_its_defaults() -> None:
    spec = ValueDiffSpec(params=ValueDiffParams(model="orders", primary_key="id", two_step=None))
    assert spec.model_dump(mode="json") == {"type": "value_diff", "params": {"model": "orders", "primary_key": "id"}}
    assert parse_spec("value_diff", {"model": "orders", "primary_key": "id", "where": None}) == spec
    assert title(spec) == "Value diff of orders"

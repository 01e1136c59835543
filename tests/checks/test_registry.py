"""The registry: one list of check types, parsed specs (aliases normalised), errors naming the field."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

import spyglass.checks
from spyglass.checks.base import CheckDefinition, CheckSpec, Result, headline_view
from spyglass.checks.lineage_diff import LineageDiffParams, LineageDiffSpec
from spyglass.checks.registry import BY_KIND, DEFINITIONS, AnyResult, AnySpec, definition_of, parse_spec, title
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


def _check_modules() -> list[ModuleType]:
    """Every module under ``spyglass.checks``, imported (a type's package and all its modules)."""
    return [importlib.import_module(info.name)
            for info in pkgutil.walk_packages(spyglass.checks.__path__, "spyglass.checks.")]


def _subclasses(base: type[BaseModel]) -> set[type[BaseModel]]:
    found = set(base.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_check_type_written_in_checks_is_in_the_registry_and_its_unions() -> None:
    """A type's package that is not on the registry's list (or a spec/result left out of the unions) fails."""
    modules = _check_modules()
    definitions = {id(value): value for module in modules for value in vars(module).values()
                   if isinstance(value, CheckDefinition)}
    assert sorted(d.type for d in definitions.values()) == sorted(DEFINITIONS)
    assert all(DEFINITIONS[d.type] is d and BY_KIND[d.kind] is d for d in definitions.values())
    specs = {m for m in _subclasses(CheckSpec) if isinstance(m.model_fields["type"].default, str)}
    results = {m for m in _subclasses(Result) if isinstance(getattr(m.model_fields.get("kind"), "default", None), str)}
    assert specs == set(_members(AnySpec)) == {d.spec_model for d in DEFINITIONS.values()}
    assert results == set(_members(AnyResult)) == {d.result_model for d in DEFINITIONS.values()}


def _owner(definition: CheckDefinition[Any, Any]) -> str:
    """The package of a check type (``spyglass.checks.schema_diff``): where its spec is declared."""
    return ".".join(definition.spec_model.__module__.split(".")[:3])


def _takes(view: Callable[..., Any], result_model: type[Result]) -> bool:
    """True when the view's one parameter is annotated with the result model (or one of its bases)."""
    annotation = next(iter(inspect.signature(view, eval_str=True).parameters.values())).annotation
    return isinstance(annotation, type) and issubclass(result_model, annotation)


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_every_check_type_owns_its_markdown_and_terminal_views(name: str) -> None:
    """Each definition brings its own Markdown view (summary, notes, UI) and a terminal view (its own, or
    the headline), declared in the type's package and taking its result."""
    definition = DEFINITIONS[name]
    assert definition.markdown is not None, f"{name} has no Markdown view"
    assert definition.markdown.__module__.startswith(_owner(definition) + "."), definition.markdown.__module__
    assert _takes(definition.markdown, definition.result_model)
    assert callable(definition.terminal), f"{name} has no terminal view"
    if definition.terminal is not headline_view:
        assert definition.terminal.__module__.startswith(_owner(definition) + "."), definition.terminal.__module__
        assert _takes(definition.terminal, definition.result_model)


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

"""SQL templates render as dbt renders them: var() by dbt's precedence, the project's and packages' macros
(under the same limits as the template), versioned refs; dbt's run-time context is refused by name.
(tests/project/test_render_dbt.py compares with dbt itself on a real project.)"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from spyglass.exceptions import CheckError, ConfigError, RenderLimitExceeded
from spyglass.project.artifacts import load_manifest
from spyglass.project.models import Env, Manifest
from spyglass.project.render import render_sql
from spyglass.project.render_budget import RenderLimits
from spyglass.project.variables import TemplateVars, read_project_vars
from tests.project.manifest_builder import ManifestBuilder

ENDLESS_LOOP = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
MACROS = {
    "cents": "{% macro cents(col, scale=2) %}round({{ col }} / 100.0, {{ scale }}){% endmacro %}",
    "pick": "{% macro pick(kind) %}{{ return('alpha' if kind == 'a' else var('region')) }}{% endmacro %}",
    "columns_csv": "{% macro columns_csv(cols) %}{{ cols | join(', ') }}{% endmacro %}",
    "as_text": "{% macro as_text(col, strict=false) %}{% if strict %}{% set t = 'varchar' %}{% else %}"
               "{% set t = 'text' %}{% endif %}cast({{ col }} as {{ t }}){% endmacro %}",
    "spin": f"{{% macro spin() %}}{ENDLESS_LOOP}{{% endmacro %}}",
    "forever": "{% macro forever(n) %}{{ forever(n + 1) }}{% endmacro %}",
    "column_names": "{% macro column_names(rel) %}{% for c in adapter.get_columns_in_relation(rel) %}"
                    "{{ c.name }}{% endfor %}{% endmacro %}",
    "first_id": "{% macro first_id(x=none) %}{% set r = run_query('select 1') %}{{ r.columns[0][0] }}{% endmacro %}",
}


@pytest.fixture
def manifest(tmp_path: Path) -> Manifest:
    builder = ManifestBuilder("shop")
    builder.model("orders", materialized="table")
    builder.model("items", version=1, latest_version=1, materialized="table")
    builder.model("items", version=2, latest_version=1, materialized="table")
    builder.source("raw", "payments")
    for name, sql in MACROS.items():
        builder.macro(name, sql)
    builder.macro("twice", "{% macro twice(x) %}{{ my_utils.wrap(x) }} + {{ my_utils.wrap(x) }}{% endmacro %}",
                  package="my_utils")
    builder.macro("wrap", "{% macro wrap(x) %}({{ x }}){% endmacro %}", package="my_utils")
    builder.macro("current_timestamp", "{% macro current_timestamp() %}now(){% endmacro %}", package="dbt")
    return load_manifest(builder.write(tmp_path / "target"), Env.CURRENT)


def _render(manifest: Manifest, template: str, variables: TemplateVars | None = None, **kwargs: object) -> str:
    return render_sql(template, manifest, "current", variables=variables, **kwargs)  # type: ignore[arg-type]


def test_project_and_package_macros_are_callable_as_in_dbt(manifest: Manifest) -> None:
    template = ("select {{ cents('amount') }}, {{ shop.cents('fee', scale=0) }}, {{ my_utils.twice('x') }}, "
                "'{{ pick('a') }}', {{ columns_csv(['a', 'b']) }}, {{ as_text('c', strict=true) }} "
                "from {{ ref('orders') }}")
    assert _render(manifest, template) == ('select round(amount / 100.0, 2), round(fee / 100.0, 0), (x) + (x), '
                                           '\'alpha\', a, b, cast(c as varchar) from "shop"."main"."orders"')


def test_the_macros_of_dbt_itself_are_not_available(manifest: Manifest) -> None:
    for template in ("{{ current_timestamp() }}", "{{ dbt.current_timestamp() }}", "{{ twice('x') }}"):
        with pytest.raises(CheckError, match="undefined") as info:
            _render(manifest, template)
        assert info.value.remedy


@pytest.mark.parametrize(("macro", "unsupported"), [("column_names", "adapter"), ("first_id", "run_query")])
def test_macros_needing_dbts_run_time_context_fail_naming_the_macro(manifest: Manifest, macro: str,
                                                                   unsupported: str) -> None:
    with pytest.raises(CheckError) as info:
        _render(manifest, f"select {{{{ {macro}('x') }}}}")
    message = info.value.message
    assert f"macro {macro} (macro.shop.{macro})" in message and f"uses {unsupported}" in message
    assert "ref()" in info.value.remedy


def test_vars_follow_dbts_precedence(manifest: Manifest) -> None:
    variables = TemplateVars(cli={"region": "us"},
                             project={"region": "eu", "limit": 10, "scoped": 1, "shop": {"scoped": 5},
                                      "other_package": {"limit": 99}, "greeting": "hi-{{ var('region') }}"})
    template = ("{{ var('region') }} {{ var('limit') }} {{ var('scoped') }} {{ var('greeting') }} "
                "{{ var('absent', 'fallback') }} {{ var('absent', none) is none }} {{ pick('r') }}")
    assert _render(manifest, template, variables) == "us 10 5 hi-us fallback True us"


def test_a_missing_var_names_it_and_never_shows_values(manifest: Manifest) -> None:
    variables = TemplateVars(cli={"api_token": "s3cr3t-value"}, project={"region": "eu"})
    with pytest.raises(CheckError) as info:
        _render(manifest, "select {{ var('start_date') }}", variables)
    error = info.value
    assert "var('start_date') is not set" in error.message and "api_token, region" in error.message
    assert "s3cr3t-value" not in str(error) and "--vars" in error.remedy


def test_versioned_refs_resolve_like_dbt(manifest: Manifest) -> None:
    template = "{{ ref('items') }} {{ ref('items', v=2) }} {{ ref('shop', 'items', version=1) }}"
    assert _render(manifest, template) == '"shop"."main"."items_v1" "shop"."main"."items_v2" "shop"."main"."items_v1"'
    with pytest.raises(CheckError, match=r"ref\('items', v=3\) does not name a node"):
        _render(manifest, "{{ ref('items', v=3) }}")
    with pytest.raises(CheckError, match="optionally its version"):
        _render(manifest, "{{ ref('items', vers=2) }}")


def test_macros_render_under_the_templates_limits(manifest: Manifest) -> None:
    started = time.monotonic()
    with pytest.raises(RenderLimitExceeded, match=r"longer than 0\.5 s"):
        _render(manifest, "select {{ spin() }}", limits=RenderLimits(seconds=0.5, max_steps=10**12))
    assert time.monotonic() - started < 5
    with pytest.raises(RenderLimitExceeded, match="recurses too deeply"):
        _render(manifest, "select {{ forever(0) }}")
    with pytest.raises(RenderLimitExceeded, match="1,000 characters"):
        _render(manifest, "{{ columns_csv(['x' * 600, 'y' * 600]) }}", limits=RenderLimits(max_chars=1000))


def test_return_outside_a_macro_is_a_clear_error(manifest: Manifest) -> None:
    with pytest.raises(CheckError, match="return\\(\\) outside a macro"):
        _render(manifest, "select {{ return(1) }}")


def test_project_vars_come_from_dbt_project_yml(tmp_path: Path) -> None:
    assert read_project_vars(tmp_path) == {}
    (tmp_path / "dbt_project.yml").write_text("name: shop\nvars:\n  region: eu\n  shop:\n    scoped: 5\n")
    assert read_project_vars(tmp_path) == {"region": "eu", "shop": {"scoped": 5}}
    (tmp_path / "dbt_project.yml").write_text("name: shop\nvars: [a, b]\n")
    with pytest.raises(ConfigError, match="not a mapping"):
        read_project_vars(tmp_path)
    (tmp_path / "dbt_project.yml").write_text("name: [shop\n")
    with pytest.raises(ConfigError, match=r"dbt_project\.yml"):
        read_project_vars(tmp_path)

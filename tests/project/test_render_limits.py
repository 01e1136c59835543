"""Rendering a user's SQL template always ends: time, steps, size and cancellation (render_sql)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from spyglass.exceptions import Cancelled, CheckError, RenderLimitExceeded
from spyglass.project.artifacts import load_manifest
from spyglass.project.lookup import find_ref, find_source
from spyglass.project.models import Env, Manifest
from spyglass.project.render import render_sql
from spyglass.project.render_budget import RenderLimits
from spyglass.warehouse.base import CancelToken
from tests.fixtures.warehouses import Crafted
from tests.project.manifest_builder import ManifestBuilder

NESTED_RANGES = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
#: limits that never stop a render by themselves: only what a test is about does
GENEROUS = RenderLimits(seconds=120, max_steps=10**12, max_total_chars=10**9)


@pytest.fixture
def manifest(tmp_path: Path) -> Manifest:
    builder = ManifestBuilder()
    builder.model("orders", sql="select 1", materialized="table")
    builder.source("raw", "payments")
    return load_manifest(builder.write(tmp_path / "target"), Env.CURRENT)


def _refused(manifest: Manifest, template: str, limits: RenderLimits = GENEROUS,
             cancel: CancelToken | None = None) -> tuple[CheckError, float]:
    started = time.monotonic()
    with pytest.raises(CheckError) as info:
        render_sql(template, manifest, "current", limits=limits, cancel=cancel)
    assert info.value.message and info.value.remedy  # what went wrong, and what to do
    return info.value, time.monotonic() - started


NORMAL_TEMPLATES = [
    "select * from {{ ref('orders') }} join {{ source('raw', 'payments') }} using (id)",
    "select {% for c in ['a', 'b', 'c'] %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %} from t",
    "select {{ ['a', 'b'] | map('upper') | join(', ') }}, {{ 'x' ~ 1 ~ 'y' }}, {{ '%s_%03d' % ('n', 7) }}",
    "{% set cols = {'a': 1, 'b': 2} %}select {% for k, v in cols.items() %}{{ v }} as {{ k }}"
    "{{ ',' if not loop.last }}{% endfor %}",
    "{% macro col(n) %}sum({{ n }}) as {{ n | lower }}{% endmacro %}select {{ col('A') }}, {{ col('B') }}",
    "{% set ns = namespace(total=0) %}{% for i in range(10) %}{% set ns.total = ns.total + i * 2 %}{% endfor %}"
    "select {{ ns.total }}, {{ 2 ** 10 }}, {{ 'ab' * 3 }}, {{ '{}-{:>4}'.format('k', 5) }}",
    "{% for x in [[1, [2]], [3]] recursive %}{{ x if x is number else loop(x) }}{% endfor %}",
    "select {{ 'a,b'.split(',') | length }}{%- if 1 > 0 %} where true{% else %} where false{% endif %}\n",
    "{% filter upper %}select {{ range(3) | list | join(',') }}{% endfilter %} -- {{ 'x' | center(5) }}",
]


@pytest.mark.parametrize("template", NORMAL_TEMPLATES)
def test_normal_templates_render_as_plain_jinja_does(manifest: Manifest, template: str) -> None:
    def ref(name: str) -> str:
        found = find_ref(manifest, name)
        assert found is not None and found.node.relation_name
        return found.node.relation_name

    def source(source_name: str, table: str) -> str:
        found = find_source(manifest, source_name, table)
        assert found is not None and found.node.relation_name
        return found.node.relation_name

    plain = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    expected = plain.from_string(template).render(ref=ref, source=source)
    assert render_sql(template, manifest, "current") == expected


def test_ref_and_source_still_resolve(manifest: Manifest) -> None:
    sql = render_sql("select * from {{ ref('orders') }}, {{ source('raw', 'payments') }}", manifest, "current")
    assert sql == 'select * from "shop"."main"."orders", "shop"."raw"."payments"'


def test_nested_ranges_stop_at_the_step_budget_and_at_the_deadline(manifest: Manifest) -> None:
    error, seconds = _refused(manifest, NESTED_RANGES, RenderLimits(seconds=120, max_steps=200_000))
    assert isinstance(error, RenderLimitExceeded) and "200,000 steps" in error.message
    assert seconds < 10
    error, seconds = _refused(manifest, NESTED_RANGES, RenderLimits(seconds=0.5, max_steps=10**12))
    assert isinstance(error, RenderLimitExceeded) and "longer than 0.5 s" in error.message
    assert seconds < 5
    error, seconds = _refused(manifest, NESTED_RANGES, RenderLimits())  # the defaults stop it too
    assert isinstance(error, RenderLimitExceeded)
    assert seconds < 15


@pytest.mark.parametrize("template", [
    "{% set s = 'x' * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
    "{% set s = 'x' * 100000 %}{% for a in s %}{% for b in s if b == 'y' %}{% endfor %}{% endfor %}",
    "{% for x in [1] recursive %}{% for y in range(100000) %}{% endfor %}{{ loop(range(100000)) }}{% endfor %}",
    "{% for a in range(100000) %}{% for b in range(100000) | map('string') %}{% endfor %}{% endfor %}",
])
def test_empty_loops_over_strings_and_lazy_sequences_stop(manifest: Manifest, template: str) -> None:
    error, seconds = _refused(manifest, template, RenderLimits(seconds=1, max_steps=10**12))
    assert isinstance(error, RenderLimitExceeded)
    assert seconds < 6


def test_recursive_macros_stop(manifest: Manifest) -> None:
    error, _ = _refused(manifest, "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")
    assert isinstance(error, RenderLimitExceeded) and "recurses too deeply" in error.message
    exponential = "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}"
    error, seconds = _refused(manifest, exponential, RenderLimits(seconds=120, max_steps=300_000))
    assert isinstance(error, RenderLimitExceeded) and "steps" in error.message
    assert seconds < 10


@pytest.mark.parametrize("template", [
    "{{ 'x' * 10**9 }}",
    "{{ 10**9 * 'x' }}",
    "{{ [1] * 10**9 }}",
    "{% set s = 'x' * 1000000 %}{{ [s] * 1000 }}",
    "{% set s = 'x' * 1000000 %}{{ ([s, s, s]) | join }}",
    "{% set s = 'x' * 1000000 %}{{ s ~ s }}",
    "{% set s = 'x' * 1000000 %}{{ s + s }}",
    "{% set s = 'x' * 1000000 %}{{ s | replace('x', 'yy') }}",
    "{% set s = 'x' * 1000000 %}{{ s.replace('x', 'yy') }}",
    "{{ ('x' * 1000) | replace('', 'y' * 1000) }}",
    "{{ '-'.join(['x' * 1000] * 999) * 2 }}",
    "{{ 'x'.ljust(10**9) }}",
    "{{ 'x' | center(10**9) }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '%999999999d' % 1 }}",
    "{{ '%*d' % (999999999, 1) }}",
    "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{{ range(100000) | map('string') | join('\\n') | indent('x' * 1000) }}",
])
def test_huge_strings_are_refused_before_they_are_built(manifest: Manifest, template: str) -> None:
    error, seconds = _refused(manifest, template)
    assert isinstance(error, RenderLimitExceeded) and "1,000,000 characters" in error.message
    assert seconds < 5


@pytest.mark.parametrize("template", ["{{ 10 ** 10000000 }}", "{{ 7 ** 123456789 }}",
                                      "{% set n = 10 ** 4000 %}{{ n * n * n * n }}"])
def test_huge_powers_are_refused_before_they_are_computed(manifest: Manifest, template: str) -> None:
    error, seconds = _refused(manifest, template)
    assert isinstance(error, RenderLimitExceeded) and "digits" in error.message
    assert seconds < 5


def test_output_and_template_over_the_size_limit(manifest: Manifest) -> None:
    limits = RenderLimits(max_chars=10_000)
    error, _ = _refused(manifest, "{% for i in range(100) %}select {{ 'x' * 200 }};{% endfor %}", limits)
    assert isinstance(error, RenderLimitExceeded) and "rendered SQL is longer than 10,000" in error.message
    error, _ = _refused(manifest, "select 1 " + "-" * 10_000, limits)
    assert isinstance(error, RenderLimitExceeded) and "10,009 characters long" in error.message
    assert len(render_sql("{{ 'x' * 9000 }}", manifest, "current", limits=limits)) == 9000
    # text built in macro and block bodies counts even when it never reaches the output
    buffered = ("{% filter length %}{% for i in range(1000) %}{% for j in range(10) %}{{ 'x' * 900 }}{% endfor %}"
                "{% endfor %}{% endfilter %}")
    error, _ = _refused(manifest, buffered, RenderLimits(max_chars=10_000, max_total_chars=1_000_000))
    assert isinstance(error, RenderLimitExceeded) and "1,000,000 characters of text" in error.message


def test_cancel_from_another_thread_stops_a_render(manifest: Manifest) -> None:
    token = CancelToken()
    timer = threading.Timer(0.3, token.cancel)
    timer.start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        render_sql(NESTED_RANGES, manifest, "current", limits=GENEROUS, cancel=token)
    assert time.monotonic() - started < 3
    timer.join()


def test_template_errors_are_check_errors(manifest: Manifest) -> None:
    for template, expected in (("{{ 1 / 0 }}", "ZeroDivisionError"), ("{{ 'x'.translate({}) }}", "unsafe"),
                               ("{{ [1, 2] | sum(start=[]) }}", "not numbers"), ("{{ nope }}", "undefined")):
        error, _ = _refused(manifest, template)
        assert expected in error.message


def test_a_checks_render_takes_the_runs_cancel_token(crafted: Crafted) -> None:
    crafted.create_model("orders", "select 1 as id", "select 2 as id")
    token = CancelToken()
    ctx = crafted.context(token)
    assert crafted.relation("orders", Env.BASE) in ctx.render("select * from {{ ref('orders') }}", Env.BASE)
    threading.Timer(0.3, token.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        ctx.render(NESTED_RANGES, Env.CURRENT)  # the default limits would stop it after ~1 s
    assert time.monotonic() - started < 3

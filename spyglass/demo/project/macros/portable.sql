{#- SQL that differs between the engines the demo runs on (DuckDB, PostgreSQL, Spark). -#}

{#- The integers 1..n as a relation aliased t with one column i (bigint). -#}
{% macro series(n) -%}
    {{ return(adapter.dispatch('series', 'spyglass_demo')(n)) }}
{%- endmacro %}

{% macro default__series(n) -%}
    range(1, {{ n }} + 1) as t(i)
{%- endmacro %}

{% macro postgres__series(n) -%}
    generate_series(cast(1 as bigint), {{ n }}) as t(i)
{%- endmacro %}

{% macro spark__series(n) -%}
    (select id as i from range(1, {{ n }} + 1)) as t
{%- endmacro %}

{#- The index-th (0-based) of a list of strings: a CASE, which every engine has. -#}
{% macro pick(values, index) -%}
    case {{ index }}{% for value in values %} when {{ loop.index0 }} then '{{ value }}'{% endfor %} end
{%- endmacro %}

{#- A date n days after a date. -#}
{% macro add_days(day, n) -%}
    {{ return(adapter.dispatch('add_days', 'spyglass_demo')(day, n)) }}
{%- endmacro %}

{% macro default__add_days(day, n) -%}
    {{ day }} + cast({{ n }} as integer)
{%- endmacro %}

{% macro spark__add_days(day, n) -%}
    date_add({{ day }}, cast({{ n }} as integer))
{%- endmacro %}

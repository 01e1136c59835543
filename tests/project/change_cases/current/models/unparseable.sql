{#- sqlglot 30 parses neither DuckDB's postfix factorial (`n !`) nor PostgreSQL's `ORDER BY ... USING <` -#}
{%- set postgres = target.type == 'postgres' -%}
select order_id, customer_id, {{ 'abs(amount_cents - 1000)' if postgres else '(order_id % 4 + 1) !' }} as weight
from {{ ref('stg_orders') }}
{%- if postgres %} order by order_id using <{% endif %}

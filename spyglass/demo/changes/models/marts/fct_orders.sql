{{
    config(
        materialized='incremental',
        unique_key='order_id',
        on_schema_change='append_new_columns',
    )
}}

with payments as (
    select order_id, sum(amount) as amount, count(*) as payment_count
    from {{ ref('stg_payments') }}
    group by order_id
)

select
    o.order_id,
    o.customer_id,
    o.product_id,
    o.order_date,
    o.status,
    o.quantity,
    coalesce(p.amount, 0) as amount,
    coalesce(p.payment_count, 0) as payment_count
from {{ ref('stg_orders') }} as o
left join payments as p on o.order_id = p.order_id
-- Cancelled orders never shipped: they are not sales.
where o.status <> 'cancelled'
{% if is_incremental() %}
    and o.order_date >= (select max(order_date) from {{ this }})
{% endif %}

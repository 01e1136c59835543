select order_id, customer_id, status, amount_cents / 100.0 as amount from {{ ref('stg_orders') }}

select order_id, customer_id, status, (amount_cents - 50) / 100.0 as amount from {{ ref('stg_orders') }}

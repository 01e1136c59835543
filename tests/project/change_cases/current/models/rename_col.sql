select order_id, customer_id, status as order_status, amount_cents from {{ ref('stg_orders') }}

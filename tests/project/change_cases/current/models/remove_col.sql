select order_id, customer_id, amount_cents from {{ ref('stg_orders') }}

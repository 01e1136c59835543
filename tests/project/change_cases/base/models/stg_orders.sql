select order_id, customer_id, status, amount_cents, ordered_at from {{ ref('raw_orders') }}

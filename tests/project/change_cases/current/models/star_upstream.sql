select order_id, customer_id, upper(status) as status, amount_cents from {{ ref('stg_orders') }}

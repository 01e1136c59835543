select customer_id, status from {{ ref('stg_orders') }}

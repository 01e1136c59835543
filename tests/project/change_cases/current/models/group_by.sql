select customer_id, sum(amount_cents) as total_cents
from {{ ref('stg_orders') }}
group by customer_id, status

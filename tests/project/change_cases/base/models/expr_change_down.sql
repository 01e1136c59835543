select customer_id, sum(amount) as total_amount, count(*) as n_orders
from {{ ref('expr_change') }}
group by customer_id

select customer_id, sum(amount) as revenue, count(*) as n_orders
from {{ ref('macro_only') }}
group by customer_id

select o.order_id, o.customer_id, c.customer_name, c.region
from {{ ref('stg_orders') }} as o
inner join {{ ref('stg_customers') }} as c on o.customer_id = c.customer_id

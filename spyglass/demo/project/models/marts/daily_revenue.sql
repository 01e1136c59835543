select
    order_date,
    count(*) as orders,
    count(distinct customer_id) as customers,
    sum(amount) as revenue
from {{ ref('fct_orders') }}
group by order_date

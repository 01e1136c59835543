select customer_id, count(*) as n_orders from {{ ref('new_where') }} group by customer_id

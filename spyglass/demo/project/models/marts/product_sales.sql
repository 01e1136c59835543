select
    p.product_id,
    p.product_name,
    p.category_name,
    coalesce(sum(o.quantity), 0) as units_sold,
    coalesce(sum(o.amount), 0) as revenue
from {{ ref('stg_products') }} as p
left join {{ ref('fct_orders') }} as o on p.product_id = o.product_id
group by p.product_id, p.product_name, p.category_name

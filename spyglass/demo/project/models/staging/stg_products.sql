select
    p.product_id,
    p.product_name,
    c.category_name,
    cast(p.price_cents / 100.0 as decimal(10, 2)) as price
from {{ ref('raw_products') }} as p
left join {{ ref('categories') }} as c on p.category_id = c.category_id

select
    order_id,
    customer_id,
    product_id,
    cast(quantity as bigint) as quantity,
    order_date,
    status
from {{ ref('raw_orders') }}

-- One payment per order; every tenth order is partly paid with a coupon (a second payment).
with orders as (
    select o.order_id, o.quantity * p.price_cents as total_cents
    from {{ ref('raw_orders') }} as o
    join {{ ref('raw_products') }} as p on o.product_id = p.product_id
)

select
    cast(order_id * 2 - 1 as bigint) as payment_id,
    order_id,
    {{ pick(['credit_card', 'credit_card', 'paypal', 'bank_transfer', 'gift_card'], '(order_id * 3) % 5') }}
        as payment_method,
    case when order_id % 10 = 0 then total_cents - least(500, total_cents) else total_cents end
        as amount_cents
from orders

union all

select
    cast(order_id * 2 as bigint) as payment_id,
    order_id,
    'coupon' as payment_method,
    least(500, total_cents) as amount_cents
from orders
where order_id % 10 = 0

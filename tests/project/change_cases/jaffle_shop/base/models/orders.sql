with orders as (
    select * from {{ ref('stg_orders') }}
),

payments as (
    select * from {{ ref('stg_payments') }}
),

order_payments as (
    select
        order_id,
        sum(case when payment_method = 'coupon' then amount else 0 end) as coupon_amount,
        sum(case when payment_method <> 'coupon' then amount else 0 end) as paid_amount,
        sum(amount) as total_amount
    from payments
    group by order_id
)

select
    orders.order_id,
    orders.customer_id,
    orders.order_date,
    orders.status,
    order_payments.coupon_amount,
    order_payments.paid_amount,
    order_payments.total_amount as amount
from orders
left join order_payments on orders.order_id = order_payments.order_id

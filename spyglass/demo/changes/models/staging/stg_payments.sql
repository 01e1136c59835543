select
    payment_id,
    order_id,
    payment_method,
    -- Finance: coupons are discounts, not revenue.
    cast(case when payment_method = 'coupon' then 0 else amount_cents end / 100.0 as decimal(12, 2)) as amount
from {{ ref('raw_payments') }}

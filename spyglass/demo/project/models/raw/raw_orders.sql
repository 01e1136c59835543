-- Generated orders: var('rows') of them, spread over two years, customers and products.
{% set n_orders = var('rows') | int %}
{% set n_customers = [n_orders // 10, 10] | max %}

select
    cast(i as integer) as order_id,
    cast(1 + (i * 7919) % {{ n_customers }} as integer) as customer_id,
    cast(1 + (i * 31) % 120 as integer) as product_id,
    cast(1 + (i * 17) % 5 as integer) as quantity,
    {{ add_days("date '2023-01-01'", '(i * 13) % 730') }} as order_date,
    case
        when i % 20 = 0 then 'cancelled'
        when i % 20 = 1 then 'returned'
        when i % 20 < 6 then 'placed'
        when i % 20 < 10 then 'shipped'
        else 'completed'
    end as status
from {{ series(n_orders) }}

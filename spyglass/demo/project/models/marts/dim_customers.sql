with orders as (
    select
        customer_id,
        min(order_date) as first_order_date,
        count(*) as number_of_orders,
        sum(amount) as lifetime_value
    from {{ ref('fct_orders') }}
    group by customer_id
)

select
    c.customer_id,
    c.first_name || ' ' || c.last_name as full_name,
    c.country_code,
    co.country_name,
    co.region,
    c.signup_date,
    o.first_order_date,
    coalesce(o.number_of_orders, 0) as number_of_orders,
    coalesce(o.lifetime_value, 0) as lifetime_value
from {{ ref('stg_customers') }} as c
left join {{ ref('countries') }} as co on c.country_code = co.country_code
left join orders as o on c.customer_id = o.customer_id

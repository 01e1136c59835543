-- every order with its status
select
    order_id,
    customer_id,  /* who placed it */
    status

from {{ ref('stg_orders') }}

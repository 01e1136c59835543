with source as (
    select * from {{ source('jaffle-shop-data', 'raw_payments') }}
),

renamed as (
    select
        id as payment_id,
        order_id,
        payment_method,
        -- stored in cents
        amount / 100 as amount
    from source
)

select * from renamed

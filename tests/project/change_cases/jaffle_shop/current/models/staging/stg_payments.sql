with source as (
    select * from {{ source('jaffle-shop-data', 'raw_payments') }}
),

renamed as (
    select
        id as payment_id,
        order_id,
        payment_method,
        -- stored in cents
        amount / 100 as amount,
        payment_method == 'coupon' as is_promotion
    from source
)

select * from renamed

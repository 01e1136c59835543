select
    customer_id,
    case
        when lifetime_value >= 1000 then 'gold'
        when lifetime_value >= 300 then 'silver'
        else 'bronze'
    end as segment
from {{ ref('dim_customers') }}

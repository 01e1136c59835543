select
    customer_id,
    customer_lifetime_value,
    case when customer_lifetime_value >= 30 then 'high' else 'low' end as value_band,
    coalesce(number_of_orders, 0) > 1 as is_repeat_buyer
from {{ ref('customers') }}

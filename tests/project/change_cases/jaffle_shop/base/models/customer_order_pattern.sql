select
    customer_id,
    first_order,
    most_recent_order,
    date_diff('day', first_order, most_recent_order) as days_active
from {{ ref('customers') }}

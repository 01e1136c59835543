select customer_id from {{ ref('distinct_added') }}

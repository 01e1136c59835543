-- Personal data clean-up: email is no longer exposed downstream.
select
    customer_id,
    first_name,
    last_name,
    country_code,
    signup_date
from {{ ref('raw_customers') }}

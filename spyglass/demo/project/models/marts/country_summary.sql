select
    country_name,
    region,
    count(*) as customers,
    sum(lifetime_value) as revenue
from {{ ref('dim_customers') }}
group by country_name, region

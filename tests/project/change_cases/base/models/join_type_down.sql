select region, count(*) as n_orders from {{ ref('join_type') }} group by region

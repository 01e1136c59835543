-- Generated customers: one per ten orders (at least ten), deterministic so base and current agree.
{% set n_customers = [var('rows') | int // 10, 10] | max %}

select
    cast(i as integer) as customer_id,
    (['Ada', 'Ben', 'Chloe', 'Dev', 'Emma', 'Finn', 'Grace', 'Hugo', 'Ines', 'Jonas'])[1 + i % 10] as first_name,
    (['Meyer', 'Smith', 'Garcia', 'Tanaka', 'Rossi', 'Novak', 'Silva', 'Kumar'])[1 + (i * 7) % 8] as last_name,
    'customer' || i || '@example.com' as email,
    (['DE', 'FR', 'NL', 'ES', 'US', 'CA', 'BR', 'JP', 'IN', 'AU'])[1 + (i * 3) % 10] as country_code,
    date '2022-01-01' + cast((i * 37) % 900 as integer) as signup_date,
    cast(date '2022-01-01' + cast((i * 37) % 900 + (i * 13) % 30 as integer) as timestamp) as updated_at
from range(1, {{ n_customers }} + 1) as t(i)

-- Generated customers: one per ten orders (at least ten), deterministic so base and current agree.
{% set n_customers = [var('rows') | int // 10, 10] | max %}

select
    cast(i as integer) as customer_id,
    {{ pick(['Ada', 'Ben', 'Chloe', 'Dev', 'Emma', 'Finn', 'Grace', 'Hugo', 'Ines', 'Jonas'], 'i % 10') }} as first_name,
    {{ pick(['Meyer', 'Smith', 'Garcia', 'Tanaka', 'Rossi', 'Novak', 'Silva', 'Kumar'], '(i * 7) % 8') }} as last_name,
    'customer' || i || '@example.com' as email,
    {{ pick(['DE', 'FR', 'NL', 'ES', 'US', 'CA', 'BR', 'JP', 'IN', 'AU'], '(i * 3) % 10') }} as country_code,
    {{ add_days("date '2022-01-01'", '(i * 37) % 900') }} as signup_date,
    cast({{ add_days("date '2022-01-01'", '(i * 37) % 900 + (i * 13) % 30') }} as timestamp) as updated_at
from {{ series(n_customers) }}

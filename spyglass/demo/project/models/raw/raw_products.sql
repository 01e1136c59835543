-- Generated catalogue of 120 products across the six seeded categories.
select
    cast(i as integer) as product_id,
    {{ pick(['Classic', 'Deluxe', 'Mini', 'Pro', 'Eco', 'Smart'], 'i % 6') }}
        || ' '
        || {{ pick(['Kettle', 'Novel', 'Puzzle', 'Shovel', 'Robot', 'Lamp', 'Board game', 'Teapot'], '(i * 5) % 8') }}
        || ' #' || i as product_name,
    cast(1 + (i * 7) % 6 as integer) as category_id,
    cast(199 + (i * 7919) % 9800 as integer) as price_cents
from {{ series(120) }}

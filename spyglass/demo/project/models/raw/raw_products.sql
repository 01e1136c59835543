-- Generated catalogue of 120 products across the six seeded categories.
select
    cast(i as integer) as product_id,
    (['Classic', 'Deluxe', 'Mini', 'Pro', 'Eco', 'Smart'])[1 + i % 6]
        || ' '
        || (['Kettle', 'Novel', 'Puzzle', 'Shovel', 'Robot', 'Lamp', 'Board game', 'Teapot'])[1 + (i * 5) % 8]
        || ' #' || i as product_name,
    cast(1 + (i * 7) % 6 as integer) as category_id,
    cast(199 + (i * 7919) % 9800 as integer) as price_cents
from range(1, 121) as t(i)

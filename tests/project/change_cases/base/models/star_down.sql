select order_id, status, amount_cents from {{ ref('star_model') }}

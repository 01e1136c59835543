select order_id, status from {{ ref('add_col') }}

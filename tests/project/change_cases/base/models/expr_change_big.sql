select order_id, status from {{ ref('expr_change') }} where amount > 10

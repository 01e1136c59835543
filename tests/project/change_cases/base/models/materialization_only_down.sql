select order_id, status from {{ ref('materialization_only') }}

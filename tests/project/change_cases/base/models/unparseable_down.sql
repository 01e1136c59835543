select order_id, weight from {{ ref('unparseable') }}

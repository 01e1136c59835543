select order_id from {{ ref('comment_only') }}

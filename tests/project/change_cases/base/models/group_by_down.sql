select customer_id, total_cents from {{ ref('group_by') }}

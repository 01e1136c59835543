select * from {{ ref('remove_col') }}

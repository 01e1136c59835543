select * from {{ ref('rename_col') }}

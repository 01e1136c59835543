select * from {{ ref('star_upstream') }}

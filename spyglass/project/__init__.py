"""dbt artifacts and lineage: pure code, no warehouse, no network."""

"""The only layer that touches a database: runs SQL through dbt adapters."""

"""Check types: each module builds SQL, runs it through the warehouse, and returns a frozen result."""

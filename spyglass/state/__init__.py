"""The versioned state file: checks, runs, environment and lineage summary."""

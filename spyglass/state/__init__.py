"""The versioned state file: checks, runs, environment and lineage summary, kept within bounds
(:mod:`spyglass.state.bounds`, :mod:`spyglass.state.cut`)."""

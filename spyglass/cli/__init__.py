"""Command-line entry point: each command parses, calls the library, renders."""

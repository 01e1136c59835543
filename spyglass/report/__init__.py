"""Rendering of results: Markdown for merge requests, rich tables for the terminal."""

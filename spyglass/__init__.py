"""Spyglass: self-hostable data review for dbt merge requests."""

__version__ = "0.1.0"
__all__ = ["__version__"]

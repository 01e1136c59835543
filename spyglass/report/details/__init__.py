"""Per-check-type Markdown for the summary's ``<details>`` blocks.

Each module here renders one result type (``render(result) -> str``, pure, deterministic); this
registry maps the result's ``kind`` to its renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spyglass.checks.base import Result
from spyglass.checks.registry import BY_KIND
from spyglass.markup.escape import md_text
from spyglass.report.details import (
    histogram,
    lineage,
    profile,
    query,
    query_diff,
    row_count,
    schema,
    simple,
    top_k,
    value_diff,
    value_diff_detail,
)

# Any: each renderer takes its own result type; dispatch is by the result's ``kind``.
RENDERERS: dict[str, Callable[[Any], str]] = {
    "lineage_diff": lineage.render,
    "schema_diff": schema.render,
    "row_count_diff": row_count.render,
    "value_diff": value_diff.render,
    "value_diff_detail": value_diff_detail.render,
    "query": query.render,
    "query_diff": query_diff.render,
    "profile_diff": profile.render,
    "top_k_diff": top_k.render,
    "histogram_diff": histogram.render,
    "simple": simple.render,
}


def render_details(result: Result) -> str:
    """Markdown body for one result: its notes (which node a name meant ...), then what its type's
    definition renders (empty string when there is neither)."""
    definition = BY_KIND.get(getattr(result, "kind", ""))
    renderer = definition.markdown if definition is not None and definition.markdown is not None else None
    renderer = renderer or RENDERERS.get(getattr(result, "kind", ""))  # types whose renderer has not moved yet
    notes = "".join(f"_Note:_ {md_text(note)}\n\n" for note in getattr(result, "notes", ()))
    return notes + (renderer(result) if renderer else "")

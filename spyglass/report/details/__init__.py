"""Per-check-type Markdown for the summary's ``<details>`` blocks.

Each module here renders one result type (``render(result) -> str``, pure, deterministic); this
registry maps the result's ``kind`` to its renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from spyglass.report.escape import md_text

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


def render_details(result: Any) -> str:
    """Markdown body for one result: its notes (which node a name meant ...), then what its type's
    renderer writes (empty string when there is neither)."""
    renderer = RENDERERS.get(getattr(result, "kind", ""))
    notes = "".join(f"_Note:_ {md_text(note)}\n\n" for note in getattr(result, "notes", ()))
    return notes + (renderer(result) if renderer else "")

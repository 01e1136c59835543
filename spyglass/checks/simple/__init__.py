"""simple: Recce's manual check, a name and a description for a reviewer to verify by hand.

Nothing is computed (no params; ``needs_warehouse=False``). Its result is never a mismatch and never
conclusive, so it is never approved automatically: the reviewer approves it. A ``recce.yml`` with
``type: simple`` checks runs unchanged.

The type, whole: :mod:`.spec` (params, spec, title), :mod:`.result`, :mod:`.run`, :mod:`.markdown` (the
details); the terminal shows the headline.
"""

from __future__ import annotations

from spyglass.checks.base import CheckDefinition
from spyglass.checks.simple import markdown
from spyglass.checks.simple.result import HEADLINE, SimpleResult
from spyglass.checks.simple.run import run as run_simple
from spyglass.checks.simple.spec import SimpleParams, SimpleSpec, title

SIMPLE = CheckDefinition(spec_model=SimpleSpec, result_model=SimpleResult, run=run_simple, title=title,
                         markdown=markdown.render, needs_warehouse=False)

__all__ = ["HEADLINE", "SIMPLE", "SimpleParams", "SimpleResult", "SimpleSpec", "title"]

"""profile_diff: per column, base and current side by side (counts, nulls, distinct, min/max/avg/median).

The type, whole: :mod:`.spec` (params, spec, title), :mod:`.result`, :mod:`.sql` (the statements and
the reading of their named outputs), :mod:`.run`, :mod:`.markdown` (the details) and :mod:`.terminal`
(the CLI's table).
"""

from __future__ import annotations

from spyglass.checks.base import CheckDefinition
from spyglass.checks.profile import markdown, terminal
from spyglass.checks.profile.result import ColumnProfile, ProfileColumn, ProfileDiffResult
from spyglass.checks.profile.run import run as run_profile
from spyglass.checks.profile.spec import ProfileDiffParams, ProfileDiffSpec, title

PROFILE_DIFF = CheckDefinition(spec_model=ProfileDiffSpec, result_model=ProfileDiffResult, run=run_profile,
                               title=title, markdown=markdown.render, terminal=terminal.view)

__all__ = ["PROFILE_DIFF", "ColumnProfile", "ProfileColumn", "ProfileDiffParams", "ProfileDiffResult",
           "ProfileDiffSpec", "title"]

"""The Markdown summary posted on a merge request (pure and deterministic: same state, same bytes).

Each check's ``<details>`` block holds what its check type's definition renders (:func:`render_details`).

It opens with what the change means and what no check verified (:mod:`spyglass.report.meaning`), then
the environments, the lineage graph, the checks table and each check's details.

It never exceeds ``max_chars`` (GitLab's note limit is 1,000,000 characters): when it must cut, it drops
whole sections, least important first (the check details, the lineage graph, the environments, the
explanations; the Not verified list last), and says so at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from spyglass.checks.base import Result
from spyglass.checks.registry import BY_KIND
from spyglass.markup.escape import html_code, md_code, md_paragraphs, md_text, md_url
from spyglass.report.budget import render_budget
from spyglass.report.meaning import render_meaning, render_not_verified
from spyglass.report.mermaid import render_lineage
from spyglass.report.text import outcome_of
from spyglass.state.models import CheckRecord, EnvironmentInfo, RunRecord, State

DEFAULT_MAX_CHARS = 1_000_000
TITLE = "# Spyglass summary"


@dataclass(frozen=True)
class Section:
    text: str
    #: higher is dropped later; the title and the checks table are never dropped
    priority: float
    name: str


def render_summary(state: State, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Render the whole summary, cutting whole sections if it would exceed ``max_chars``."""
    sections = _sections(state)
    return _fit(sections, max_chars)


def ordered_checks(state: State) -> list[tuple[CheckRecord, RunRecord | None]]:
    """Mismatches first, then errors, then the rest; stable within each group."""
    runs = {run.run_id: run for run in state.runs}
    pairs = [(check, runs.get(check.last_run_id or "")) for check in state.checks]
    return sorted(pairs, key=lambda pair: outcome_of(pair[1]).rank)


def _sections(state: State) -> list[Section]:
    sections = [Section(TITLE + "\n", 100, "title")]
    meaning, not_verified = render_meaning(state), render_not_verified(state)
    if meaning is not None:
        sections.append(Section(meaning, 70, "what the change means"))
    if not_verified is not None:
        # what no check verified outlives the explanations: a reviewer must not miss it
        sections.append(Section(not_verified, 80, "not verified"))
    budget = render_budget(state)
    if budget is not None:  # what a budget left out or sampled, beside what no check verified
        sections.append(Section(budget, 75, "budget and samples"))
    if state.environment is not None:
        sections.append(Section(_environment(state.environment), 60, "environments"))
    if state.lineage is not None:
        sections.append(Section("## Lineage\n\n" + render_lineage(state.lineage), 40, "lineage graph"))
    pairs = ordered_checks(state)
    sections.append(Section(_checks_table(pairs), 90, "checks table"))
    for position, (check, run) in enumerate(pairs):
        outcome = outcome_of(run)
        # details of mismatches and errors are kept longest; later blocks go before earlier ones
        priority = (30 if outcome.rank <= 1 else 10) - position / (len(pairs) + 1)
        sections.append(Section(_details_block(check, run), priority, f"details of {md_text(check.name)}"))
    return sections


def _shown_path(path: str) -> str:
    """A target path as the summary shows it: relative paths as they are, an absolute one (an older state,
    the runner's home ...) as its directory name only, so no runner path reaches the merge request."""
    text = path.strip()
    if text.startswith(("/", "~", "\\")) or re.match(r"^[A-Za-z]:[\\/]", text):
        name = PureWindowsPath(text).name if "\\" in text else PurePosixPath(text).name
        return name or "-"
    return text or "-"


def _environment(env: EnvironmentInfo) -> str:
    rows = [
        ("Artifacts", _shown_path(env.base.target_path), _shown_path(env.current.target_path)),
        ("Manifest generated", env.base.manifest_generated_at or "-", env.current.manifest_generated_at or "-"),
        ("Catalog generated", env.base.catalog_generated_at or "missing",
         env.current.catalog_generated_at or "missing"),
        ("dbt", env.base.dbt_version or "-", env.current.dbt_version or "-"),
        ("Adapter", env.base.adapter_type or "-", env.current.adapter_type or "-"),
        ("Schemas", ", ".join(env.base.schema_names) or "-", ", ".join(env.current.schema_names) or "-"),
    ]
    lines = ["## Environments", "", "| | Base | Current |", "|---|---|---|"]
    lines += [f"| {md_text(a)} | {md_text(b)} | {md_text(c)} |" for a, b, c in rows]
    extra = []
    if env.git_branch:
        extra.append(f"Branch {md_code(env.git_branch)}" + (f" at {md_code(env.git_sha[:12])}" if env.git_sha else ""))
    if env.merge_request is not None:
        mr = env.merge_request
        url = md_url(mr.web_url) if mr.web_url else None
        # a link to the merge request under review; without one, an inert "!7" (never a cross-reference)
        extra.append(f"merge request [!{mr.iid}]({url})" if url else f"merge request \\!{mr.iid}")
    if extra:
        lines += ["", ", ".join(extra) + "."]
    freshness = env.base_freshness
    if freshness is not None and freshness.status != "unknown":  # unknown: `spyglass check-base` says why
        mark = {"fresh": "", "stale": "⚠️ "}.get(freshness.status, "❔ ")
        lines += ["", mark + md_text(freshness.line)]
    return "\n".join(lines) + "\n"


def _checks_table(pairs: list[tuple[CheckRecord, RunRecord | None]]) -> str:
    if not pairs:
        return "## Checks\n\nNo checks were run.\n"
    counts: dict[str, int] = {}
    for _, run in pairs:
        label = outcome_of(run).label
        counts[label] = counts.get(label, 0) + 1
    tally = ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
    lines = ["## Checks", "", f"{len(pairs)} checks: {tally}.", "",
             "| Status | Check | Type | Result | Approved |", "|---|---|---|---|---|"]
    for check, run in pairs:
        outcome = outcome_of(run)
        result = _result_line(run)
        lines.append(f"| {outcome.icon} {outcome.label} | {md_text(check.name)} | {md_code(check.spec.type)} | "
                     f"{md_text(result)} | {'yes' if check.approved else 'no'} |")
    return "\n".join(lines) + "\n"


def _result_line(run: RunRecord | None) -> str:
    if run is None:
        return "not run"
    if run.result is not None:
        return run.result.headline
    if run.error is not None:
        return run.error.message
    return run.status.value


def _details_block(check: CheckRecord, run: RunRecord | None) -> str:
    """One ``<details>`` block. Its ``<summary>`` line is HTML (GitLab parses no Markdown there), so it
    holds only Spyglass's words and the check's name in ``<code>``; everything else is escaped Markdown."""
    outcome = outcome_of(run)
    summary = f"{outcome.icon} {outcome.label}: {html_code(check.name)}"
    body_parts = []
    if check.description:
        body_parts.append(md_paragraphs(check.description))
    if run is not None and run.error is not None:
        body_parts.append(md_text(run.error.message)  # its class name (run.error.kind) is for logs only
                          + (f"\n\n{md_paragraphs(run.error.remedy)}" if run.error.remedy else ""))
    if run is not None and run.result is not None:
        rendered = render_details(run.result)
        if rendered:
            body_parts.append(rendered.rstrip("\n"))
    body = "\n\n".join(body_parts) or "_No further detail._"
    return f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>\n"


def render_details(result: Result) -> str:
    """Markdown body for one result (in the summary, merge request notes and the UI): its notes (which node
    a name meant ...), then its check type's own Markdown view (``CheckDefinition.markdown``)."""
    notes = "".join(f"_Note:_ {md_text(note)}\n\n" for note in result.notes)
    definition = BY_KIND.get(getattr(result, "kind", ""))
    return notes + (definition.markdown(result) if definition is not None else "")


def _join(sections: list[Section]) -> str:
    return "\n".join(s.text for s in sections)


def _fit(sections: list[Section], max_chars: int) -> str:
    text = _join(sections)
    if len(text) <= max_chars:
        return text
    # lengths only while choosing what to drop (linear), then one join
    length = len(text)
    dropped: list[Section] = []
    for victim in sorted((s for s in sections if s.priority < 90), key=lambda s: s.priority):
        dropped.append(victim)
        length -= len(victim.text) + 1
        if length + len(_cut_note(dropped, max_chars)) <= max_chars:
            break
    gone = {id(s) for s in dropped}
    text = _join([s for s in sections if id(s) not in gone]) + _cut_note(dropped, max_chars)
    return text if len(text) <= max_chars else _hard_cut(text, max_chars)


def _cut_note(dropped: list[Section], max_chars: int) -> str:
    names = ", ".join(s.name for s in dropped[:5]) + (f" and {len(dropped) - 5} more" if len(dropped) > 5 else "")
    return (f"\n_Summary shortened to stay within {max_chars:,} characters: omitted {len(dropped)} "
            f"section(s) ({names}). Run `spyglass summary` locally for the full report._\n")


def _hard_cut(text: str, max_chars: int) -> str:
    note = "\n_Summary cut to fit the size limit._\n"
    if max_chars <= len(note):
        return text[:max_chars]
    cut = text[: max_chars - len(note)]
    newline = cut.rfind("\n")
    return (cut[: newline + 1] if newline > 0 else cut) + note

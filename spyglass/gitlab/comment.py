"""Pure: what Spyglass writes on a merge request, and how it finds what it wrote before.

Our notes carry a hidden HTML-comment marker; a note counts as ours only if it has the marker AND was
written by the token's own user (anyone can paste a marker; only the author may edit a note).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from spyglass.gitlab.models import Discussion, Note
from spyglass.markup.escape import md_code, md_paragraphs, md_text
from spyglass.report.markdown import render_summary
from spyglass.report.text import ERROR, MISMATCH, outcome_of
from spyglass.state.models import State

NOTE_LIMIT = 1_000_000
SUMMARY_MARKER = "<!-- spyglass:summary -->"
CHECK_MARKER = "<!-- spyglass:check:{check_id} -->"
STATUS_NAME = "spyglass"
_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:\-]{1,200}")


def summary_body(state: State) -> str:
    """The summary note: the marker, then the summary, cut by the renderer to fit GitLab's limit."""
    budget = NOTE_LIMIT - len(SUMMARY_MARKER) - 1
    return f"{SUMMARY_MARKER}\n{render_summary(state, max_chars=budget)}"


def is_ours(note: Note, marker: str, user_id: int) -> bool:
    return not note.system and note.author.id == user_id and marker in note.body


def find_summary_note(notes: Iterable[Note], user_id: int) -> Note | None:
    """The first (oldest) summary note the token's user wrote."""
    return next((n for n in notes if is_ours(n, SUMMARY_MARKER, user_id)), None)


@dataclass(frozen=True)
class Finding:
    """A check whose latest run mismatches (or not: ``mismatch`` False once it passes again)."""

    check_id: str
    name: str
    type: str
    description: str
    headline: str
    mismatch: bool


def findings(state: State) -> list[Finding]:
    """Every check of the state with a judged result (mismatching or matching), in state order."""
    found: list[Finding] = []
    for check in state.checks:
        run = state.latest_run(check)
        if run is None or run.result is None:
            continue
        found.append(Finding(check_id=check.check_id, name=check.name, type=check.spec.type,
                             description=check.description, headline=run.result.headline,
                             mismatch=bool(run.mismatch)))
    return found


def marker_id(check_id: str) -> str:
    """The check's id as written in its thread marker: as is when it is a plain identifier, else a digest
    (an id from an imported state file must not close the HTML comment or start markup)."""
    if _PLAIN_ID.fullmatch(check_id):
        return check_id
    return "sha256-" + hashlib.sha256(check_id.encode("utf-8")).hexdigest()[:32]


def check_marker(check_id: str) -> str:
    return CHECK_MARKER.format(check_id=marker_id(check_id))


def discussion_body(finding: Finding) -> str:
    """The thread opened for a mismatched check (and its text once the check passes)."""
    state = "mismatch" if finding.mismatch else "no longer mismatches"
    lines = [check_marker(finding.check_id),
             f"**Spyglass check {md_code(finding.name)}** ({md_text(finding.type)}): {state}.", "",
             f"> {md_text(finding.headline)}"]
    if finding.description:
        lines += ["", md_paragraphs(finding.description)]
    lines += ["", "_Resolve this thread once the difference is intended; Spyglass resolves it by itself "
                  "when the check stops mismatching._" if finding.mismatch else
              "_Resolved by Spyglass: the latest run shows no difference._"]
    return "\n".join(lines)


@dataclass(frozen=True)
class DiscussionAction:
    """One write: ``create`` a thread, ``update`` its first note (``reopen`` if resolved), or ``resolve``."""

    kind: str
    finding: Finding
    body: str
    discussion_id: str | None = None
    note_id: int | None = None
    reopen: bool = False


def our_threads(discussions: Iterable[Discussion], user_id: int) -> dict[str, Discussion]:
    mine: dict[str, Discussion] = {}
    for discussion in discussions:
        first = discussion.first
        if first is None or first.author.id != user_id or first.system:
            continue
        for line in first.body.splitlines()[:1]:
            if line.startswith("<!-- spyglass:check:") and line.endswith(" -->"):
                mine.setdefault(line[len("<!-- spyglass:check:"):-len(" -->")], discussion)
    return mine


def plan_discussions(found: Iterable[Finding], discussions: Iterable[Discussion],
                     user_id: int) -> list[DiscussionAction]:
    """One thread per mismatched check: create it, update it in place, or resolve it once it passes."""
    existing = our_threads(discussions, user_id)
    actions: list[DiscussionAction] = []
    for finding in found:
        thread = existing.get(marker_id(finding.check_id))
        body = discussion_body(finding)
        if thread is None:
            if finding.mismatch:
                actions.append(DiscussionAction("create", finding, body))
            continue
        first = thread.first
        assert first is not None  # our_threads only keeps threads with a first note
        if finding.mismatch:
            if first.body != body or thread.resolved:
                actions.append(DiscussionAction("update", finding, body, thread.id, first.id,
                                                reopen=thread.resolved))
        elif not thread.resolved:
            actions.append(DiscussionAction("resolve", finding, body, thread.id, first.id))
    return actions


@dataclass(frozen=True)
class Counts:
    checks: int
    mismatches: int
    errors: int

    @property
    def commit_state(self) -> str:
        return "failed" if self.mismatches or self.errors else "success"

    @property
    def description(self) -> str:
        """``7 checks, 2 mismatches`` (and ``, 1 error`` when some failed to run)."""
        text = f"{self.checks} check{'s' * (self.checks != 1)}, " \
               f"{self.mismatches} mismatch{'es' * (self.mismatches != 1)}"
        return text + (f", {self.errors} error{'s' * (self.errors != 1)}" if self.errors else "")


def counts(state: State) -> Counts:
    outcomes = [outcome_of(state.latest_run(check)) for check in state.checks]
    return Counts(checks=len(state.checks), mismatches=sum(o is MISMATCH for o in outcomes),
                  errors=sum(o is ERROR for o in outcomes))

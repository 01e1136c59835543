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
from spyglass.state.bounds import full_digest
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
    """A check with a judged latest result (``mismatch`` False once it passes again), and its approval."""

    check_id: str
    name: str
    type: str
    description: str
    headline: str
    mismatch: bool
    #: :func:`~spyglass.state.bounds.full_digest` of the latest result: what an approval is about
    digest: str | None = None
    approved: bool = False
    approval_digest: str | None = None
    approved_by: str | None = None


def findings(state: State) -> list[Finding]:
    """Every check of the state with a judged result (mismatching or matching), in state order."""
    found: list[Finding] = []
    for check in state.checks:
        run = state.latest_run(check)
        if run is None or run.result is None:
            continue
        found.append(Finding(check_id=check.check_id, name=check.name, type=check.spec.type,
                             description=check.description, headline=run.result.headline,
                             mismatch=bool(run.mismatch), digest=full_digest(run), approved=check.approved,
                             approval_digest=check.approval_digest, approved_by=check.approved_by))
    return found


def marker_id(check_id: str) -> str:
    """The check's id as written in its thread marker: as is when it is a plain identifier, else a digest
    (an id from an imported state file must not close the HTML comment or start markup)."""
    if _PLAIN_ID.fullmatch(check_id):
        return check_id
    return "sha256-" + hashlib.sha256(check_id.encode("utf-8")).hexdigest()[:32]


def check_marker(check_id: str) -> str:
    return CHECK_MARKER.format(check_id=marker_id(check_id))


def name_key(name: str) -> str:
    """A check's name as its thread records it (a digest: the name is free text)."""
    return hashlib.sha256(name.strip().casefold().encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ThreadRecord:
    """What Spyglass last wrote in a thread's marker line: the result it showed (digest), whether Spyglass
    left it resolved, and the check's name (a new ``spyglass run`` in CI gives its checks new ids: the
    name finds the thread again). Threads written before two-way sync have no record (``legacy``)."""

    result: str | None = None
    resolved: bool = False
    name: str | None = None
    legacy: bool = True


_RECORD = re.compile(r"^<!-- spyglass:check:(?P<id>[A-Za-z0-9_.:\-]{1,200})"
                     r"(?: result=(?P<result>[0-9a-f]{64}|none) resolved=(?P<resolved>[01]) "
                     r"name=(?P<name>[0-9a-f]{16}))? -->$")


def parse_marker(line: str) -> tuple[str, ThreadRecord] | None:
    """(marker id, record) from the first line of one of our threads; None when it is not a marker."""
    match = _RECORD.fullmatch(line)
    if match is None:
        return None
    if match["result"] is None:
        return match["id"], ThreadRecord()
    result = None if match["result"] == "none" else match["result"]
    return match["id"], ThreadRecord(result=result, resolved=match["resolved"] == "1", name=match["name"],
                                     legacy=False)


def record_line(finding: Finding, resolved: bool) -> str:
    return (f"<!-- spyglass:check:{marker_id(finding.check_id)} result={finding.digest or 'none'} "
            f"resolved={int(resolved)} name={name_key(finding.name)} -->")


def _status_line(finding: Finding, resolved: bool, refused: str | None) -> str:
    name = md_code(f"/spyglass approve {finding.name}")
    if not finding.mismatch:
        return "_Resolved by Spyglass: the latest run shows no difference._"
    if resolved:
        who = md_text(finding.approved_by or "a reviewer")
        return f"_Approved by {who}. Re-open this thread to withdraw the approval._"
    lines = [f"_Resolve this thread (or reply {name}) to approve the difference in Spyglass; Spyglass "
             "resolves it by itself when the check stops mismatching._"]
    if refused:
        lines.insert(0, f"_Re-opened: {md_text(refused)} resolved it, but approving needs at least the "
                        "Developer role on the project._\n")
    return "\n".join(lines)


def discussion_body(finding: Finding, *, resolved: bool | None = None, refused: str | None = None) -> str:
    """The thread opened for a mismatched check (and its text once the check passes). With ``resolved``
    (whether Spyglass leaves it resolved) the marker line records it (:class:`ThreadRecord`)."""
    state = "mismatch" if finding.mismatch else "no longer mismatches"
    marker = check_marker(finding.check_id) if resolved is None else record_line(finding, resolved)
    lines = [marker, f"**Spyglass check {md_code(finding.name)}** ({md_text(finding.type)}): {state}.", "",
             f"> {md_text(finding.headline)}"]
    if finding.description:
        lines += ["", md_paragraphs(finding.description)]
    lines += ["", _status_line(finding, bool(resolved), refused)]
    return "\n".join(lines)


def our_threads(discussions: Iterable[Discussion], user_id: int) -> dict[str, Discussion]:
    """Our check threads by marker id (the first one of each: anyone can paste a marker, only we author)."""
    return {key: thread for key, (thread, _) in threads_with_records(discussions, user_id).items()}


def threads_with_records(discussions: Iterable[Discussion],
                         user_id: int) -> dict[str, tuple[Discussion, ThreadRecord]]:
    mine: dict[str, tuple[Discussion, ThreadRecord]] = {}
    for discussion in discussions:
        first = discussion.first
        if first is None or first.author.id != user_id or first.system:
            continue
        parsed = parse_marker(first.body.split("\n", 1)[0])
        if parsed is not None:
            mine.setdefault(parsed[0], (discussion, parsed[1]))
    return mine


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

"""Pure: ``/spyglass approve|unapprove|rerun <check name>`` note commands on a merge request.

Anyone who can comment can write a command, so a command is only a request: the I/O layer
(:mod:`spyglass.gitlab.sync`) applies it only when GitLab's members API says its author has at least the
Developer role on the project. Commands are read from GitLab's own listing of the threads (never from a
webhook body), and each is answered once by a reply carrying a hidden marker with the command note's id:
a command whose reply exists is done, so a webhook delivered twice, a retried sync or a ``spyglass gitlab
post`` after the server's sync never applies it twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from spyglass.gitlab.comment import Finding
from spyglass.gitlab.models import Discussion, User
from spyglass.markup.escape import md_code, md_text

DEVELOPER = 30
VERBS = ("approve", "unapprove", "rerun")
REPLY_MARKER = "<!-- spyglass:reply:{note_id} -->"
#: commands handled in one sync at most (the rest wait for the next one)
MAX_COMMANDS = 20
_COMMAND = re.compile(r"^[ \t]*/spyglass[ \t]+(?P<verb>[A-Za-z]+)\b[ \t]*(?P<name>[^\n]{0,300}?)[ \t]*$",
                      re.MULTILINE)
_REPLY = re.compile(r"<!-- spyglass:reply:(\d{1,19}) -->")


@dataclass(frozen=True)
class Command:
    """The first command line of a note."""

    note_id: int
    discussion_id: str
    author: User
    verb: str
    name: str


def _answered(discussion: Discussion, user_id: int) -> set[int]:
    return {int(found) for note in discussion.notes if note.author.id == user_id
            for found in _REPLY.findall(note.body)}


def find_commands(discussions: Iterable[Discussion], user_id: int) -> list[Command]:
    """Unanswered commands, oldest first (at most :data:`MAX_COMMANDS`). Our own notes (they start with a
    hidden ``spyglass:`` marker) and system notes are not read; each note gives its first command."""
    found: list[Command] = []
    for discussion in discussions:
        answered = _answered(discussion, user_id)
        for note in discussion.notes:
            if note.system or note.id in answered or note.body.startswith("<!-- spyglass:"):
                continue
            match = _COMMAND.search(note.body)
            if match is not None:
                found.append(Command(note.id, discussion.id, note.author, match["verb"].lower(),
                                     _clean(match["name"])))
    return sorted(found, key=lambda c: c.note_id)[:MAX_COMMANDS]


def _clean(name: str) -> str:
    return name.strip().strip("`\"'").strip()


def target(command: Command, found: Sequence[Finding], by_thread: Mapping[str, Finding]) -> Finding | str:
    """The check a command is about (its name, else the Spyglass thread it was written in: ``by_thread``
    maps a thread's id to its check), or why none."""
    if command.name:
        named = [f for f in found if f.name.strip().casefold() == command.name.casefold()]
        if len(named) == 1:
            return named[0]
        if named:
            return f"{len(named)} checks are named {md_code(command.name)}: rename one in Spyglass first."
        return f"No check with a result is named {md_code(command.name)}."
    here = by_thread.get(command.discussion_id)
    if here is not None:
        return here
    return f"Name the check: {md_code('/spyglass ' + command.verb + ' <check name>')}."


def reply_body(command: Command, text: str) -> str:
    """The answer to ``command`` (its marker makes the command done)."""
    who = md_text("@" + command.author.username)
    return f"{REPLY_MARKER.format(note_id=command.note_id)}\n{who}: {text}"


def unknown_verb(command: Command) -> str | None:
    if command.verb in VERBS:
        return None
    return (f"Spyglass knows {', '.join(md_code('/spyglass ' + v + ' <check name>') for v in VERBS)}; "
            f"not {md_code(command.verb)}.")

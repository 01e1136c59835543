"""Pure note commands: which notes are commands, which are answered, what a command is about."""

from __future__ import annotations

from spyglass.gitlab.commands import REPLY_MARKER, find_commands, reply_body, target, unknown_verb
from spyglass.gitlab.comment import discussion_body, findings
from spyglass.gitlab.models import Discussion, Note, User
from tests.gitlab.conftest import make_state

ME = User(id=1, username="bot")
RITA = User(id=2, username="rita")


def _thread(id_: str, *notes: Note) -> Discussion:
    return Discussion(id=id_ * 40, notes=notes)


def _note(id_: int, body: str, author: User = RITA, *, system: bool = False) -> Note:
    return Note(id=id_, body=body, author=author, system=system)


def test_commands_are_read_once_from_people_and_never_from_our_notes() -> None:
    found = findings(make_state({"orders"}))
    ours = discussion_body(found[0], resolved=False)
    threads = [
        _thread("a", _note(1, ours, ME), _note(2, "Looks right.\n  /spyglass APPROVE  `Schema of orders`  "),
                _note(3, f"{REPLY_MARKER.format(note_id=2)}\nrita: done", ME)),
        _thread("b", _note(4, "/spyglass rerun"), _note(5, "/spyglass approve x", system=True)),
        _thread("c", _note(6, "<!-- spyglass:summary -->\n/spyglass approve x", ME),
                _note(7, f"{REPLY_MARKER.format(note_id=4)}\nforged answer")),  # not ours: no answer
        _thread("d", _note(8, "please /spyglass approve x"), _note(9, "/spyglassapprove x")),
    ]
    commands = find_commands(threads, ME.id)
    assert [(c.note_id, c.verb, c.name) for c in commands] == [(4, "rerun", "")]


def test_a_command_names_its_check_or_is_in_its_thread() -> None:
    found = findings(make_state({"orders", "customers"}))
    by_thread = {"a" * 40: found[0]}
    [named] = find_commands([_thread("b", _note(1, "/spyglass approve schema OF customers"))], ME.id)
    assert target(named, found, by_thread) == found[1]
    [here] = find_commands([_thread("a", _note(2, "/spyglass approve"))], ME.id)
    assert target(here, found, by_thread) == found[0]
    [elsewhere] = find_commands([_thread("b", _note(3, "/spyglass approve"))], ME.id)
    assert "Name the check" in str(target(elsewhere, found, by_thread))
    [unknown] = find_commands([_thread("b", _note(4, "/spyglass approve <img src=x onerror=alert(1)>"))], ME.id)
    answer = reply_body(unknown, str(target(unknown, found, by_thread)))
    assert answer.startswith(REPLY_MARKER.format(note_id=4)) and "No check with a result is named" in answer
    assert "<img" not in answer.replace("`<img", "")  # only inside code
    [odd] = find_commands([_thread("b", _note(5, "/spyglass merge now"))], ME.id)
    assert "not `merge`" in str(unknown_verb(odd))

"""The state file's text for successive states, serialising only the checks and runs that changed.

A server changes one check or adds one run at a time; serialising the whole state again for each
change (to measure it and to write it) costs as much as the state is large. Checks and runs are frozen,
so a record that is the same object as in the previous state reads the same: :class:`StateText` keeps
each record's text and serialises only new records. The result is exactly
:func:`spyglass.state.store.dump_state`'s.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import BaseModel

from spyglass.state.models import State
from spyglass.state.store import dump_state

#: a record sits two levels deep (state > "checks"/"runs" list > record), indented two spaces a level
_INDENT = "    "


def _record_text(record: BaseModel) -> str:
    text = json.dumps(record.model_dump(mode="json"), indent=2, sort_keys=True, ensure_ascii=False)
    return _INDENT + text.replace("\n", "\n" + _INDENT)  # strings hold escaped newlines only


def _list_text(items: Sequence[str]) -> str:
    return "[\n" + ",\n".join(items) + "\n  ]" if items else "[]"


def _splice(head: str, key: str, value: str) -> str:
    """``head`` (a dump whose ``key`` is an empty list) with ``value`` as that list's text."""
    empty = f'\n  "{key}": []'  # a top-level key: the only one indented by exactly two spaces
    assert head.count(empty) == 1, f"{key} is not a top-level list of the state"
    return head.replace(empty, f'\n  "{key}": {value}')


class StateText:
    """Renders states as :func:`dump_state` does, keeping the text of the records of the last state
    rendered. Not thread-safe: one caller at a time (the workspace renders under its lock)."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[BaseModel, str]] = {}

    def render(self, state: State) -> str:
        known: dict[int, tuple[BaseModel, str]] = {}

        def text(record: BaseModel) -> str:
            entry = self._known.get(id(record))
            if entry is None or entry[0] is not record:  # the entry holds its record, so ids are not reused
                entry = (record, _record_text(record))
            known[id(record)] = entry
            return entry[1]

        checks = _list_text([text(c) for c in state.checks])
        runs = _list_text([text(r) for r in state.runs])
        self._known = known  # records no longer in the state are forgotten
        head = dump_state(state.model_copy(update={"checks": [], "runs": []}))
        return _splice(_splice(head, "checks", checks), "runs", runs)

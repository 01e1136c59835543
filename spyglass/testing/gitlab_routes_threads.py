"""The fake GitLab's thread replies: ``POST /projects/:id/merge_requests/:iid/discussions/:id/notes``.

As GitLab answers it (lib/api/discussions.rb, app/services/notes/build_service.rb): a reply to a single
comment turns it into a thread (resolvable, unresolved); a reply in a resolved thread is created resolved
by its author (the thread stays resolved); 404 for a thread that is not on the merge request.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spyglass.testing.gitlab_routes import _body, _route

if TYPE_CHECKING:
    from spyglass.testing.gitlab import FakeGitLab
    from spyglass.testing.gitlab_routes import Call

MR = r"/projects/(?P<p>[^/]+)/merge_requests/(?P<iid>\d+)"


def reply_in_discussion(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    _, mr = fake.mr(call, m["p"], m["iid"])
    thread = [n for n in mr.notes if n.discussion_id == m["did"]]
    if not thread:
        return 404, {"message": "404 Discussion Not Found"}
    body = _body(call)
    for note in thread:
        if note.type is None and not note.system:  # a single comment becomes a thread
            note.type, note.resolvable = "DiscussionNote", True
    resolved = all(n.resolved for n in thread if n.resolvable) and any(n.resolvable for n in thread)
    note = fake.world.add_note(mr, call.user, body, resolvable=any(n.resolvable for n in thread))
    note.discussion_id = m["did"]
    if resolved:
        note.resolved, note.resolved_by = True, call.user
    return 201, fake.note_json(mr, note, call.base)


#: appended to the fake's routes by :class:`spyglass.testing.gitlab.FakeGitLab`
THREAD_ROUTES = (
    _route("POST", MR + r"/discussions/(?P<did>[0-9a-f]+)/notes", reply_in_discussion),
)

"""Pure reading of GitLab's hook body and the connected-project rule."""

from __future__ import annotations

import json

import pytest

from spyglass.exceptions import UsageError
from spyglass.gitlab.webhook import check_headers, is_connected_project, parse_webhook


def _body(project: dict[str, object], kind: str = "merge_request", **attributes: object) -> bytes:
    return json.dumps({"object_kind": kind, "project": project,
                       "object_attributes": {"iid": 3, **attributes}}).encode()


def test_a_merge_request_hook_is_read_with_its_head() -> None:
    payload = parse_webhook(_body({"id": 42, "path_with_namespace": "g/p"}, title="T", state="merged",
                                  action="merge", last_commit={"id": "ABCDEF0123"}, description="ignored"))

    project = payload.project
    assert (payload.object_kind, project.id, project.path_with_namespace) == ("merge_request", 42, "g/p")
    attrs = payload.object_attributes
    assert attrs is not None and (attrs.iid, attrs.title, attrs.state, attrs.action) == (3, "T", "merged", "merge")
    assert payload.head_sha == "abcdef0123"


def test_other_kinds_keep_only_their_project_whatever_their_attributes() -> None:
    note = parse_webhook(_body({"id": 42, "path_with_namespace": "g/p"}, kind="note", iid="not read"))

    assert note.object_kind == "note" and note.object_attributes is None and note.head_sha is None


@pytest.mark.parametrize(("connected", "project", "expected"), [
    ("g/p", {"id": 42, "path_with_namespace": "g/p"}, True),
    ("G/P/", {"id": 42, "path_with_namespace": "g/p"}, True),  # GitLab paths ignore case
    ("42", {"id": 42, "path_with_namespace": "g/p"}, True),  # CI_PROJECT_ID
    ("43", {"id": 42, "path_with_namespace": "g/p"}, False),
    ("42", {"path_with_namespace": "g/p"}, False),  # no id to compare with a numeric project
    ("g/p", {"id": 42, "path_with_namespace": "g/p2"}, False),
    ("g", {"id": 42, "path_with_namespace": "g/p"}, False),
])
def test_the_connected_project_is_matched_by_id_or_path(connected: str, project: dict[str, object],
                                                         expected: bool) -> None:
    assert is_connected_project(connected, parse_webhook(_body(project))) is expected


def test_bad_fields_are_named_without_their_values() -> None:
    with pytest.raises(UsageError) as caught:
        parse_webhook(_body({"id": 1, "path_with_namespace": "g/p"}, iid=2**40, title="secret\x00value"))

    assert "object_attributes.iid" in caught.value.message and "object_attributes.title" in caught.value.message
    assert str(2**40) not in caught.value.message.split("less than")[0] and "secret" not in caught.value.message


def test_delivery_headers_are_bounded() -> None:
    check_headers("a" * 255, "Merge Request Hook")
    check_headers(None, None)
    for key, event in (("a" * 256, None), ("line\nbreak", None), (None, "e" * 101), (None, "bell\x07")):
        with pytest.raises(UsageError):
            check_headers(key, event)


def _note(noteable: str = "MergeRequest", merge_request: object = None) -> bytes:
    body: dict[str, object] = {"object_kind": "note", "project": {"id": 42, "path_with_namespace": "g/p"},
                               "object_attributes": {"note": "/spyglass approve x", "noteable_type": noteable,
                                                     "author_id": 7, "discussion_id": "ab" * 20}}
    if merge_request is not None:
        body["merge_request"] = merge_request
    return json.dumps(body).encode()


def test_a_note_hook_names_only_its_merge_request() -> None:
    payload = parse_webhook(_note(merge_request={"iid": 5, "title": "T", "last_commit": {"id": "abc1234"}}))

    assert payload.note is not None and payload.note.merge_request_iid == 5
    assert payload.object_attributes is None  # the note's text is read back from GitLab's API, never from here
    assert parse_webhook(_note("Issue", {"iid": 5})).note.merge_request_iid is None  # type: ignore[union-attr]
    assert parse_webhook(_note()).note.merge_request_iid is None  # type: ignore[union-attr]


@pytest.mark.parametrize("merge_request", [{"iid": "5"}, {"iid": 0}, {"iid": 2**40}, {"iid": 5.0}, ["x"]])
def test_a_note_hook_with_a_bad_merge_request_is_a_400(merge_request: object) -> None:
    with pytest.raises(UsageError, match="merge_request") as caught:
        parse_webhook(_note(merge_request=merge_request))
    assert caught.value.http_status == 400

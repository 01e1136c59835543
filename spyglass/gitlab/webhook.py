"""Pure: GitLab's Merge Request and Note Hook bodies, read defensively; whether one is for the connected project.

Every field that reaches the store is typed and bounded here (an ``iid`` is a positive 32-bit integer as
GitLab stores it, never a float or a string; texts have a length limit; a sha is hex), and the JSON is
parsed with a nesting limit, so a hostile or broken body is a clear 4xx and never a 500.
"""

from __future__ import annotations

from typing import Annotated

import pydantic_core
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spyglass.exceptions import UsageError
from spyglass.gitlab.settings import MAX_IID

#: GitLab keeps project ids in a 64-bit integer column (iids: ``MAX_IID``, 32-bit)
MAX_PROJECT_ID = 2**63 - 1
#: headers GitLab sends with each delivery, bounded before anything is stored
MAX_IDEMPOTENCY_KEY_CHARS = 255
MAX_EVENT_CHARS = 100

Iid = Annotated[int, Field(strict=True, ge=1, le=MAX_IID)]
_Word = Annotated[str, Field(strict=True, pattern=r"^[a-z_]{1,40}$")]


class _Commit(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    id: Annotated[str, Field(strict=True, pattern=r"^[0-9a-fA-F]{7,64}$")] | None = None


class _Attributes(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    iid: Iid
    title: Annotated[str, Field(strict=True, max_length=2000, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]*$")] = ""
    state: _Word = "opened"
    action: _Word | None = None
    last_commit: _Commit | None = None


class _Project(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    id: Annotated[int, Field(strict=True, ge=1, le=MAX_PROJECT_ID)] | None = None
    path_with_namespace: Annotated[
        str, Field(strict=True, max_length=500, pattern=r"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$")]


class _NoteAttributes(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    noteable_type: Annotated[str, Field(strict=True, max_length=64)] = ""


class _NotedMergeRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    iid: Iid


class NotePayload(BaseModel):
    """The parts of GitLab's Note Hook body Spyglass uses: which merge request was commented on. The note
    itself is read back from GitLab's API (its text and author as GitLab lists them), never from here."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    object_kind: Annotated[str, Field(strict=True, max_length=64)]
    project: _Project
    object_attributes: _NoteAttributes
    merge_request: _NotedMergeRequest | None = None

    @property
    def merge_request_iid(self) -> int | None:
        if self.object_attributes.noteable_type != "MergeRequest" or self.merge_request is None:
            return None
        return self.merge_request.iid


class WebhookPayload(BaseModel):
    """The parts of GitLab's hook body Spyglass uses (everything else is ignored). ``object_attributes``
    is read for ``merge_request`` events only (other kinds give it another shape)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    object_kind: Annotated[str, Field(strict=True, max_length=64)]
    project: _Project
    object_attributes: _Attributes | None = None
    #: for ``note`` events
    note: NotePayload | None = None

    @property
    def head_sha(self) -> str | None:
        attrs = self.object_attributes
        return attrs.last_commit.id.lower() if attrs and attrs.last_commit and attrs.last_commit.id else None


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    object_kind: Annotated[str, Field(strict=True, max_length=64)]
    project: _Project


def parse_webhook(body: bytes) -> WebhookPayload:
    """The hook's JSON body; :class:`UsageError` (400) naming the bad fields, never echoing their values.

    The JSON parser has a nesting limit (a body of 100,000 nested arrays is refused, not a RecursionError).
    """
    try:
        data = pydantic_core.from_json(body)
        envelope = _Envelope.model_validate(data)
        if envelope.object_kind == "note":
            return WebhookPayload(object_kind="note", project=envelope.project,
                                  note=NotePayload.model_validate(data))
        if envelope.object_kind != "merge_request":
            return WebhookPayload(object_kind=envelope.object_kind, project=envelope.project)
        return WebhookPayload.model_validate(data)
    except ValueError as exc:  # ValidationError is a ValueError too
        raise UsageError(f"The webhook body is not a GitLab hook event Spyglass can use ({_problems(exc)}).",
                         remedy="Configure the hook for Merge request and Comments events; GitLab sends "
                                "JSON with object_kind, project and object_attributes.") from None


def _problems(exc: ValueError) -> str:
    if not isinstance(exc, ValidationError):
        return "not valid JSON, or nested too deeply"
    problems = []
    for error in exc.errors(include_input=False)[:5]:
        where = ".".join(str(part) for part in error.get("loc", ())) or "body"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(problems)


def check_headers(idempotency_key: str | None, event: str | None) -> None:
    """Refuse over-long delivery headers (they are stored) with a 400."""
    if idempotency_key is not None and (len(idempotency_key) > MAX_IDEMPOTENCY_KEY_CHARS
                                        or not idempotency_key.isprintable()):
        raise UsageError("The Idempotency-Key header is not a short line of text (at most "
                         f"{MAX_IDEMPOTENCY_KEY_CHARS} characters).", remedy="Send GitLab's own Idempotency-Key "
                                                                          "(a UUID).")
    if event is not None and (len(event) > MAX_EVENT_CHARS or not event.isprintable()):
        raise UsageError(f"The X-Gitlab-Event header is not a short line of text (at most {MAX_EVENT_CHARS} "
                         "characters).", remedy="Send GitLab's own X-Gitlab-Event (e.g. Merge Request Hook).")


def is_connected_project(connected: str, payload: WebhookPayload) -> bool:
    """True when the delivery is for ``connected`` (a numeric id, or a path compared like GitLab does,
    without regard to case)."""
    wanted = connected.strip().strip("/")
    if wanted.isdigit():
        return payload.project.id == int(wanted)
    return wanted.lower() == payload.project.path_with_namespace.lower()

"""Turning store rows into records and back: one place that knows the column order and formats."""

from __future__ import annotations

from datetime import datetime, timezone

from spyglass.exceptions import StoreError
from spyglass.store.backend import SqlRow, Transaction
from spyglass.store.models import TrackedMergeRequest

MR_COLUMNS = (
    "project, iid, title, state, head_sha, validated_sha, validated_at, summary_note_id, summary_sha, "
    "stale, updated_at"
)


def load_mr(tx: Transaction, project: str, iid: int) -> TrackedMergeRequest | None:
    row = tx.fetch_one(
        f"SELECT {MR_COLUMNS} FROM spyglass_merge_requests WHERE project = ? AND iid = ?", (project, iid)
    )
    return None if row is None else mr_from_row(row)


def save_mr(tx: Transaction, mr: TrackedMergeRequest) -> None:
    tx.execute("DELETE FROM spyglass_merge_requests WHERE project = ? AND iid = ?", (mr.project, mr.iid))
    tx.execute(
        f"INSERT INTO spyglass_merge_requests ({MR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            mr.project, mr.iid, mr.title, mr.state, mr.head_sha, mr.validated_sha,
            None if mr.validated_at is None else stamp(mr.validated_at), mr.summary_note_id,
            mr.summary_sha, int(mr.stale), stamp(mr.updated_at),
        ),
    )


def mr_from_row(row: SqlRow) -> TrackedMergeRequest:
    project, iid, title, state, head, validated, validated_at, note, summary_sha, stale, updated = row
    return TrackedMergeRequest(
        project=str(project), iid=to_int(iid), title=str(title), state=str(state), head_sha=opt_str(head),
        validated_sha=opt_str(validated), validated_at=None if validated_at is None else parse_time(validated_at),
        summary_note_id=None if note is None else to_int(note), summary_sha=opt_str(summary_sha),
        stale=bool(stale), updated_at=parse_time(updated),
    )


def stamp(moment: datetime) -> str:
    """A UTC timestamp in one fixed format, so that stored stamps compare correctly as text."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def parse_time(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


def to_int(value: object) -> int:
    if isinstance(value, (int, str)):
        return int(value)
    raise StoreError(f"The store holds a malformed number {value!r}.", remedy="Check the database's integrity.")


def opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def to_bytes(value: object) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return str(value).encode("ascii")

"""Load and save the state file: versioned, written atomically, never clobbering what it cannot read."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from spyglass import __version__
from spyglass.exceptions import StateError
from spyglass.state.migrate import migrate
from spyglass.state.models import SCHEMA_VERSION, State


def new_state(now: datetime | None = None) -> State:
    """An empty state stamped with this Spyglass version."""
    moment = now or datetime.now(timezone.utc)
    return State(spyglass_version=__version__, created_at=moment, updated_at=moment)


def parse_state(text: str, path: Path) -> State:
    """Parse state file text (pure).

    Raises:
        StateError: not JSON, not a state file, written by a newer Spyglass, or a check in it cannot be
            read (unknown type, invalid params: the check is named). An older version is migrated.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(
            f"The state file {path} is not valid JSON ({exc.msg} at line {exc.lineno}).",
            remedy="Restore it from version control or delete it and run `spyglass run` again.",
        ) from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise StateError(f"{path} is not a Spyglass state file (it has no `schema_version`).",
                         remedy="Point --state-file at a file written by `spyglass run`.")
    version = data["schema_version"]
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise StateError(
            f"The state file {path} has schema version {version}, newer than this Spyglass "
            f"({__version__}) understands (up to {SCHEMA_VERSION}).",
            remedy="Upgrade Spyglass (`pip install -U spyglass`); the file was left untouched.",
        )
    try:
        return State.model_validate(migrate(data, path))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _located(data, first["loc"])
        raise StateError(f"The state file {path} is corrupt: {where}: {first['msg']}.",
                         remedy="Restore it from version control or delete it and run `spyglass run` again.",
                         ) from None


def _located(data: dict[str, object], loc: tuple[int | str, ...]) -> str:
    """Where a validation error is, naming the check when it is in one (``check 'Orders': spec...``)."""
    where = ".".join(str(p) for p in loc)
    checks = data.get("checks")
    if loc[:1] == ("checks",) and len(loc) > 1 and isinstance(loc[1], int) and isinstance(checks, list):
        check = checks[loc[1]] if loc[1] < len(checks) else None
        if isinstance(check, dict) and isinstance(check.get("name"), str):
            where = f"check {check['name']!r}: " + ".".join(str(p) for p in loc[2:])
    return where


def load_state(path: Path) -> State:
    """Read a state file.

    Raises:
        StateError: missing, unreadable, corrupt, or too new.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StateError(f"The state file {path} does not exist.",
                         remedy="Run `spyglass run` first, or pass the right path.") from None
    except OSError as exc:
        raise StateError(f"Cannot read the state file {path}: {exc.strerror}.",
                         remedy="Check the path and its permissions.") from None
    return parse_state(text, path)


def dump_state(state: State) -> str:
    """Serialize deterministically (sorted keys, stable indentation)."""
    return json.dumps(state.model_dump(mode="json"), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def save_state(path: Path, state: State) -> None:
    """Write the state atomically (temp file in the same directory + rename).

    An existing file that is corrupt or from a newer Spyglass is never overwritten.

    Raises:
        StateError: the existing file cannot be safely replaced, or the directory is not writable.
    """
    ensure_replaceable(path)
    write_atomically(path, dump_state(state))


def ensure_replaceable(path: Path) -> None:
    """Refuse to replace ``path`` unless it is missing, empty or a state file this Spyglass reads.

    Raises:
        StateError: the file cannot be read, or is corrupt or from a newer Spyglass.
    """
    if path.exists():
        try:
            existing = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise StateError(f"Cannot read {path} before replacing it: {exc.strerror}.",
                             remedy="Check the file's permissions.") from None
        if existing.strip():
            parse_state(existing, path)  # raises instead of clobbering a file we cannot read


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temp file in the same directory, synced, then renamed.

    Raises:
        StateError: the directory cannot be created or written.
    """
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise StateError(f"Cannot write the state file {path}: {exc.strerror}.",
                         remedy="Choose a writable location with -o/--output.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""A state file one process keeps rewriting (the server's): checked once, then owned.

:func:`spyglass.state.store.save_state` reads and parses the existing file before every write, so it
never clobbers a file it cannot read. A process that rewrites the same file again and again need not: it
checks the file once, on its first write, and from then on knows the file is the one it wrote last, by
its inode, size and modification time. Only when those differ (another program wrote, moved or deleted
it) is the file checked again before it is replaced.
"""

from __future__ import annotations

import threading
from pathlib import Path

from spyglass.state.store import ensure_replaceable, write_atomically


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells one version of the file from another without reading it: inode, size, mtime."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


class StateFile:
    """Writes ``path`` atomically; re-reads it only when it is not as this object last wrote it.

    Thread-safe: concurrent writes are made one after the other.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._written: tuple[int, int, int] | None = None
        self._lock = threading.Lock()

    def write(self, text: str) -> bool:
        """Replace the file with ``text``; True when the file had been changed by someone else since
        this object last wrote it (it was checked, as on the first write, and replaced).

        Raises:
            StateError: the file is not ours to replace (corrupt, from a newer Spyglass, unreadable), or
                the directory cannot be written. The file is left as it was.
        """
        with self._lock:
            changed = self._written is not None and _stamp(self.path) != self._written
            if self._written is None or changed:
                ensure_replaceable(self.path)
            self._written = None  # should the write fail half-way, check again next time
            write_atomically(self.path, text)
            self._written = _stamp(self.path)
            return changed

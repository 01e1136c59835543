"""The server's state file writes: one thread writes the newest state, at most once per ``interval``.

A change only hands the state's text to :meth:`StateWriter.changed` and returns; the writer thread
waits ``interval`` seconds for more changes, then writes the newest text once (through
:class:`spyglass.state.file.StateFile`, which does not re-read a file it wrote itself). So a burst of
approvals is one write, and no request waits for the disk.

What is on disk:

* within ``interval`` (plus the time of one write) of any change;
* at once after :meth:`StateWriter.flush` (``POST /api/state/save`` waits for it);
* after a clean shutdown (:meth:`StateWriter.close`, from the app's lifespan);
* after a crash (the process killed, the machine down), the changes of the last ``interval`` at most
  are lost. The file itself is never half-written: each write replaces it atomically.

A write that fails (the directory became unwritable, the file was replaced by something that is not a
state file) is logged once, raised by :meth:`StateWriter.raise_failure` until a write succeeds, and
retried with the next change or flush; the state in memory stays as it is.
"""

from __future__ import annotations

import copy
import logging
import threading

from spyglass.exceptions import StateError
from spyglass.state.file import StateFile

log = logging.getLogger("spyglass.server")

#: seconds between two writes of the state file at most (the most a crash can lose)
SAVE_INTERVAL = 0.5
#: how long a clean shutdown waits for a write under way before writing itself
_JOIN_SECONDS = 30.0


class StateWriter:
    """Writes the newest text handed to :meth:`changed` to ``file`` from one daemon thread.

    Thread-safe. Started on the first change; :meth:`close` writes what is left and stops it.
    """

    def __init__(self, file: StateFile, *, interval: float = SAVE_INTERVAL) -> None:
        self._file = file
        self._interval = max(0.0, interval)
        self._changed = threading.Condition()
        self._writing = threading.Lock()  # one write at a time: the thread's, a flush's
        self._pending: str | None = None  # the newest text not yet on disk
        self._version = 0
        self._due = False  # a change came since the thread last wrote
        self._failure: StateError | None = None
        self._writes = 0
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def writes(self) -> int:
        """How many times the file was written."""
        return self._writes

    def changed(self, text: str) -> None:
        """``text`` is the newest state: write it within ``interval`` (at once when closed)."""
        with self._changed:
            self._pending, self._version, self._due = text, self._version + 1, True
            closed = self._closed
            if not closed and self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="spyglass-state-writer", daemon=True)
                self._thread.start()
            self._changed.notify_all()
        if closed:  # a run that ends while the server stops: nobody writes it later
            self.flush()

    def raise_failure(self) -> None:
        """Raise (a copy of) the last write's error, if it failed and nothing was written since."""
        failure = self._failure
        if failure is not None:
            raise copy.copy(failure)

    def flush(self) -> None:
        """Write the newest text now, unless it is on disk already.

        Raises:
            StateError: the write failed (the text stays pending, and is retried).
        """
        with self._writing:
            with self._changed:
                text, version = self._pending, self._version
            if text is None:
                return
            try:
                replaced_foreign = self._file.write(text)
            except StateError as exc:
                self._failed(exc)
                raise
            with self._changed:
                self._writes += 1
                self._failure = None
                if self._version == version:
                    self._pending = None
        if replaced_foreign:
            log.warning("The state file %s had been changed by another program; it now holds this server's "
                        "state.", self._file.path)

    def close(self) -> None:
        """Stop the thread and write what is not on disk yet. Safe to call several times.

        Raises:
            StateError: the last write failed.
        """
        with self._changed:
            self._closed = True
            thread = self._thread
            self._changed.notify_all()
        if thread is not None:
            thread.join(_JOIN_SECONDS)
        self.flush()

    def _failed(self, exc: StateError) -> None:
        with self._changed:
            repeated = self._failure is not None and self._failure.message == exc.message
            self._failure = exc
        if not repeated:  # said once, not at every retry
            log.error("The state could not be saved (it is kept in memory and saved with the next change, "
                      "or POST /api/state/save): %s %s", exc.message, exc.remedy)

    def _loop(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._due or self._closed)
                if not self._closed:  # let the changes of the next interval gather into this write
                    self._changed.wait_for(lambda: self._closed, timeout=self._interval)
                if self._closed:
                    return  # close() writes what is left
                self._due = False
            try:
                self.flush()
            except StateError:
                continue  # logged by _failed; retried with the next change

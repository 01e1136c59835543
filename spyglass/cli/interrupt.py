"""Ctrl+C, SIGTERM and SIGHUP for the commands that query the warehouse: cancel the query, exit 130.

Python runs signal handlers only on the main thread, between bytecodes, so a main thread blocked in a
driver call (or waiting on one without a timeout) never sees Ctrl+C, and a plain SIGTERM kills the
process while the warehouse goes on running its query. :func:`run_interruptibly` therefore runs the
command's work on a worker thread, hands it a :class:`CancelToken`, and keeps the main thread waiting in
short intervals with SIGINT/SIGTERM handlers installed:

- the first signal prints one line, fires the token (the warehouse cancels its running queries, a
  template render stops) and waits up to ``grace`` seconds for the work to end; then
  :class:`~spyglass.exceptions.Cancelled` is raised, which :func:`spyglass.cli.main.main` turns into
  exit code 130 like every other error;
- a second signal, or work still running after ``grace`` (stuck where nothing can interrupt it, e.g.
  connecting to a host that does not answer), ends the process at once with the same code.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TypeVar

from spyglass.exceptions import Cancelled
from spyglass.warehouse.base import CancelToken

T = TypeVar("T")

#: Ctrl+C, ``kill``, and the terminal closing; a signal the process was started ignoring (``nohup``) stays ignored
_SIGNALS = tuple(sig for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if sig is not None)
#: seconds the work has to end once cancelled (a warehouse confirms a cancel well within this)
DEFAULT_GRACE = 10.0


def run_interruptibly(work: Callable[[CancelToken], T], *, grace: float = DEFAULT_GRACE, poll: float = 0.1) -> T:
    """``work(token)`` on a worker thread; SIGINT/SIGTERM/SIGHUP cancel ``token`` (see module doc).

    Off the main thread (where Python cannot install signal handlers) the work simply runs here.

    Raises:
        Cancelled: a signal arrived; the work was cancelled and has ended.
        Whatever ``work`` raised (SystemExit included), re-raised on the calling thread.
    """
    token = CancelToken()
    if threading.current_thread() is not threading.main_thread():
        return work(token)
    results: list[T] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def target() -> None:
        try:
            results.append(work(token))
        except BaseException as exc:  # handed to the main thread, which raises it
            errors.append(exc)
        finally:
            done.set()

    received: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        received.append(signum)  # the handler only records; the main loop acts (no locks taken here)
        if len(received) > 1:
            _exit_now("Interrupted again: exiting without waiting for the warehouse.")

    previous = {sig: signal.signal(sig, on_signal) for sig in _SIGNALS if signal.getsignal(sig) is not signal.SIG_IGN}
    try:
        threading.Thread(target=target, name="spyglass-command", daemon=True).start()
        while not done.wait(poll) and not received:
            pass
        if received:
            _cancel_and_wait(token, done, grace, received[0])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if errors:
        raise errors[0]
    return results[0]


def _cancel_and_wait(token: CancelToken, done: threading.Event, grace: float, signum: int) -> None:
    name = signal.Signals(signum).name
    _say("Interrupted: cancelling the warehouse query...")
    token.cancel()
    if not done.wait(grace):
        _exit_now(f"The work did not stop within {grace:g} s of {name}; exiting without it.")
    raise Cancelled(f"Stopped by {name}: the running warehouse queries were cancelled.",
                    remedy="Run the command again when you want its result.")


def _say(line: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # a closed or broken stderr must not stop the exit
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _exit_now(line: str) -> None:
    """Leave at once with :class:`Cancelled`'s exit code: threads stuck in a driver call cannot be joined."""
    _say(line)
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    os._exit(Cancelled.exit_code)


"""How much a state keeps, and the pure functions that hold it to that.

* Runs: the latest run of every check (what the checklist shows; a kept approval always belongs to it,
  see :func:`same_result`) and the newest ``recent_runs`` ad-hoc runs (query editor, diff buttons: runs
  that belong to no check). Older runs of a check, and runs of deleted checks, are dropped.
* Results: every stored result is cut (:func:`spyglass.state.cut.cut_result`) to at most ``result_bytes``,
  and all of them together to ``results_bytes``: small results are kept whole, large ones share what is
  left. Only sample rows and over-long text shrink; every figure stays exact.
* The whole state: at most ``state_bytes`` as written (:func:`check_size`). Results alone cannot exceed
  ``results_bytes``, so only a very large checklist (thousands of checks or huge parameters) reaches it,
  and a change that would is refused. ``state_bytes`` is also what the server's import accepts, so an
  exported state always imports.

A cut result keeps, on its run, the digest of the result as computed (``RunRecord.result_digest``):
approvals compare those (:func:`same_result`), so a change hidden in rows the state file did not keep
still withdraws an approval, and a smaller budget alone never does.
"""

from __future__ import annotations

from dataclasses import dataclass

from spyglass.exceptions import StateTooLarge
from spyglass.state.cut import cut_result, result_digest, result_size, water_fill
from spyglass.state.models import RunRecord, State

MIB = 1024 * 1024


@dataclass(frozen=True)
class StateLimits:
    """The bounds of a stored state (defaults suit a review checklist; tests pass smaller ones)."""

    #: ad-hoc runs (no check) kept, newest first
    recent_runs: int = 20
    #: the most one stored result may take in the state file
    result_bytes: int = 1 * MIB
    #: the most all stored results together may take
    results_bytes: int = 16 * MIB
    #: longer text values in results are shortened (with their length and a hash)
    cell_chars: int = 1_000
    #: the largest state file kept, exported, and accepted by an import
    state_bytes: int = 32 * MIB

    def __post_init__(self) -> None:
        if self.recent_runs < 0 or self.cell_chars < 200 or self.result_bytes < 1024:
            raise ValueError("recent_runs >= 0, cell_chars >= 200 and result_bytes >= 1024 are required")
        if not self.result_bytes <= self.results_bytes < self.state_bytes:
            raise ValueError("result_bytes <= results_bytes < state_bytes is required")


def kept_runs(state: State, recent: int) -> list[RunRecord]:
    """The runs a state keeps, in their order: each check's latest run and the newest ``recent`` ad-hoc
    runs (pure)."""
    latest = {c.last_run_id for c in state.checks if c.last_run_id}
    adhoc = [r.run_id for r in state.runs if r.check_id is None and r.run_id not in latest]
    keep = latest | set(adhoc[max(0, len(adhoc) - recent):] if recent else ())
    return [r for r in state.runs if r.run_id in keep]


def bound_run(run: RunRecord, budget: int, cell_chars: int) -> RunRecord:
    """The run with its result cut to ``budget`` bytes; the digest of the uncut result is kept."""
    if run.result is None:
        return run
    cut = cut_result(run.result, budget, cell_chars)
    if cut is run.result:
        return run
    return run.model_copy(update={"result": cut, "result_digest": run.result_digest or result_digest(run.result)})


class BoundRuns:
    """What :func:`bound_state` learnt about the runs it returned, for its next call with the same limits:
    such a run is already cut to the size remembered, so it needs measuring and cutting again only for a
    smaller budget. Runs are frozen: the same object is the same run. Runs no longer returned are
    forgotten. Not thread-safe (the server's workspace bounds under its lock)."""

    def __init__(self) -> None:
        self._sizes: dict[int, tuple[RunRecord, int]] = {}

    def size(self, run: RunRecord) -> int | None:
        entry = self._sizes.get(id(run))
        return entry[1] if entry is not None and entry[0] is run else None  # the entry holds its run: no id reuse

    def remember(self, sized: list[tuple[RunRecord, int]]) -> None:
        self._sizes = {id(run): (run, size) for run, size in sized}


def _stored_size(run: RunRecord) -> int:
    return result_size(run.result) if run.result is not None else 0


def bound_state(state: State, limits: StateLimits, known: BoundRuns | None = None) -> State:
    """``state`` holding only the runs it keeps, each result cut to its share of the budget (pure but for
    ``known``, which spares measuring again the runs a previous call with the same ``limits`` returned)."""
    runs = kept_runs(state, limits.recent_runs)
    cut = [known.size(run) if known is not None else None for run in runs]  # sizes of runs already bounded
    sizes = [_stored_size(run) if size is None else size for run, size in zip(runs, cut, strict=True)]
    budgets = water_fill([min(size, limits.result_bytes) for size in sizes], limits.results_bytes)
    bounded = [run if size is not None and size <= budget else bound_run(run, max(budget, 1), limits.cell_chars)
               for run, size, budget in zip(runs, cut, budgets, strict=True)]
    if known is not None:
        known.remember([(after, size if after is before else _stored_size(after))
                        for after, before, size in zip(bounded, runs, sizes, strict=True)])
    if len(bounded) == len(state.runs) and all(a is b for a, b in zip(bounded, state.runs, strict=True)):
        return state
    return state.model_copy(update={"runs": bounded})


def full_digest(run: RunRecord) -> str | None:
    """The digest of the run's result as it was computed (before any cut); None without a result."""
    if run.result is None:
        return None
    return run.result_digest or result_digest(run.result)


def same_result(a: RunRecord, b: RunRecord) -> bool:
    """True when two runs computed the same result, whether or not the state file cut either (pure)."""
    if a.result is None or b.result is None:
        return a.result is None and b.result is None
    return full_digest(a) == full_digest(b)


def check_size(text: str, limits: StateLimits) -> None:
    """Refuse a state whose written form is larger than ``limits.state_bytes``.

    Raises:
        StateTooLarge: the state would not fit (nor import back).
    """
    size = len(text.encode("utf-8"))
    if size > limits.state_bytes:
        raise StateTooLarge(
            f"This change would make the state {size / MIB:.1f} MB, more than the {limits.state_bytes / MIB:.0f} MB "
            "a state file may hold (the most an import accepts).",
            remedy="Delete checks you no longer need or shorten their parameters; results are already cut "
                   "to fit, so only the checklist itself can be this large.",
        )

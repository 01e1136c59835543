"""Timing that is fair on a shared machine."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def interleaved_medians(actions: dict[str, Callable[[], object]], repeat: int, *,
                        warm_up: bool = True) -> dict[str, float]:
    """Median seconds of each action over ``repeat`` rounds, alternating the actions so that load on a
    shared machine hits every action alike; ``warm_up`` runs each once first, untimed."""
    if warm_up:
        for action in actions.values():
            action()
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}

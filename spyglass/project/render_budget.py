"""The budget one render of a SQL template spends: limits, steps, sizes, and the checks that refuse an
operation before it computes a value too large to hold (see :mod:`spyglass.project.render_guard`).

Sizes are *printed* sizes, estimated by :func:`measure`: a list holding one 1 MB string 1,000 times
is 1 GB, because that is what printing or joining it would produce.
"""

from __future__ import annotations

import re
import string
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NoReturn, Protocol

from jinja2.utils import Namespace

from spyglass.exceptions import Cancelled, RenderLimitExceeded


class Cancellation(Protocol):
    """What a render needs of its run's cancel token (``spyglass.warehouse.base.CancelToken`` is one)."""

    @property
    def cancelled(self) -> bool: ...


@dataclass(frozen=True)
class RenderLimits:
    """How much work rendering one SQL template may do (the defaults fit any hand-written SQL)."""

    #: wall-clock seconds for parsing, compiling and rendering
    seconds: float = 5.0
    #: characters of template and of rendered SQL; also the most any one value may hold
    max_chars: int = 1_000_000
    #: loop iterations, calls, lookups, operators and filters
    max_steps: int = 5_000_000
    #: characters produced in total, macro and block bodies included
    max_total_chars: int = 16_000_000


#: Python cannot print an integer with more digits than ~4,300 (``sys.int_max_str_digits``)
MAX_INT_BITS = 14_000

_REMEDY = ("Simplify the template: bound its loops, string repetition and macro recursion "
           "(SQL templates only need ref(), source() and small loops).")
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?[a-zA-Z%]")


class Budget:
    """The limits of one render and what it has used so far (one render, one thread)."""

    def __init__(self, limits: RenderLimits, cancel: Cancellation | None) -> None:
        self.limits = limits
        self._cancel = cancel
        self._deadline = time.monotonic() + limits.seconds
        self._steps = 0
        self._produced = 0

    def step(self) -> None:
        """Count one step; raise when over budget, past the deadline or cancelled."""
        self._steps += 1
        if self._steps > self.limits.max_steps:
            raise RenderLimitExceeded(f"The SQL template did more than {self.limits.max_steps:,} steps (loop "
                                      "iterations, calls, lookups) and was stopped.", remedy=_REMEDY)
        if self._cancel is not None and self._cancel.cancelled:
            raise Cancelled("Rendering the SQL template was cancelled.")
        if time.monotonic() > self._deadline:
            raise RenderLimitExceeded(f"Rendering the SQL template took longer than {self.limits.seconds:g} s "
                                      "and was stopped.", remedy=_REMEDY)

    def refuse(self, what: str) -> NoReturn:
        """Stop because a value would hold more than ``max_chars`` characters."""
        self.stop(f"The SQL template {what}: more than the limit of {self.limits.max_chars:,} characters, "
                  "so it was stopped.")

    def stop(self, message: str, remedy: str = _REMEDY) -> NoReturn:
        raise RenderLimitExceeded(message, remedy=remedy)

    def check_size(self, *values: Any, what: str = "builds a value that is too large") -> None:
        """Refuse when ``values`` together would print as more than ``max_chars`` characters."""
        limit = self.limits.max_chars
        total = 0
        for value in values:
            total += measure(value, limit - total)
            if total > limit:
                self.refuse(what)

    def check_width(self, width: object, what: str) -> None:
        if isinstance(width, int) and width > self.limits.max_chars:
            self.refuse(what)

    def produced(self, text: str) -> None:
        """Count text written to the output or into a macro/block body."""
        self._produced += len(text)
        if self._produced > self.limits.max_total_chars:
            raise RenderLimitExceeded(f"The SQL template produced more than {self.limits.max_total_chars:,} "
                                      "characters of text (macro and block bodies included) and was stopped.",
                                      remedy=_REMEDY)


def measure(value: Any, limit: int) -> int:
    """An upper estimate of how many characters ``value`` prints as, counting a part shared by several
    containers once per container; stops counting once past ``limit``."""
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() * 3 // 10 + 2
        elif isinstance(item, float):
            total += 24
        elif isinstance(item, range):
            digits = len(str(max(abs(item.start), abs(item.stop))))
            total += len(item) * (digits + 2)
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            stack.extend(item)
        elif isinstance(item, Namespace):
            stack.append(dict(object.__getattribute__(item, "_Namespace__attrs")))
        else:
            total += 1
    return total


class GuardedIterable:
    """What a ``for`` loop iterates: the original iterable, one step per item."""

    def __init__(self, iterable: Any, budget: Budget) -> None:
        self._iterable = iterable
        self._budget = budget

    def __iter__(self) -> Iterator[Any]:
        for item in self._iterable:
            self._budget.step()
            yield item

    def __len__(self) -> int:  # loop.length; a TypeError makes Jinja count by iterating
        return len(self._iterable)


class SizedIterator:
    """A lazy filter result (``map``, ``select`` ...): one step per item, items bounded in total."""

    def __init__(self, iterator: Iterator[Any], budget: Budget, name: str) -> None:
        self._iterator = iterator
        self._budget = budget
        self._name = name
        self._size = 0

    def __iter__(self) -> SizedIterator:
        return self

    def __next__(self) -> Any:
        item = next(self._iterator)
        self._budget.step()
        self._size += 2 + measure(item, self._budget.limits.max_chars)
        if self._size > self._budget.limits.max_chars:
            self._budget.refuse(f"builds a sequence that is too large with the {self._name} filter")
        return item


def bounded_list(budget: Budget, items: Iterable[Any], separator: str, what: str) -> list[Any]:
    """``items`` as a list, refused as soon as joining them with ``separator`` would be too large."""
    result: list[Any] = []
    size = 0
    for item in items:
        budget.step()
        size += measure(item, budget.limits.max_chars) + (len(separator) if result else 0)
        if size > budget.limits.max_chars:
            budget.refuse(what)
        result.append(item)
    return result


# -- checks made before an operation computes ---------------------------------------------------------------
def check_replace(budget: Budget, text: object, old: object, new: object, count: object) -> None:
    text, old, new = str(text), str(old), str(new)
    hits = text.count(old)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    if len(text) + hits * (len(new) - len(old)) > budget.limits.max_chars:
        budget.refuse("replaces text into a string that is too large")


def check_printf(budget: Budget, template: object) -> None:
    for match in _PRINTF.finditer(str(template)):
        for width in match.groups():
            if width == "*" or (width and (len(width) > 9 or int(width) > budget.limits.max_chars)):
                budget.refuse("formats a value with a field width that is too large (or computed)")


def check_format_spec(budget: Budget, template: str) -> None:
    for _, _, spec, _ in string.Formatter().parse(template):
        if spec and "{" in spec:
            budget.refuse("formats a value with a computed field width")
        for width in re.findall(r"\d+", spec or ""):
            if len(width) > 9 or int(width) > budget.limits.max_chars:
                budget.refuse("formats a value with a field width that is too large")


def _check_power(budget: Budget, left: Any, right: Any) -> None:
    if (isinstance(left, int) and isinstance(right, int) and right > 1 and abs(left) > 1
            and (right > MAX_INT_BITS or right * abs(left).bit_length() > MAX_INT_BITS)):
        budget.refuse("computes a power with more digits than can be printed")


def _check_multiply(budget: Budget, left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            budget.refuse("computes a product with more digits than can be printed")
        return
    for sequence, times in ((left, right), (right, left)):
        if (isinstance(times, int) and times > 1 and isinstance(sequence, str | bytes | list | tuple)
                and measure(sequence, budget.limits.max_chars) * times > budget.limits.max_chars):
            budget.refuse("repeats a string or list into one that is too large")


def _check_add(budget: Budget, left: Any, right: Any) -> None:
    if not isinstance(left, int | float) or not isinstance(right, int | float):
        budget.check_size(left, right, what="adds values into one that is too large")


def _check_modulo(budget: Budget, left: Any, right: Any) -> None:
    if isinstance(left, str):
        check_printf(budget, left)
        budget.check_size(right, what="formats a value that is too large")


OPERATOR_CHECKS: dict[str, Callable[[Budget, Any, Any], None]] = {
    "**": _check_power, "*": _check_multiply, "+": _check_add, "%": _check_modulo,
}

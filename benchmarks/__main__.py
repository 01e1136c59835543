"""Run the benchmarks: ``python -m benchmarks [NAME ...] [-- ARGS ...]``.

Every module ``benchmarks/bench_<name>.py`` exposes ``main(argv: list[str]) -> None``; with no names
all of them run, in name order. Arguments after ``--`` are passed to each ``main``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

PREFIX = "bench_"


def available() -> list[str]:
    """Names of the benchmark modules (without the ``bench_`` prefix), sorted."""
    folder = Path(__file__).parent
    return sorted(m.name[len(PREFIX):] for m in pkgutil.iter_modules([str(folder)]) if m.name.startswith(PREFIX))


def main(argv: list[str]) -> int:
    names, rest = (argv[: argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    known = available()
    wanted = [n.removeprefix(PREFIX).removesuffix(".py") for n in names] or known
    unknown = [n for n in wanted if n not in known]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Available: {', '.join(known)}.", file=sys.stderr)
        return 2
    for name in wanted:
        print(f"== {name} ==", flush=True)
        module = importlib.import_module(f"benchmarks.{PREFIX}{name}")
        module.main(list(rest))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
